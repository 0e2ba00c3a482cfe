/**
 * The tenant-app credential's fields as the code reads them, and the check that they are complete.
 * Kept apart from the credential class so nodes, the credential test and the token provider share one reading.
 */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { INCOMPLETE_PREFIX } from './aadErrors';
import { CLOUD_HOSTS, isCloud } from './clouds';
import { resolveHosts } from './hostPolicy';

export interface TenantAppSettings {
	tenantId: string;
	clientId: string;
	authMethod: 'secret' | 'certificate';
	clientSecret: string;
	privateKey: string;
	thumbprint: string;
	loginHost: string;
	graphHost: string;
	/** Graph of the chosen cloud, which names the token's audience even when a custom host serves the calls. */
	graphResourceHost: string;
	customHosts: boolean;
}

export class IncompleteCredentialError extends Error {
	constructor(readonly missingFields: string[]) {
		super(`${INCOMPLETE_PREFIX}: fill in ${missingFields.join(', ')} and save the credential.`);
		this.name = 'IncompleteCredentialError';
	}
}

function text(value: unknown): string {
	return typeof value === 'string' ? value.trim() : '';
}

/** Normalises a certificate thumbprint as shown by the Azure portal (hex, with or without colons or spaces). */
export function normalizeThumbprint(raw: string): string {
	return raw.replace(/[\s:]/g, '').toUpperCase();
}

export function readTenantAppSettings(data: ICredentialDataDecryptedObject): TenantAppSettings {
	const authMethod = data.authMethod === 'certificate' ? 'certificate' : 'secret';
	const settings = {
		tenantId: text(data.tenantId),
		clientId: text(data.clientId),
		authMethod,
		clientSecret: typeof data.clientSecret === 'string' ? data.clientSecret : '',
		privateKey: typeof data.privateKey === 'string' ? data.privateKey.trim() : '',
		thumbprint: normalizeThumbprint(text(data.thumbprint)),
	} as const;
	const missing: string[] = [];
	if (!settings.tenantId) missing.push('Directory (Tenant) ID');
	if (!settings.clientId) missing.push('Application (Client) ID');
	if (authMethod === 'secret' && !settings.clientSecret) missing.push('Client Secret');
	if (authMethod === 'certificate' && !settings.privateKey) missing.push('Private Key');
	if (authMethod === 'certificate' && !settings.thumbprint) missing.push('Certificate Thumbprint');
	if (missing.length) throw new IncompleteCredentialError(missing);
	const hosts = resolveHosts(data);
	const cloud = isCloud(data.cloud) ? data.cloud : 'global';
	return {
		...settings,
		loginHost: hosts.loginHost,
		graphHost: hosts.graphHost,
		graphResourceHost: CLOUD_HOSTS[cloud].graphHost,
		customHosts: hosts.custom,
	};
}
