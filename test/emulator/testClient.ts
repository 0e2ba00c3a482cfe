// A tiny HTTPS client for tests that talk to the emulator directly (Node's global fetch does not reliably trust
// NODE_EXTRA_CA_CERTS, so this passes the emulator's CA explicitly), and a scripted walk through the authorize
// page that submits the same forms a browser would.
import { readFileSync } from 'fs';
import { request as httpsRequest } from 'https';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ensureEmulatorTls } = require('../../scripts/emulator-tls') as { ensureEmulatorTls: () => { cert: string } };

let ca: Buffer | undefined;
function emulatorCa(): Buffer {
	ca ??= readFileSync(process.env.M365_EMULATOR_CA_CERT ?? ensureEmulatorTls().cert);
	return ca;
}

export interface TestResponse {
	status: number;
	headers: Record<string, string>;
	text: string;
	/** Parsed JSON body (undefined when the body is empty or not JSON). */
	json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface TestRequest {
	method?: string;
	headers?: Record<string, string>;
	/** Sent as JSON. */
	json?: unknown;
	/** Sent as application/x-www-form-urlencoded. */
	form?: Record<string, string> | URLSearchParams;
	/** Bearer token. */
	token?: string;
}

/** One HTTPS request; resolves for every status; rejects only when the connection fails (e.g. a dropped socket). */
export function emulatorRequest(url: string, options: TestRequest = {}): Promise<TestResponse> {
	const headers: Record<string, string> = { ...(options.headers ?? {}) };
	let payload: string | undefined;
	if (options.json !== undefined) {
		payload = JSON.stringify(options.json);
		headers['Content-Type'] ??= 'application/json';
	} else if (options.form !== undefined) {
		payload = new URLSearchParams(options.form as Record<string, string>).toString();
		headers['Content-Type'] ??= 'application/x-www-form-urlencoded';
	}
	if (options.token) headers.Authorization = `Bearer ${options.token}`;
	if (payload !== undefined) headers['Content-Length'] = String(Buffer.byteLength(payload));
	return new Promise((resolve, reject) => {
		const req = httpsRequest(url, { method: options.method ?? (payload === undefined ? 'GET' : 'POST'), headers, ca: emulatorCa(), agent: false }, (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (c: Buffer) => chunks.push(c));
			res.on('end', () => {
				const text = Buffer.concat(chunks).toString('utf8');
				let json: unknown;
				try {
					json = text ? JSON.parse(text) : undefined;
				} catch {
					json = undefined;
				}
				const flat: Record<string, string> = {};
				for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) flat[k] = Array.isArray(v) ? v.join(', ') : v;
				resolve({ status: res.statusCode ?? 0, headers: flat, text, json });
			});
			res.on('error', reject);
		});
		req.on('error', reject);
		req.end(payload);
	});
}

export interface SignInOptions {
	username: string;
	password: string;
	/** Answer to the consent page if one is shown (default: accept). */
	consent?: 'accept' | 'accept-for-organization' | 'cancel';
	/** Code for the MFA prompt if one is shown. */
	mfaCode?: string;
}

export interface SignInResult {
	/** Location of the final redirect (undefined when the flow stopped on a page). */
	redirectedTo?: string;
	/** Query (or fragment) parameters of the redirect: code, state, error, ... */
	params: URLSearchParams;
	/** The last HTML page when the flow stopped on one (error page, wrong password, ...). */
	page?: TestResponse;
}

function hidden(html: string, name: string): string | undefined {
	return new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1];
}

function formAction(html: string): string | undefined {
	return /<form method="POST" action="([^"]*)"/.exec(html)?.[1]?.replace(/&amp;/g, '&');
}

/** Opens an authorize (or adminconsent) URL and submits sign-in, MFA and consent forms like a browser. */
export async function signInThroughAuthorizePage(authorizeUrl: string, options: SignInOptions): Promise<SignInResult> {
	const origin = new URL(authorizeUrl).origin;
	let response = await emulatorRequest(authorizeUrl);
	for (let step = 0; step < 6; step++) {
		if (response.status === 302) {
			const location = response.headers.location;
			const url = new URL(location);
			const params = url.hash ? new URLSearchParams(url.hash.slice(1)) : url.searchParams;
			return { redirectedTo: location, params };
		}
		const html = response.text;
		const action = formAction(html);
		const ctx = hidden(html, 'ctx');
		const stage = hidden(html, 'step');
		if (!action || !ctx || !stage) return { params: new URLSearchParams(), page: response };
		const form: Record<string, string> = { ctx, step: stage };
		if (stage === 'credentials') {
			if (step > 0 && /class="error"/.test(html)) return { params: new URLSearchParams(), page: response };
			Object.assign(form, { login: options.username, passwd: options.password });
		} else if (stage === 'mfa') {
			if (/class="error"/.test(html) || options.mfaCode === undefined) return { params: new URLSearchParams(), page: response };
			form.otc = options.mfaCode;
		} else if (stage === 'consent') {
			const answer = options.consent ?? 'accept';
			form.accept = answer === 'cancel' ? 'no' : 'yes';
			if (answer === 'accept-for-organization') form.consent_org = '1';
		}
		response = await emulatorRequest(`${origin}${action}`, { form });
	}
	return { params: new URLSearchParams(), page: response };
}
