/**
 * Credential data pointing at an emulator, for integration tests: the tenant app (any seeded app registration)
 * and delegated credentials signed in through the emulator's real authorize page (sign-in form, consent, code),
 * then the code redeemed at the token endpoint, exactly as n8n's Connect button does it. A real tenant's credentials
 * (same token endpoint code, a refresh token instead of a code) are in `target.ts`.
 */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import type { Emulator } from '../emulator';
import { SEED_APPS, SEED_USERS } from '../emulator';
import { INTEGRATION_ACCOUNT_SCOPES } from '../../nodes/shared/auth/scopes';
import { connectedCredentialData, redeemAtTokenEndpoint, sendForm as send, type TokenSet } from './tokenEndpoint';

export type { TokenSet } from './tokenEndpoint';

type SeedAppKey = keyof typeof SEED_APPS;

export function tenantAppCredentialData(
	emulator: Emulator,
	app: SeedAppKey = 'main',
	overrides: ICredentialDataDecryptedObject = {},
): ICredentialDataDecryptedObject {
	const registration = SEED_APPS[app];
	return {
		tenantId: emulator.tenantId,
		clientId: registration.appId,
		authMethod: 'secret',
		clientSecret: 'secret' in registration ? registration.secret : '',
		cloud: 'global',
		useCustomHosts: true,
		loginHost: emulator.loginHost,
		graphHost: emulator.graphHost,
		...overrides,
	};
}

function hiddenFields(html: string): Record<string, string> {
	const fields: Record<string, string> = {};
	for (const match of html.matchAll(/<input[^>]*type="hidden"[^>]*>/gi)) {
		const name = /name="([^"]+)"/.exec(match[0])?.[1];
		const value = /value="([^"]*)"/.exec(match[0])?.[1];
		if (name) fields[name] = (value ?? '').replace(/&amp;/g, '&').replace(/&quot;/g, '"');
	}
	return fields;
}

export interface SignInOptions {
	user?: { upn: string; password: string };
	appId?: string;
	clientSecret?: string;
	scopes?: readonly string[];
	redirectUri?: string;
}

/** Walks the authorize page as a person would (sign in, accept consent) and redeems the code. */
export async function signInDelegated(emulator: Emulator, options: SignInOptions = {}): Promise<TokenSet> {
	const user = options.user ?? SEED_USERS.integration;
	const appId = options.appId ?? SEED_APPS.main.appId;
	const clientSecret = options.clientSecret ?? SEED_APPS.main.secret;
	const scope = (options.scopes ?? INTEGRATION_ACCOUNT_SCOPES).join(' ');
	const redirectUri = options.redirectUri ?? 'https://localhost/callback';
	const authorizeBase = `${emulator.loginUrl}/${emulator.tenantId}/oauth2/v2.0/authorize`;
	const start = await send(
		'GET',
		`${authorizeBase}?${new URLSearchParams({ client_id: appId, response_type: 'code', redirect_uri: redirectUri, scope, state: 'test' })}`,
	);
	let page = start;
	let fields = hiddenFields(page.body);
	page = await send('POST', authorizeBase, { ...fields, login: user.upn, passwd: user.password });
	for (let step = 0; step < 3 && page.status === 200; step++) {
		fields = hiddenFields(page.body);
		if (fields.step !== 'consent') throw new Error(`Sign-in of ${user.upn} stopped at step "${fields.step}": ${page.body.slice(0, 300)}`);
		page = await send('POST', authorizeBase, { ...fields, accept: 'yes' });
	}
	const location = String(page.headers.location ?? '');
	const code = location ? new URL(location).searchParams.get('code') : null;
	if (!code) throw new Error(`No authorization code for ${user.upn} (HTTP ${page.status}, Location ${location || 'none'})`);
	return await redeemAtTokenEndpoint({
		tokenUrl: `${emulator.loginUrl}/${emulator.tenantId}/oauth2/v2.0/token`,
		clientId: appId,
		clientSecret,
		scopes: options.scopes ?? INTEGRATION_ACCOUNT_SCOPES,
		grant: { grant_type: 'authorization_code', code, redirect_uri: redirectUri },
		describedAs: `the authorization code of ${user.upn}`,
	});
}

/** Integration-account credential data as n8n stores it after Connect (oauthTokenData included). */
export async function integrationAccountCredentialData(
	emulator: Emulator,
	options: SignInOptions = {},
	overrides: ICredentialDataDecryptedObject = {},
): Promise<ICredentialDataDecryptedObject> {
	const tokens = await signInDelegated(emulator, options);
	const connection = {
		tenantId: emulator.tenantId,
		clientId: options.appId ?? SEED_APPS.main.appId,
		clientSecret: options.clientSecret ?? SEED_APPS.main.secret,
		cloud: 'global',
		customHosts: { loginHost: emulator.loginHost, graphHost: emulator.graphHost },
	};
	return connectedCredentialData(connection, tokens, overrides);
}
