// $batch semantics and every fault kind (top-level, on the login host and inside batches).
import { ConfidentialClientApplication } from '@azure/msal-node';

import { type Emulator, SEED_APPS, SEED_TENANT, SEED_USERS, queryOf, startEmulator } from '../../emulator';
import { emulatorRequest } from '../../emulator/testClient';

let emulator: Emulator;
let token: string;
beforeAll(async () => {
	emulator = await startEmulator();
	token = emulator.tokens.issueAppToken(SEED_APPS.main.appId);
});
afterAll(async () => {
	await emulator.close();
});
afterEach(() => {
	emulator.faults.clear();
	emulator.requests.reset();
});

const batch = (requests: unknown[], bearer = token) => emulatorRequest(`${emulator.graphUrl}/v1.0/$batch`, { token: bearer, json: { requests } });
const patchUser = (id: string, body: object) => emulatorRequest(`${emulator.graphUrl}/v1.0/users/${id}`, { method: 'PATCH', token, json: body });

describe('$batch', () => {
	it('dispatches each sub-request through the router and answers 200 with per-request statuses', async () => {
		const response = await batch([
			{ id: '1', method: 'GET', url: `/users/${SEED_USERS.adele.id}?$select=id,displayName` },
			{ id: '2', method: 'GET', url: '/users/nobody@contoso.onmicrosoft.com' },
			{ id: '3', method: 'GET', url: 'organization' },
		]);
		expect(response.status).toBe(200);
		const byId = Object.fromEntries(response.json.responses.map((r: { id: string }) => [r.id, r]));
		expect(byId['1']).toMatchObject({ status: 200, body: { id: SEED_USERS.adele.id, displayName: 'Adele Vance' } });
		expect(byId['1'].headers['Content-Type']).toContain('application/json');
		expect(byId['2']).toMatchObject({ status: 404, body: { error: { code: 'Request_ResourceNotFound' } } });
		expect(byId['3'].status).toBe(200);
		expect(emulator.requests.count({ batch: true })).toBe(3);
		expect(emulator.requests.count({ batch: false })).toBe(1);
		expect(emulator.requests.byEndpoint()).toEqual({ 'POST /$batch': 1 });
		expect(emulator.requests.byEndpoint({ batch: true })).toEqual({ 'GET /users/:userId': 2, 'GET /organization': 1 });
	});

	it('checks permissions per sub-request', async () => {
		const partial = emulator.tokens.issueAppToken(SEED_APPS.partial.appId);
		const response = await batch([
			{ id: 'a', method: 'GET', url: '/organization' },
			{ id: 'b', method: 'GET', url: `/users/${SEED_USERS.alex.id}` },
		], partial);
		const statuses = Object.fromEntries(response.json.responses.map((r: { id: string; status: number }) => [r.id, r.status]));
		expect(statuses).toEqual({ a: 403, b: 200 });
	});

	it('refuses more than 20 requests', async () => {
		const requests = Array.from({ length: 21 }, (_, i) => ({ id: String(i), method: 'GET', url: '/organization' }));
		const response = await batch(requests);
		expect(response.status).toBe(400);
		expect(response.json.error.code).toBe('BadRequest');
		expect((await batch(requests.slice(0, 20))).status).toBe(200);
	});

	it('refuses a write without Content-Type, duplicate ids and unknown dependencies', async () => {
		expect((await batch([{ id: '1', method: 'PATCH', url: `/users/${SEED_USERS.lee.id}`, body: { jobTitle: 'x' } }])).json.error.message).toBe('Write request id : 1 does not contain Content-Type header or body.');
		expect((await batch([{ id: '7', method: 'POST', url: `/users/${SEED_USERS.lee.id}/presence/clearUserPreferredPresence` }])).json.error.message).toBe('Write request id : 7 does not contain Content-Type header or body.');
		expect((await batch([{ id: '1', method: 'GET', url: '/organization' }, { id: '1', method: 'GET', url: '/organization' }])).status).toBe(400);
		expect((await batch([{ id: '1', method: 'GET', url: '/organization', dependsOn: ['9'] }])).status).toBe(400);
	});

	it('answers 424 for a request whose prerequisite failed, and runs dependents after their prerequisites', async () => {
		const response = await batch([
			{ id: '2', method: 'GET', url: '/organization', dependsOn: ['1'] },
			{ id: '1', method: 'GET', url: '/users/missing@contoso.onmicrosoft.com' },
			{ id: '3', method: 'GET', url: '/organization' },
		]);
		expect(response.json.responses.map((r: { id: string; status: number }) => `${r.id}:${r.status}`)).toEqual(['1:404', '2:424', '3:200']);
	});

	it('applies sub-request writes', async () => {
		const response = await batch([{ id: '1', method: 'PATCH', url: `/users/${SEED_USERS.lee.id}`, headers: { 'Content-Type': 'application/json' }, body: { officeLocation: 'B/12' } }]);
		expect(response.json.responses[0].status).toBe(204);
		expect(emulator.state.user(SEED_USERS.lee.id)?.user.officeLocation).toBe('B/12');
	});

	it('throttles sub-requests with 429 and their own Retry-After inside a 200 batch', async () => {
		emulator.faults.add({ kind: 'throttle', path: '/users/*', retryAfterSeconds: 7 });
		const response = await batch([
			{ id: '1', method: 'GET', url: `/users/${SEED_USERS.adele.id}` },
			{ id: '2', method: 'GET', url: '/organization' },
		]);
		expect(response.status).toBe(200);
		const [first, second] = response.json.responses;
		expect(first).toMatchObject({ id: '1', status: 429, headers: { 'Retry-After': '7' }, body: { error: { code: 'TooManyRequests' } } });
		expect(second.status).toBe(200);
	});

	it('a dropped sub-request drops the whole batch connection; dropAfterApply still applies it', async () => {
		emulator.faults.add({ kind: 'drop', path: '/organization', times: 1 });
		await expect(batch([{ id: '1', method: 'GET', url: '/organization' }])).rejects.toThrow();
		emulator.faults.add({ kind: 'dropAfterApply', method: 'PATCH', path: '/users/*', times: 1 });
		await expect(batch([{ id: '1', method: 'PATCH', url: `/users/${SEED_USERS.lee.id}`, headers: { 'Content-Type': 'application/json' }, body: { jobTitle: 'Batch applied' } }])).rejects.toThrow();
		expect(emulator.state.user(SEED_USERS.lee.id)?.user.jobTitle).toBe('Batch applied');
	});
});

describe('request log', () => {
	it('keeps the full query string of top-level requests and $batch sub-requests', async () => {
		const filter = "userType eq 'Guest'";
		await emulatorRequest(`${emulator.graphUrl}/v1.0/users?$filter=${encodeURIComponent(filter)}&$top=5`, { token });
		await batch([{ id: '1', method: 'GET', url: `/users?$select=id&$top=2` }]);
		const [top, sub] = emulator.requests.entries().filter((e) => e.route === 'GET /users');
		expect(top).toMatchObject({ path: '/v1.0/users', batch: false });
		expect(queryOf(top)).toEqual({ $filter: filter, $top: '5' });
		expect(queryOf(sub)).toEqual({ $select: 'id', $top: '2' });
		expect(emulator.requests.count({ route: 'GET /users', query: { $filter: /Guest/ } })).toBe(1);
		expect(emulator.requests.count({ route: 'GET /users', query: { $top: '2' } })).toBe(1);
		expect(emulator.requests.entries().find((e) => e.route === 'POST /$batch')?.query).toBe('');
	});

	it('shows the query string through the control API', async () => {
		await emulatorRequest(`${emulator.graphUrl}/v1.0/users?$top=3`, { token });
		const log = await emulatorRequest(`${emulator.graphUrl}/_emulator/requests`);
		expect(log.json.entries.map((e: { query: string }) => e.query)).toContain('$top=3');
	});
});

describe('faults', () => {
	it('throttle: 429, Retry-After and TooManyRequests', async () => {
		emulator.faults.add({ kind: 'throttle', path: '/organization', retryAfterSeconds: 3, times: 1 });
		const throttled = await emulatorRequest(`${emulator.graphUrl}/v1.0/organization`, { token });
		expect(throttled.status).toBe(429);
		expect(throttled.headers['retry-after']).toBe('3');
		expect(throttled.json.error.code).toBe('TooManyRequests');
		expect((await emulatorRequest(`${emulator.graphUrl}/v1.0/organization`, { token })).status).toBe(200);
		// Faulted requests are still counted under their route.
		expect(emulator.requests.count({ route: 'GET /organization', status: 429 })).toBe(1);
		expect(emulator.requests.byEndpoint()).toEqual({ 'GET /organization': 2 });
	});

	it('status: 503 and 504 with Graph bodies', async () => {
		emulator.faults.add({ kind: 'status', status: 503, path: '/organization', times: 1, retryAfterSeconds: 1 });
		emulator.faults.add({ kind: 'status', status: 504, path: '/users', times: 1 });
		const unavailable = await emulatorRequest(`${emulator.graphUrl}/v1.0/organization`, { token });
		expect(unavailable.status).toBe(503);
		expect(unavailable.headers['retry-after']).toBe('1');
		expect(unavailable.json.error.code).toBe('serviceNotAvailable');
		const timeout = await emulatorRequest(`${emulator.graphUrl}/v1.0/users`, { token });
		expect(timeout.status).toBe(504);
		expect(timeout.json.error.innerError['request-id']).toBeTruthy();
	});

	it('drop: the connection closes before the handler runs, so a write is not applied', async () => {
		emulator.faults.add({ kind: 'drop', method: 'PATCH', path: `/users/${SEED_USERS.diego.id}`, times: 1 });
		await expect(patchUser(SEED_USERS.diego.id, { jobTitle: 'Dropped' })).rejects.toThrow();
		expect(emulator.state.user(SEED_USERS.diego.id)?.user.jobTitle).toBe('Engineering Lead');
		expect(emulator.requests.count({ status: 0 })).toBe(1);
	});

	it('dropAfterApply: the write happens, the answer never arrives', async () => {
		emulator.faults.add({ kind: 'dropAfterApply', method: 'PATCH', path: '/users/*', times: 1 });
		await expect(patchUser(SEED_USERS.diego.id, { jobTitle: 'Applied' })).rejects.toThrow();
		expect(emulator.state.user(SEED_USERS.diego.id)?.user.jobTitle).toBe('Applied');
	});

	it('latency: the request still succeeds and the fault is recorded', async () => {
		emulator.faults.add({ kind: 'latency', latencyMs: 20, path: '/organization', times: 1 });
		expect((await emulatorRequest(`${emulator.graphUrl}/v1.0/organization`, { token })).status).toBe(200);
		expect(emulator.requests.entries()[0].faults).toEqual(['latency']);
	});

	it('faults on the login host: a throttled token endpoint', async () => {
		emulator.faults.add({ kind: 'throttle', host: 'login', path: '/*/oauth2/v2.0/token', retryAfterSeconds: 1, times: 1 });
		const throttled = await emulatorRequest(`${emulator.loginUrl}/${SEED_TENANT.id}/oauth2/v2.0/token`, {
			form: { client_id: SEED_APPS.main.appId, client_secret: SEED_APPS.main.secret, grant_type: 'client_credentials', scope: 'https://graph.microsoft.com/.default' },
		});
		expect(throttled.status).toBe(429);
		const cca = new ConfidentialClientApplication({ auth: { clientId: SEED_APPS.main.appId, clientSecret: SEED_APPS.main.secret, authority: `${emulator.loginUrl}/${SEED_TENANT.id}`, knownAuthorities: [emulator.loginHost] } });
		expect((await cca.acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/.default'] }))?.accessToken).toBeTruthy();
	});

	it('rateLimit: a window on the emulator clock, Retry-After until it frees', async () => {
		emulator.faults.add({ kind: 'rateLimit', path: '/organization', limit: 2, windowSeconds: 60 });
		const statuses: number[] = [];
		for (let i = 0; i < 3; i++) statuses.push((await emulatorRequest(`${emulator.graphUrl}/v1.0/organization`, { token })).status);
		expect(statuses).toEqual([200, 200, 429]);
		const limited = await emulatorRequest(`${emulator.graphUrl}/v1.0/organization`, { token });
		expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
		emulator.clock.advance(61);
		token = emulator.tokens.issueAppToken(SEED_APPS.main.appId);
		expect((await emulatorRequest(`${emulator.graphUrl}/v1.0/organization`, { token })).status).toBe(200);
	});

	it('everyNth hits only every Nth matching request', async () => {
		emulator.faults.add({ kind: 'status', status: 500, path: '/organization', everyNth: 2 });
		const statuses: number[] = [];
		for (let i = 0; i < 4; i++) statuses.push((await emulatorRequest(`${emulator.graphUrl}/v1.0/organization`, { token })).status);
		expect(statuses).toEqual([200, 500, 200, 500]);
	});
});
