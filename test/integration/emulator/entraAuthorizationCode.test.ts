// The delegated flow: authorize page (sign-in, MFA, consent), code redemption with PKCE, refresh-token rotation,
// expiry and revocation, admin consent; with msal-node and with plain form posts.
import { ConfidentialClientApplication } from '@azure/msal-node';
import { createHash, randomBytes } from 'crypto';

import { EMULATOR_MFA_CODE, type Emulator, SEED_APPS, SEED_REDIRECT_URIS, SEED_TENANT, SEED_USERS, startEmulator } from '../../emulator';
import { decodeJwt } from '../../emulator/jwt';
import { emulatorRequest, signInThroughAuthorizePage } from '../../emulator/testClient';

let emulator: Emulator;
beforeAll(async () => {
	emulator = await startEmulator();
});
afterAll(async () => {
	await emulator.close();
});

const REDIRECT = SEED_REDIRECT_URIS[0];
const SCOPE = 'openid profile offline_access https://graph.microsoft.com/User.Read https://graph.microsoft.com/ChannelMessage.Send';

function authorizeUrl(params: Record<string, string>): string {
	const query = new URLSearchParams({ client_id: SEED_APPS.main.appId, response_type: 'code', redirect_uri: REDIRECT, scope: SCOPE, state: 'st-1', ...params });
	return `${emulator.loginUrl}/${SEED_TENANT.id}/oauth2/v2.0/authorize?${query}`;
}

function pkce() {
	const verifier = randomBytes(32).toString('base64url');
	return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function token(fields: Record<string, string>) {
	return emulatorRequest(`${emulator.loginUrl}/${SEED_TENANT.id}/oauth2/v2.0/token`, {
		form: { client_id: SEED_APPS.main.appId, client_secret: SEED_APPS.main.secret, ...fields },
	});
}

async function signIn(user: { upn: string; password: string } = SEED_USERS.integration) {
	const { verifier, challenge } = pkce();
	const result = await signInThroughAuthorizePage(authorizeUrl({ code_challenge: challenge, code_challenge_method: 'S256' }), { username: user.upn, password: user.password });
	const code = result.params.get('code');
	if (!code) throw new Error(`no code: ${result.page?.text ?? result.redirectedTo}`);
	const response = await token({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier, scope: SCOPE });
	expect(response.status).toBe(200);
	return response.json as { access_token: string; refresh_token: string; id_token: string; scope: string; expires_in: number };
}

describe('Entra authorization code and refresh token', () => {
	it('signs a seeded user in on the authorize page and redirects with code and state', async () => {
		const result = await signInThroughAuthorizePage(authorizeUrl({}), { username: SEED_USERS.integration.upn, password: SEED_USERS.integration.password });
		expect(result.redirectedTo?.startsWith(`${REDIRECT}?`)).toBe(true);
		expect(result.params.get('state')).toBe('st-1');
		expect(result.params.get('code')).toBeTruthy();
	});

	it('redeems the code (PKCE) for delegated tokens with Entra\'s claims', async () => {
		const tokens = await signIn();
		expect(tokens.expires_in).toBe(3599);
		expect(tokens.scope.split(' ')).toEqual(expect.arrayContaining(['User.Read', 'ChannelMessage.Send', 'openid', 'profile', 'offline_access']));
		const claims = decodeJwt(tokens.access_token)!.claims;
		expect(claims).toMatchObject({ aud: 'https://graph.microsoft.com', idtyp: 'user', oid: SEED_USERS.integration.id, upn: SEED_USERS.integration.upn, name: 'Integration Account', appid: SEED_APPS.main.appId });
		expect(String(claims.scp).split(' ').sort()).toEqual(['ChannelMessage.Send', 'User.Read']);
		expect(decodeJwt(tokens.id_token)!.claims).toMatchObject({ aud: SEED_APPS.main.appId, preferred_username: SEED_USERS.integration.upn, tid: SEED_TENANT.id });
	});

	it("redeems and refreshes like n8n's OAuth2 client: HTTP Basic client auth, no scope parameter", async () => {
		const result = await signInThroughAuthorizePage(authorizeUrl({}), { username: SEED_USERS.integration.upn, password: SEED_USERS.integration.password });
		const basic = `Basic ${Buffer.from(`${SEED_APPS.main.appId}:${SEED_APPS.main.secret}`).toString('base64')}`;
		const url = `${emulator.loginUrl}/${SEED_TENANT.id}/oauth2/v2.0/token`;
		const byCode = await emulatorRequest(url, { headers: { Authorization: basic }, form: { code: result.params.get('code') as string, grant_type: 'authorization_code', redirect_uri: REDIRECT } });
		expect(byCode.status).toBe(200);
		expect(byCode.json.refresh_token).toBeTruthy();
		expect(byCode.json.id_token).toBeTruthy();
		expect(String(decodeJwt(byCode.json.access_token)!.claims.scp).split(' ').sort()).toEqual(['ChannelMessage.Send', 'User.Read']);
		const refreshed = await emulatorRequest(url, { form: { client_id: SEED_APPS.main.appId, client_secret: SEED_APPS.main.secret, grant_type: 'refresh_token', refresh_token: byCode.json.refresh_token } });
		expect(refreshed.status).toBe(200);
		expect(refreshed.json.refresh_token).not.toBe(byCode.json.refresh_token);
		expect(String(decodeJwt(refreshed.json.access_token)!.claims.scp).split(' ').sort()).toEqual(['ChannelMessage.Send', 'User.Read']);
	});

	it('AADSTS54005: a code works once', async () => {
		const result = await signInThroughAuthorizePage(authorizeUrl({}), { username: SEED_USERS.adele.upn, password: SEED_USERS.adele.password });
		const code = result.params.get('code') as string;
		expect((await token({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, scope: SCOPE })).status).toBe(200);
		const again = await token({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, scope: SCOPE });
		expect(again.status).toBe(400);
		expect(again.json).toMatchObject({ error: 'invalid_grant', error_codes: [54005] });
	});

	it('refuses a code with another redirect_uri (70000) or a wrong PKCE verifier (501481)', async () => {
		const { challenge } = pkce();
		const first = await signInThroughAuthorizePage(authorizeUrl({ code_challenge: challenge, code_challenge_method: 'S256' }), { username: SEED_USERS.adele.upn, password: SEED_USERS.adele.password });
		const wrongVerifier = await token({ grant_type: 'authorization_code', code: first.params.get('code') as string, redirect_uri: REDIRECT, code_verifier: 'wrong', scope: SCOPE });
		expect(wrongVerifier.json).toMatchObject({ error: 'invalid_grant', error_codes: [501481] });
		const second = await signInThroughAuthorizePage(authorizeUrl({}), { username: SEED_USERS.adele.upn, password: SEED_USERS.adele.password });
		const wrongRedirect = await token({ grant_type: 'authorization_code', code: second.params.get('code') as string, redirect_uri: SEED_REDIRECT_URIS[1], scope: SCOPE });
		expect(wrongRedirect.json).toMatchObject({ error: 'invalid_grant', error_codes: [70000] });
	});

	it('AADSTS70008: an authorization code expires after 10 minutes of emulator time', async () => {
		const result = await signInThroughAuthorizePage(authorizeUrl({}), { username: SEED_USERS.adele.upn, password: SEED_USERS.adele.password });
		emulator.clock.advance(11 * 60);
		const response = await token({ grant_type: 'authorization_code', code: result.params.get('code') as string, redirect_uri: REDIRECT, scope: SCOPE });
		expect(response.json).toMatchObject({ error: 'invalid_grant', error_codes: [70008] });
	});

	it('rotates refresh tokens; the previous one stays valid', async () => {
		const first = await signIn();
		const refreshed = await token({ grant_type: 'refresh_token', refresh_token: first.refresh_token, scope: SCOPE });
		expect(refreshed.status).toBe(200);
		expect(refreshed.json.refresh_token).toBeTruthy();
		expect(refreshed.json.refresh_token).not.toBe(first.refresh_token);
		expect(refreshed.json.access_token).not.toBe(first.access_token);
		const again = await token({ grant_type: 'refresh_token', refresh_token: first.refresh_token, scope: SCOPE });
		expect(again.status).toBe(200);
	});

	it('AADSTS70008 for a revoked refresh token, AADSTS50173 after revoking the user', async () => {
		const a = await signIn();
		expect(emulator.tokens.revokeRefreshToken(a.refresh_token)).toBe(true);
		const revoked = await token({ grant_type: 'refresh_token', refresh_token: a.refresh_token, scope: SCOPE });
		expect(revoked.json).toMatchObject({ error: 'invalid_grant', error_codes: [70008] });

		const b = await signIn();
		emulator.tokens.revokeUser(SEED_USERS.integration.upn);
		const userRevoked = await token({ grant_type: 'refresh_token', refresh_token: b.refresh_token, scope: SCOPE });
		expect(userRevoked.status).toBe(400);
		expect(userRevoked.json).toMatchObject({ error: 'invalid_grant', error_codes: [50173] });

		// Signing in again after the revocation works.
		const c = await signIn();
		expect((await token({ grant_type: 'refresh_token', refresh_token: c.refresh_token, scope: SCOPE })).status).toBe(200);
	});

	it('AADSTS700082: a refresh token unused for longer than the inactivity limit', async () => {
		const tokens = await signIn(SEED_USERS.alex);
		emulator.clock.advance(91 * 24 * 3600);
		const response = await token({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token, scope: SCOPE });
		expect(response.json).toMatchObject({ error: 'invalid_grant', error_codes: [700082] });
	});

	it('AADSTS9002313 for an unknown refresh token, 70011 for an unknown scope', async () => {
		expect((await token({ grant_type: 'refresh_token', refresh_token: 'garbage', scope: SCOPE })).json).toMatchObject({ error: 'invalid_grant', error_codes: [9002313] });
		const tokens = await signIn(SEED_USERS.diego);
		const badScope = await token({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token, scope: 'https://graph.microsoft.com/Not.A.Permission' });
		expect(badScope.json).toMatchObject({ error: 'invalid_scope', error_codes: [70011] });
	});

	it('AADSTS65001 (consent_required) once the admin withdrew consent', async () => {
		const app = SEED_APPS.partial;
		emulator.state.app(app.appId)!.userConsents = {};
		const signInResult = await signInThroughAuthorizePage(
			`${emulator.loginUrl}/${SEED_TENANT.id}/oauth2/v2.0/authorize?${new URLSearchParams({ client_id: app.appId, response_type: 'code', redirect_uri: REDIRECT, scope: 'offline_access User.Read Presence.Read' })}`,
			{ username: SEED_USERS.lynne.upn, password: SEED_USERS.lynne.password },
		);
		const codeResponse = await emulatorRequest(`${emulator.loginUrl}/${SEED_TENANT.id}/oauth2/v2.0/token`, {
			form: { client_id: app.appId, client_secret: app.secret, grant_type: 'authorization_code', code: signInResult.params.get('code') as string, redirect_uri: REDIRECT, scope: 'offline_access User.Read Presence.Read' },
		});
		expect(codeResponse.status).toBe(200);
		emulator.state.revokeScopes(app.appId, ['Presence.Read']);
		const refresh = await emulatorRequest(`${emulator.loginUrl}/${SEED_TENANT.id}/oauth2/v2.0/token`, {
			form: { client_id: app.appId, client_secret: app.secret, grant_type: 'refresh_token', refresh_token: codeResponse.json.refresh_token, scope: 'offline_access User.Read Presence.Read' },
		});
		expect(refresh.status).toBe(400);
		expect(refresh.json).toMatchObject({ error: 'invalid_grant', error_codes: [65001], suberror: 'consent_required' });
	});

	it('shows AADSTS50126 on the page for a wrong password and does not redirect', async () => {
		const result = await signInThroughAuthorizePage(authorizeUrl({}), { username: SEED_USERS.adele.upn, password: 'wrong' });
		expect(result.redirectedTo).toBeUndefined();
		expect(result.page?.text).toContain('AADSTS50126');
	});

	it('asks MFA users for a code; a refresh token from before MFA was required gives AADSTS50076', async () => {
		const stopped = await signInThroughAuthorizePage(authorizeUrl({}), { username: SEED_USERS.isaiah.upn, password: SEED_USERS.isaiah.password });
		expect(stopped.page?.text).toContain('Enter code');
		const passed = await signInThroughAuthorizePage(authorizeUrl({}), { username: SEED_USERS.isaiah.upn, password: SEED_USERS.isaiah.password, mfaCode: EMULATOR_MFA_CODE });
		expect(passed.params.get('code')).toBeTruthy();

		const tokens = await signIn(SEED_USERS.lee);
		await emulatorRequest(`${emulator.graphUrl}/_emulator/users/${encodeURIComponent(SEED_USERS.lee.upn)}`, { method: 'PATCH', json: { mfaRequired: true } });
		const refresh = await token({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token, scope: SCOPE });
		expect(refresh.json).toMatchObject({ error: 'invalid_grant', error_codes: [50076], suberror: 'basic_action' });
	});

	it('answers with a form_post page or a fragment when asked, and login_required for prompt=none', async () => {
		const fragment = await signInThroughAuthorizePage(authorizeUrl({ response_mode: 'fragment' }), { username: SEED_USERS.adele.upn, password: SEED_USERS.adele.password });
		expect(fragment.redirectedTo).toMatch(new RegExp(`^${REDIRECT.replace(/[.?]/g, '\\$&')}#code=`));
		const formPost = await signInThroughAuthorizePage(authorizeUrl({ response_mode: 'form_post' }), { username: SEED_USERS.adele.upn, password: SEED_USERS.adele.password });
		expect(formPost.page?.status).toBe(200);
		expect(formPost.page?.text).toContain(`action="${REDIRECT}"`);
		expect(formPost.page?.text).toMatch(/name="code" value="[^"]+"/);
		const silent = await emulatorRequest(authorizeUrl({ prompt: 'none' }));
		expect(silent.status).toBe(302);
		expect(new URL(silent.headers.location).searchParams.get('error')).toBe('login_required');
	});

	it('refuses an unregistered redirect URI on a page (AADSTS50011)', async () => {
		const response = await emulatorRequest(authorizeUrl({ redirect_uri: 'https://evil.example/callback' }));
		expect(response.status).toBe(400);
		expect(response.text).toContain('AADSTS50011');
	});

	it('asks for consent when the app lacks it, and redirects with access_denied on Cancel', async () => {
		const app = SEED_APPS.noConsent;
		const url = `${emulator.loginUrl}/${SEED_TENANT.id}/oauth2/v2.0/authorize?${new URLSearchParams({ client_id: app.appId, response_type: 'code', redirect_uri: REDIRECT, scope: 'openid User.Read', state: 's' })}`;
		const cancelled = await signInThroughAuthorizePage(url, { username: SEED_USERS.alex.upn, password: SEED_USERS.alex.password, consent: 'cancel' });
		expect(cancelled.params.get('error')).toBe('access_denied');
		expect(cancelled.params.get('error_description')).toMatch(/^AADSTS65004/);
		expect(cancelled.params.get('state')).toBe('s');
		const accepted = await signInThroughAuthorizePage(url, { username: SEED_USERS.alex.upn, password: SEED_USERS.alex.password, consent: 'accept' });
		expect(accepted.params.get('code')).toBeTruthy();
		expect(emulator.state.app(app.appId)!.userConsents[SEED_USERS.alex.id]).toEqual(['User.Read']);
	});

	it('refuses admin-only scopes to a non-admin (AADSTS90094)', async () => {
		const url = `${emulator.loginUrl}/${SEED_TENANT.id}/oauth2/v2.0/authorize?${new URLSearchParams({ client_id: SEED_APPS.noConsent.appId, response_type: 'code', redirect_uri: REDIRECT, scope: 'ChannelMessage.Read.All' })}`;
		const result = await signInThroughAuthorizePage(url, { username: SEED_USERS.adele.upn, password: SEED_USERS.adele.password });
		expect(result.page?.text).toContain('AADSTS90094');
	});

	it('admin consent through /adminconsent grants the app roles', async () => {
		const fresh = await startEmulator();
		try {
			const app = SEED_APPS.noConsent;
			const url = `${fresh.loginUrl}/${SEED_TENANT.id}/adminconsent?${new URLSearchParams({ client_id: app.appId, redirect_uri: REDIRECT, state: 'ac' })}`;
			const result = await signInThroughAuthorizePage(url, { username: SEED_USERS.megan.upn, password: SEED_USERS.megan.password });
			expect(result.params.get('admin_consent')).toBe('True');
			expect(result.params.get('tenant')).toBe(SEED_TENANT.id);
			expect(result.params.get('state')).toBe('ac');
			const cca = new ConfidentialClientApplication({ auth: { clientId: app.appId, clientSecret: app.secret, authority: `${fresh.loginUrl}/${SEED_TENANT.id}`, knownAuthorities: [fresh.loginHost] } });
			const tokenResult = await cca.acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/.default'] });
			expect(decodeJwt(tokenResult!.accessToken)!.claims.roles).toEqual(expect.arrayContaining(['User.Read.All']));
		} finally {
			await fresh.close();
		}
	});

	it('refuses /adminconsent without redirect_uri (documented as required) unless the rule is off', async () => {
		const url = `${emulator.loginUrl}/${SEED_TENANT.id}/adminconsent?${new URLSearchParams({ client_id: SEED_APPS.noConsent.appId })}`;
		const refused = await emulatorRequest(url);
		expect(refused.status).toBe(400);
		expect(refused.text).toContain('AADSTS900144');
		expect(refused.text).toContain('redirect_uri');
		emulator.rules.set({ adminConsentRedirectRequired: false });
		try {
			expect((await emulatorRequest(url)).status).toBe(200);
		} finally {
			emulator.rules.reset();
		}
	});

	it('works with msal-node: auth code URL, code redemption and refresh', async () => {
		const cca = new ConfidentialClientApplication({ auth: { clientId: SEED_APPS.main.appId, clientSecret: SEED_APPS.main.secret, authority: `${emulator.loginUrl}/${SEED_TENANT.id}`, knownAuthorities: [emulator.loginHost] } });
		const scopes = ['User.Read', 'ChannelMessage.Send'];
		const { verifier, challenge } = pkce();
		const url = await cca.getAuthCodeUrl({ scopes, redirectUri: REDIRECT, codeChallenge: challenge, codeChallengeMethod: 'S256', state: 'msal' });
		const result = await signInThroughAuthorizePage(url, { username: SEED_USERS.integration.upn, password: SEED_USERS.integration.password });
		const byCode = await cca.acquireTokenByCode({ code: result.params.get('code') as string, scopes, redirectUri: REDIRECT, codeVerifier: verifier });
		expect(byCode.account?.username).toBe(SEED_USERS.integration.upn);
		expect(byCode.account?.tenantId).toBe(SEED_TENANT.id);
		const silent = await cca.acquireTokenSilent({ account: byCode.account!, scopes, forceRefresh: true });
		expect(silent.accessToken).toBeTruthy();
		expect(silent.accessToken).not.toBe(byCode.accessToken);
	});
});
