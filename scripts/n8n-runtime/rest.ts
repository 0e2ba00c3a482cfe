// n8n's internal REST API (/rest), the one its editor uses, signed in as the instance owner: what tests, the
// demo and the benchmarks use to create credentials and workflows, publish them, run them and read executions.
import type { N8nInstance } from './instance';

export interface OwnerAccount {
	email: string;
	password: string;
	firstName: string;
	lastName: string;
}

/** n8n wants 8+ characters with a digit and a capital letter. Shown by the demo; nothing secret about it. */
export const DEFAULT_OWNER: OwnerAccount = {
	email: 'admin@m365-demo.test',
	password: 'M365-Demo-n8n-1',
	firstName: 'Demo',
	lastName: 'Admin',
};

/** n8n binds a session to the browser that signed in; any constant id works for a test client. */
const BROWSER_ID = 'm365-integration-e2e';

export class N8nRestError extends Error {
	constructor(
		readonly method: string,
		readonly path: string,
		readonly status: number,
		readonly body: unknown,
	) {
		super(`${method} ${path} answered ${status}: ${JSON.stringify(body).slice(0, 2000)}`);
	}
}

export class N8nRestClient {
	/** n8n's cookies by name: the session (n8n-auth) and the OAuth browser binding (n8n-oauth-binding). */
	readonly cookies = new Map<string, string>();

	constructor(readonly baseUrl: string) {}

	private cookieHeader(): string {
		return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
	}

	get browserId(): string {
		return BROWSER_ID;
	}

	/** `path` is under /rest, or under the root with `fromRoot`. */
	async request<T = unknown>(method: string, path: string, body?: unknown, fromRoot = false): Promise<T> {
		const response = await fetch(`${this.baseUrl}${fromRoot ? '' : '/rest'}${path}`, {
			method,
			headers: {
				'content-type': 'application/json',
				'browser-id': BROWSER_ID,
				...(this.cookies.size > 0 ? { cookie: this.cookieHeader() } : {}),
			},
			body: body === undefined ? undefined : JSON.stringify(body),
			redirect: 'manual',
		});
		for (const setCookie of response.headers.getSetCookie()) {
			const match = /^([^=]+)=([^;]*)/.exec(setCookie);
			if (match) this.cookies.set(match[1], match[2]);
		}
		const text = await response.text();
		let parsed: unknown = text;
		try {
			parsed = text ? JSON.parse(text) : undefined;
		} catch {
			// not JSON; keep the text
		}
		if (!response.ok) throw new N8nRestError(method, path, response.status, parsed);
		// n8n wraps most answers in { data }.
		if (parsed && typeof parsed === 'object' && 'data' in parsed) return (parsed as { data: T }).data;
		return parsed as T;
	}

	async get<T = unknown>(path: string): Promise<T> {
		return await this.request<T>('GET', path);
	}

	/** The node and credential type lists the editor loads (/types/nodes.json, /types/credentials.json). */
	async getTypes<T = unknown>(file: 'nodes.json' | 'credentials.json' | 'node-versions.json'): Promise<T> {
		return await this.request<T>('GET', `/types/${file}`, undefined, true);
	}

	async post<T = unknown>(path: string, body?: unknown): Promise<T> {
		return await this.request<T>('POST', path, body);
	}

	async patch<T = unknown>(path: string, body?: unknown): Promise<T> {
		return await this.request<T>('PATCH', path, body);
	}

	async delete<T = unknown>(path: string): Promise<T> {
		return await this.request<T>('DELETE', path);
	}
}

/** Creates the owner account on a fresh instance (or signs in when it already has one) and returns a session. */
export async function signInAsOwner(
	instance: Pick<N8nInstance, 'baseUrl'>,
	owner: OwnerAccount = DEFAULT_OWNER,
): Promise<N8nRestClient> {
	const client = new N8nRestClient(instance.baseUrl);
	const settings = await client.get<{ userManagement?: { showSetupOnFirstLoad?: boolean } }>('/settings');
	if (settings.userManagement?.showSetupOnFirstLoad) {
		await client.post('/owner/setup', owner);
	}
	await client.post('/login', { emailOrLdapLoginId: owner.email, password: owner.password });
	return client;
}
