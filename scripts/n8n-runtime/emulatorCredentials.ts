// The package's two credentials pointed at the emulator tenant (its seed app, its hosts), as n8n stores them:
// shared by the e2e tests, the demo and the benchmarks so all of them set credentials up the same way.

export interface EmulatorTenant {
	tenantId: string;
	clientId: string;
	clientSecret: string;
	/** host:port of the emulator's login (Entra) and Graph listeners */
	loginHost: string;
	graphHost: string;
}

export const TENANT_APP_CREDENTIAL_TYPE = 'm365TenantAppApi';
export const INTEGRATION_ACCOUNT_CREDENTIAL_TYPE = 'm365IntegrationAccountOAuth2Api';

export function tenantAppCredentialData(tenant: EmulatorTenant): Record<string, unknown> {
	return {
		tenantId: tenant.tenantId,
		clientId: tenant.clientId,
		authMethod: 'secret',
		clientSecret: tenant.clientSecret,
		cloud: 'global',
		useCustomHosts: true,
		loginHost: tenant.loginHost,
		graphHost: tenant.graphHost,
	};
}

/** Before Connect: n8n fills in the authorize and token URLs from these fields and adds tokens on callback. */
export function integrationAccountCredentialData(tenant: EmulatorTenant): Record<string, unknown> {
	return {
		tenantId: tenant.tenantId,
		clientId: tenant.clientId,
		clientSecret: tenant.clientSecret,
		cloud: 'global',
		useCustomHosts: true,
		loginHost: tenant.loginHost,
		graphHost: tenant.graphHost,
	};
}

/** Where n8n sends the browser after sign-in; the app registration must list it as a redirect URI. */
export function oauthCallbackUrl(n8nBaseUrl: string): string {
	return `${n8nBaseUrl}/rest/oauth2-credential/callback`;
}
