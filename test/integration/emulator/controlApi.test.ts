// The HTTP control API under /_emulator/ (what the demo, e2e tests and benchmarks use), and parallel instances.
import { type Emulator, SEED_APPS, SEED_USERS, startEmulator } from '../../emulator';
import { largeTenantUser } from '../../emulator/state/largeTenant';
import { emulatorRequest } from '../../emulator/testClient';

let emulator: Emulator;
beforeAll(async () => {
	emulator = await startEmulator();
});
afterAll(async () => {
	await emulator.close();
});

const control = (path: string, options: { method?: string; json?: unknown } = {}) => emulatorRequest(`${emulator.graphUrl}/_emulator${path}`, options);
const graph = (path: string, token: string) => emulatorRequest(`${emulator.graphUrl}/v1.0${path}`, { token });

describe('control API over HTTP', () => {
	it('describes the emulator', async () => {
		const info = await control('/info');
		expect(info.status).toBe(200);
		expect(info.json).toMatchObject({ loginUrl: emulator.loginUrl, graphUrl: emulator.graphUrl, tenantId: emulator.tenantId });
		expect(info.json.routes).toContain('GET /users/:userId');
	});

	it('advancing the clock expires a token', async () => {
		const token = emulator.tokens.issueAppToken(SEED_APPS.main.appId);
		expect((await graph('/organization', token)).status).toBe(200);
		const before = Date.parse((await control('/clock')).json.now);
		const advanced = await control('/clock/advance', { json: { seconds: 3600 } });
		expect(Date.parse(advanced.json.now) - before).toBeGreaterThanOrEqual(3600 * 1000);
		expect((await graph('/organization', token)).status).toBe(401);
	});

	it('expires tokens, forces 403 for expired tokens, and sets the lifetime', async () => {
		const token = emulator.tokens.issueAppToken(SEED_APPS.main.appId);
		expect((await control('/tokens/expire', { method: 'POST' })).status).toBe(204);
		expect((await graph('/organization', token)).status).toBe(401);
		await control('/tokens/settings', { json: { expiredTokenStatus: 403 } });
		expect((await graph('/organization', token)).status).toBe(403);
		await control('/tokens/settings', { json: { expiredTokenStatus: null, accessTokenLifetimeSeconds: 60 } });
		const shortLived = emulator.tokens.issueAppToken(SEED_APPS.main.appId);
		await control('/clock/advance', { json: { seconds: 61 } });
		expect((await graph('/organization', shortLived)).status).toBe(401);
		await control('/tokens/settings', { json: { accessTokenLifetimeSeconds: 3599 } });
	});

	it('revokes a user\'s refresh tokens', async () => {
		const { refreshToken } = emulator.tokens.issueDelegatedTokens(SEED_APPS.main.appId, SEED_USERS.adele.upn);
		expect((await control('/tokens/revoke', { json: { user: SEED_USERS.adele.upn } })).json).toEqual({ revoked: true });
		const response = await emulatorRequest(`${emulator.loginUrl}/${emulator.tenantId}/oauth2/v2.0/token`, {
			form: { client_id: SEED_APPS.main.appId, client_secret: SEED_APPS.main.secret, grant_type: 'refresh_token', refresh_token: refreshToken, scope: 'User.Read' },
		});
		expect(response.json.error_codes).toEqual([50173]);
	});

	it('a disabled account cannot refresh (AADSTS50057)', async () => {
		const { refreshToken } = emulator.tokens.issueDelegatedTokens(SEED_APPS.main.appId, SEED_USERS.lynne.upn);
		expect((await control(`/users/${SEED_USERS.lynne.id}`, { method: 'PATCH', json: { accountEnabled: false } })).status).toBe(204);
		const response = await emulatorRequest(`${emulator.loginUrl}/${emulator.tenantId}/oauth2/v2.0/token`, {
			form: { client_id: SEED_APPS.main.appId, client_secret: SEED_APPS.main.secret, grant_type: 'refresh_token', refresh_token: refreshToken },
		});
		expect(response.json).toMatchObject({ error: 'invalid_grant', error_codes: [50057] });
		await control(`/users/${SEED_USERS.lynne.id}`, { method: 'PATCH', json: { accountEnabled: true } });
	});

	it('adds, lists and clears faults', async () => {
		const token = emulator.tokens.issueAppToken(SEED_APPS.main.appId);
		const added = await control('/faults', { json: { kind: 'throttle', path: '/organization', retryAfterSeconds: 5 } });
		expect(added.status).toBe(201);
		expect((await control('/faults')).json.faults).toHaveLength(1);
		expect((await graph('/organization', token)).status).toBe(429);
		expect((await control(`/faults/${added.json.id}`, { method: 'DELETE' })).status).toBe(204);
		expect((await graph('/organization', token)).status).toBe(200);
		await control('/faults', { json: { kind: 'status', status: 503, path: '/^\\/users\\/[^/]+$/' } });
		expect((await graph(`/users/${SEED_USERS.alex.id}`, token)).status).toBe(503);
		expect((await control('/faults', { method: 'DELETE' })).status).toBe(204);
		expect((await graph(`/users/${SEED_USERS.alex.id}`, token)).status).toBe(200);
	});

	it('counts requests per endpoint and resets the count', async () => {
		await control('/requests/reset', { method: 'POST' });
		const token = emulator.tokens.issueAppToken(SEED_APPS.main.appId);
		await graph(`/users/${SEED_USERS.alex.id}`, token);
		await graph(`/users/${SEED_USERS.adele.id}`, token);
		await graph('/organization', token);
		const requests = await control('/requests');
		expect(requests.json.count).toBe(3);
		expect(requests.json.byEndpoint).toEqual({ 'GET /users/:userId': 2, 'GET /organization': 1 });
		expect(requests.json.entries[0]).toMatchObject({ host: 'graph', method: 'GET', route: 'GET /users/:userId', status: 200, appId: SEED_APPS.main.appId, batch: false });
	});

	it('grants and revokes admin consent', async () => {
		const app = SEED_APPS.noConsent.appId;
		await control('/consent', { json: { appId: app, roles: ['Organization.Read.All'] } });
		expect((await graph('/organization', emulator.tokens.issueAppToken(app))).status).toBe(200);
		await control('/consent', { json: { appId: app, revoke: true } });
		expect((await graph('/organization', emulator.tokens.issueAppToken(app))).status).toBe(403);
	});

	it('reads the state and replaces it with a seed', async () => {
		const state = await control('/state');
		expect(state.json.users[SEED_USERS.adele.id].user.displayName).toBe('Adele Vance');
		const replaced = await control('/state', { json: { seed: 'large:50' } });
		expect(replaced.json.users).toBe(Object.keys(state.json.users).length + 50);
		const token = emulator.tokens.issueAppToken(SEED_APPS.main.appId);
		expect((await graph(`/users/${largeTenantUser(7).id}?$select=userPrincipalName`, token)).json.userPrincipalName).toBe(largeTenantUser(7).upn);
		await control('/reset', { method: 'POST' });
		expect((await graph(`/users/${largeTenantUser(7).id}`, emulator.tokens.issueAppToken(SEED_APPS.main.appId))).status).toBe(404);
	});

	it('answers 404 for unknown control endpoints', async () => {
		expect((await control('/nothing')).status).toBe(404);
	});
});

describe('parallel instances', () => {
	it('run side by side on their own ports with their own state', async () => {
		const [a, b] = await Promise.all([startEmulator(), startEmulator()]);
		try {
			expect(new Set([a.loginUrl, a.graphUrl, b.loginUrl, b.graphUrl, emulator.graphUrl]).size).toBe(5);
			a.state.updateUser(SEED_USERS.alex.id, { jobTitle: 'Only in A' });
			const tokenB = b.tokens.issueAppToken(SEED_APPS.main.appId);
			const fromB = await emulatorRequest(`${b.graphUrl}/v1.0/users/${SEED_USERS.alex.id}?$select=jobTitle`, { token: tokenB });
			expect(fromB.json.jobTitle).toBe('Account Executive');
			a.clock.advance(7200);
			expect((await emulatorRequest(`${b.graphUrl}/v1.0/organization`, { token: tokenB })).status).toBe(200);
		} finally {
			await Promise.all([a.close(), b.close()]);
		}
	});
});
