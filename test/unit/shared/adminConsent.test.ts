import { adminConsentUrl, n8nBaseUrlFromEnvironment, n8nOAuthCallbackUrl } from '../../../nodes/shared/auth/adminConsent';

describe('admin consent link', () => {
	it('sends the redirect_uri Microsoft requires: n8n\'s OAuth2 callback', () => {
		const url = new URL(adminConsentUrl({ loginHost: 'login.microsoftonline.us', tenantId: 'contoso.com', clientId: 'app-1', instanceBaseUrl: 'https://n8n.contoso.com/' }));
		expect(url.origin + url.pathname).toBe('https://login.microsoftonline.us/contoso.com/adminconsent');
		expect(Object.fromEntries(url.searchParams)).toEqual({ client_id: 'app-1', redirect_uri: 'https://n8n.contoso.com/rest/oauth2-credential/callback' });
	});

	it('derives n8n\'s base URL from its environment when the context has none, as n8n does', () => {
		expect(n8nBaseUrlFromEnvironment({})).toBe('http://localhost:5678/');
		expect(n8nBaseUrlFromEnvironment({ N8N_PROTOCOL: 'https', N8N_HOST: 'n8n.example.com', N8N_PORT: '443', N8N_PATH: '/automation/' })).toBe('https://n8n.example.com/automation/');
		expect(n8nBaseUrlFromEnvironment({ N8N_EDITOR_BASE_URL: 'https://editor.example.com' })).toBe('https://editor.example.com');
		expect(n8nOAuthCallbackUrl(undefined, { N8N_EDITOR_BASE_URL: 'https://editor.example.com/', N8N_ENDPOINT_REST: 'api' })).toBe('https://editor.example.com/api/oauth2-credential/callback');
	});
});
