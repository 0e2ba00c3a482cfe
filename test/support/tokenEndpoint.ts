/**
 * The token endpoint as tests reach it, for the emulator and for a real tenant alike: one form POST, one parse,
 * and the saved credential data n8n keeps after Connect. Both the emulator's sign-in (an authorization code) and a
 * real tenant's refresh token go through `redeemAtTokenEndpoint`, so the two targets differ only in the grant.
 */
import { request } from 'node:https';
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

export interface PlainAnswer {
	status: number;
	headers: Record<string, string | string[] | undefined>;
	body: string;
}

/** HTTPS with Node's `https` (it honours NODE_EXTRA_CA_CERTS, which global fetch does not reliably do). */
export async function sendForm(method: 'GET' | 'POST', url: string, form?: Record<string, string>): Promise<PlainAnswer> {
	const body = form ? new URLSearchParams(form).toString() : undefined;
	return await new Promise((resolve, reject) => {
		const req = request(
			url,
			{ method, headers: body ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {} },
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (c: Buffer) => chunks.push(c));
				res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
			},
		);
		req.on('error', reject);
		if (body) req.write(body);
		req.end();
	});
}

export interface TokenSet {
	access_token: string;
	refresh_token: string;
	id_token?: string;
	expires_in: number;
	scope: string;
	token_type: string;
}

export type TokenGrant =
	| { grant_type: 'authorization_code'; code: string; redirect_uri: string }
	| { grant_type: 'refresh_token'; refresh_token: string };

export interface TokenRedemption {
	/** https://<login host>/<tenant>/oauth2/v2.0/token */
	tokenUrl: string;
	clientId: string;
	clientSecret: string;
	scopes: readonly string[];
	grant: TokenGrant;
	/** What the error says was being redeemed, e.g. "M365_E2E_REFRESH_TOKEN" (never the value). */
	describedAs: string;
}

/** Entra's own words from an error answer, without anything that was sent (secrets never reach an error). */
function entraError(body: string): string {
	try {
		const parsed = JSON.parse(body) as { error?: string; error_description?: string };
		const firstLine = parsed.error_description?.split(/\r?\n/)[0];
		return [parsed.error, firstLine].filter(Boolean).join(': ') || 'no error description';
	} catch {
		return 'not a JSON answer';
	}
}

export async function redeemAtTokenEndpoint(redemption: TokenRedemption): Promise<TokenSet> {
	const answer = await sendForm('POST', redemption.tokenUrl, {
		...redemption.grant,
		client_id: redemption.clientId,
		client_secret: redemption.clientSecret,
		scope: redemption.scopes.join(' '),
	});
	if (answer.status !== 200) {
		throw new Error(`Redeeming ${redemption.describedAs} at ${new URL(redemption.tokenUrl).host} failed: HTTP ${answer.status} ${entraError(answer.body)}`);
	}
	return JSON.parse(answer.body) as TokenSet;
}

/** The integration account credential's fields before Connect (no tokens): where it signs in and with which app. */
export interface DelegatedConnection {
	tenantId: string;
	clientId: string;
	clientSecret: string;
	cloud: string;
	/** host:port of a custom login and Graph host (the emulator); absent for a real tenant on its cloud's hosts */
	customHosts?: { loginHost: string; graphHost: string };
}

export function delegatedConnectionData(connection: DelegatedConnection): ICredentialDataDecryptedObject {
	return {
		tenantId: connection.tenantId,
		clientId: connection.clientId,
		clientSecret: connection.clientSecret,
		cloud: connection.cloud,
		useCustomHosts: connection.customHosts !== undefined,
		...(connection.customHosts ?? {}),
	};
}

/** Integration-account credential data as n8n stores it after Connect (oauthTokenData included). */
export function connectedCredentialData(
	connection: DelegatedConnection,
	tokens: TokenSet,
	overrides: ICredentialDataDecryptedObject = {},
): ICredentialDataDecryptedObject {
	return {
		...delegatedConnectionData(connection),
		oauthTokenData: { ...tokens } as unknown as ICredentialDataDecryptedObject,
		...overrides,
	};
}
