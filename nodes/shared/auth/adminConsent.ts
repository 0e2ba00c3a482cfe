/**
 * The admin consent link, built here only. Microsoft documents `redirect_uri` as required on /adminconsent and
 * accepts only a redirect URI registered on the app (AADSTS50011 otherwise):
 * https://learn.microsoft.com/en-us/entra/identity-platform/v2-admin-consent
 * We send n8n's OAuth2 callback URL, which the README's setup registers as a Web redirect URI on the app; after
 * consent Entra sends the admin there, and n8n shows its own page (no credential is changed by it).
 */
export interface AdminConsentTarget {
	loginHost: string;
	tenantId: string;
	clientId: string;
	/** n8n's base URL (a node's `getInstanceBaseUrl()`); when absent, derived from n8n's environment as n8n does. */
	instanceBaseUrl?: string;
}

/** n8n's base URL from its environment, the way n8n derives it when N8N_EDITOR_BASE_URL is not set. */
export function n8nBaseUrlFromEnvironment(env: NodeJS.ProcessEnv = process.env): string {
	const explicit = env.N8N_EDITOR_BASE_URL?.trim();
	if (explicit) return explicit;
	const protocol = env.N8N_PROTOCOL?.trim() || 'http';
	const host = env.N8N_HOST?.trim() || 'localhost';
	const port = env.N8N_PORT?.trim() || '5678';
	const path = env.N8N_PATH?.trim() || '/';
	const defaultPort = (protocol === 'http' && port === '80') || (protocol === 'https' && port === '443');
	return `${protocol}://${host}${defaultPort ? '' : `:${port}`}${path}`;
}

/** n8n's OAuth2 callback, the redirect URI the README asks to register on the app registration. */
export function n8nOAuthCallbackUrl(instanceBaseUrl?: string, env: NodeJS.ProcessEnv = process.env): string {
	const base = (instanceBaseUrl?.trim() || n8nBaseUrlFromEnvironment(env)).replace(/\/+$/, '');
	const rest = (env.N8N_ENDPOINT_REST?.trim() || 'rest').replace(/^\/+|\/+$/g, '');
	return `${base}/${rest}/oauth2-credential/callback`;
}

export function adminConsentUrl(target: AdminConsentTarget): string {
	const query = new URLSearchParams({
		client_id: target.clientId,
		redirect_uri: n8nOAuthCallbackUrl(target.instanceBaseUrl),
	});
	return `https://${target.loginHost}/${encodeURIComponent(target.tenantId)}/adminconsent?${query.toString()}`;
}

/** The instance base URL of a node context, when the context offers it (credential tests do not). */
export function instanceBaseUrlOf(context: unknown): string | undefined {
	const get = (context as { getInstanceBaseUrl?: () => string } | undefined)?.getInstanceBaseUrl;
	if (typeof get !== 'function') return undefined;
	try {
		return get.call(context);
	} catch {
		return undefined;
	}
}
