// Connecting an OAuth2 credential through n8n's real flow: n8n builds the authorize URL (GET
// /rest/oauth2-credential/auth), the identity provider's sign-in page signs a user in, and the provider sends
// the browser to n8n's callback (/rest/oauth2-credential/callback), where n8n redeems the code and stores the
// tokens. Two user agents: headless Chromium (e2e tests, as an admin would) and plain HTTP (the demo).
import * as https from 'https';

import type { N8nRestClient } from './rest';

export interface SignInAccount {
	login: string;
	password: string;
	/** the code an MFA prompt accepts, for accounts that must pass one */
	mfaCode?: string;
}

/** n8n's authorize URL for the credential; sets the OAuth browser-binding cookie in the client's jar. */
export async function getAuthorizeUrl(client: N8nRestClient, credentialId: string): Promise<string> {
	return await client.get<string>(`/oauth2-credential/auth?id=${encodeURIComponent(credentialId)}`);
}

/** Whether n8n holds tokens for the credential (n8n reports `oauthTokenData: true`, never the tokens). */
export async function isOAuth2Connected(client: N8nRestClient, credentialId: string): Promise<boolean> {
	const credential = await client.get<{ data?: { oauthTokenData?: unknown } }>(
		`/credentials/${encodeURIComponent(credentialId)}?includeData=true`,
	);
	return Boolean(credential.data?.oauthTokenData);
}

// ---------------------------------------------------------------------------------------------------------------
// Plain HTTP: the same requests a browser makes, for the demo (no browser needed to get a connected credential).

interface HttpAnswer {
	status: number;
	location?: string;
	body: string;
}

async function httpRequest(
	url: string,
	options: { method?: string; form?: Record<string, string>; cookie?: string; ca?: Buffer },
): Promise<HttpAnswer> {
	const target = new URL(url);
	const body = options.form ? new URLSearchParams(options.form).toString() : undefined;
	const headers: Record<string, string> = {};
	if (body) headers['content-type'] = 'application/x-www-form-urlencoded';
	if (options.cookie) headers.cookie = options.cookie;
	const transport = target.protocol === 'https:' ? https : await import('http');
	return await new Promise((resolve, reject) => {
		const request = transport.request(
			target,
			{ method: options.method ?? 'GET', headers, ...(target.protocol === 'https:' ? { ca: options.ca } : {}) },
			(response) => {
				const chunks: Buffer[] = [];
				response.on('data', (chunk: Buffer) => chunks.push(chunk));
				response.on('end', () =>
					resolve({
						status: response.statusCode ?? 0,
						location: response.headers.location,
						body: Buffer.concat(chunks).toString(),
					}),
				);
				response.on('error', reject);
			},
		);
		request.on('error', reject);
		request.end(body);
	});
}

function hiddenInputs(html: string): Record<string, string> {
	const fields: Record<string, string> = {};
	for (const match of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
		fields[match[1]] = match[2].replace(/&amp;/g, '&').replace(/&quot;/g, '"');
	}
	return fields;
}

function formAction(html: string, pageUrl: string): string {
	const action = /<form method="POST" action="([^"]+)"/.exec(html)?.[1];
	if (!action) throw new Error(`no sign-in form on ${new URL(pageUrl).origin}: ${html.slice(0, 500)}`);
	return new URL(action.replace(/&amp;/g, '&'), pageUrl).toString();
}

/**
 * Signs the account in on an Entra-like sign-in page (the emulator's, whose form fields follow Entra's) without
 * a browser and follows the redirect to n8n's callback. Throws with the page's text when sign-in fails.
 */
export async function connectOAuth2OverHttp(
	client: N8nRestClient,
	credentialId: string,
	account: SignInAccount,
	options: { ca?: Buffer } = {},
): Promise<void> {
	const authorizeUrl = await getAuthorizeUrl(client, credentialId);
	let page = await httpRequest(authorizeUrl, { ca: options.ca });
	let pageUrl = authorizeUrl;
	for (let step = 0; step < 5 && page.status !== 302; step++) {
		const fields = hiddenInputs(page.body);
		const form: Record<string, string> = { ...fields };
		if (fields.step === 'credentials') Object.assign(form, { login: account.login, passwd: account.password });
		else if (fields.step === 'mfa') Object.assign(form, { otc: account.mfaCode ?? '' });
		else if (fields.step === 'consent') form.accept = 'yes';
		else throw new Error(`sign-in stopped on an unexpected page (${page.status}): ${page.body.slice(0, 800)}`);
		const action = formAction(page.body, pageUrl);
		page = await httpRequest(action, { method: 'POST', form, ca: options.ca });
		pageUrl = action;
	}
	if (page.status !== 302 || !page.location) throw new Error(`sign-in did not finish: ${page.body.slice(0, 800)}`);
	const cookie = [...client.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
	const callback = await httpRequest(page.location, { cookie });
	if (callback.status !== 200 || /Failed to connect/i.test(callback.body)) {
		const text = callback.body.replace(/<script[\s\S]*?<\/script>|<style[\s\S]*?<\/style>|<[^>]+>/g, ' ');
		throw new Error(`n8n's OAuth callback failed (${callback.status}): ${text.replace(/\s+/g, ' ').slice(0, 800)}`);
	}
	if (!(await isOAuth2Connected(client, credentialId))) throw new Error('n8n did not store tokens after the callback');
}
