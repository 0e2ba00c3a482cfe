// Both credentials of the package created in an n8n instance against an emulator tenant, the integration
// account optionally connected through n8n's OAuth2 flow (without a browser). What e2e tests of nodes, the
// demo and benchmarks need before they import a workflow.
import {
	INTEGRATION_ACCOUNT_CREDENTIAL_TYPE,
	integrationAccountCredentialData,
	TENANT_APP_CREDENTIAL_TYPE,
	tenantAppCredentialData,
	type EmulatorTenant,
} from './emulatorCredentials';
import { connectOAuth2OverHttp, type SignInAccount } from './oauth';
import type { N8nRestClient } from './rest';
import { createCredential } from './workflows';

export interface CredentialReference {
	id: string;
	name: string;
}

export interface EmulatorCredentials {
	tenantApp: CredentialReference;
	integrationAccount: CredentialReference;
	/** credential type -> reference, the shape a workflow node's `credentials` takes */
	byType: Record<string, CredentialReference>;
}

/**
 * `connectAs`: sign the integration account in (the app must list `oauthCallbackUrl(instance.baseUrl)` as a
 * redirect URI: push it onto `emulator.state.app(appId).redirectUris`, or `registerRedirectUri()` for a
 * child-process emulator). `ca`: the emulator's certificate, for the sign-in requests made from this process.
 */
export async function createEmulatorCredentials(
	client: N8nRestClient,
	tenant: EmulatorTenant,
	options: { connectAs?: SignInAccount; ca?: Buffer; names?: { tenantApp?: string; integrationAccount?: string } } = {},
): Promise<EmulatorCredentials> {
	const tenantAppName = options.names?.tenantApp ?? 'Microsoft 365 Tenant App (emulator)';
	const accountName = options.names?.integrationAccount ?? 'Microsoft 365 Integration Account (emulator)';
	const tenantApp = {
		id: await createCredential(client, {
			name: tenantAppName,
			type: TENANT_APP_CREDENTIAL_TYPE,
			data: tenantAppCredentialData(tenant),
		}),
		name: tenantAppName,
	};
	const integrationAccount = {
		id: await createCredential(client, {
			name: accountName,
			type: INTEGRATION_ACCOUNT_CREDENTIAL_TYPE,
			data: integrationAccountCredentialData(tenant),
		}),
		name: accountName,
	};
	if (options.connectAs) {
		await connectOAuth2OverHttp(client, integrationAccount.id, options.connectAs, { ca: options.ca });
	}
	return {
		tenantApp,
		integrationAccount,
		byType: {
			[TENANT_APP_CREDENTIAL_TYPE]: tenantApp,
			[INTEGRATION_ACCOUNT_CREDENTIAL_TYPE]: integrationAccount,
		},
	};
}
