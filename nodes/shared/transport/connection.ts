/**
 * Which Graph host and which way of authenticating a credential type resolves to. Tenant-app credentials get
 * their token from msal (nodes/shared/auth/tenantAppToken.ts); delegated credentials use n8n's OAuth2 machinery,
 * which refreshes and stores rotated refresh tokens.
 */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { resolveHosts } from '../auth/hostPolicy';
import { readTenantAppSettings, type TenantAppSettings } from '../auth/tenantAppCredentials';
import { TENANT_APP_CREDENTIAL, type GraphFunctions } from './types';

export type GraphConnection =
	| { kind: 'tenantApp'; credentialType: string; graphHost: string; loginHost: string; settings: TenantAppSettings }
	| { kind: 'oauth2'; credentialType: string; graphHost: string; loginHost: string; tenantId: string; clientId: string };

export function connectionFromCredentials(
	credentialType: string,
	data: ICredentialDataDecryptedObject,
): GraphConnection {
	if (credentialType === TENANT_APP_CREDENTIAL) {
		const settings = readTenantAppSettings(data);
		return { kind: 'tenantApp', credentialType, graphHost: settings.graphHost, loginHost: settings.loginHost, settings };
	}
	const hosts = resolveHosts(data);
	return {
		kind: 'oauth2',
		credentialType,
		graphHost: hosts.graphHost,
		loginHost: hosts.loginHost,
		tenantId: typeof data.tenantId === 'string' ? data.tenantId.trim() : '',
		// n8n's OAuth2 credentials hold the app registration's client id: Microsoft's limits are per app, whoever signs in.
		clientId: typeof data.clientId === 'string' ? data.clientId.trim() : '',
	};
}

export async function getGraphConnection(this: GraphFunctions, credentialType: string): Promise<GraphConnection> {
	const data = await this.getCredentials(credentialType);
	return connectionFromCredentials(credentialType, data);
}
