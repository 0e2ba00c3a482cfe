// The emulator applies Microsoft's presence limit (throttling-limits: Presence, 1,500 requests in a 30 second period,
// per application per tenant) by default, counting every presence request including $batch sub-requests; the
// switch turns it off. Over HTTP with the emulator's own tokens, no node involved.
import { SEED_APPS, SEED_USERS, startEmulator, type Emulator } from '../../emulator';
import { PRESENCE_LIMIT } from '../../emulator/graph/presence';
import { emulatorRequest } from '../../emulator/testClient';

let emulator: Emulator;
beforeEach(async () => {
	emulator = await startEmulator();
	emulator.clock.freeze();
});
afterEach(async () => {
	await emulator.close();
});

/** `count` presence reads in $batch calls of 20; returns the sub-responses' statuses and Retry-After headers. */
async function readPresence(count: number, appId: string = SEED_APPS.main.appId): Promise<Array<{ status: number; retryAfter?: string }>> {
	const token = emulator.tokens.issueAppToken(appId);
	const results: Array<{ status: number; retryAfter?: string }> = [];
	for (let done = 0; done < count; done += 20) {
		const requests = Array.from({ length: Math.min(20, count - done) }, (_, i) => ({ id: String(i + 1), method: 'GET', url: `/users/${SEED_USERS.adele.id}/presence` }));
		const response = await emulatorRequest(`${emulator.graphUrl}/v1.0/$batch`, { method: 'POST', json: { requests }, token });
		expect(response.status).toBe(200);
		const byId = new Map((response.json.responses as Array<{ id: string; status: number; headers?: Record<string, string> }>).map((r) => [r.id, r]));
		for (const request of requests) {
			const sub = byId.get(request.id)!;
			results.push({ status: sub.status, ...(sub.headers?.['Retry-After'] ? { retryAfter: sub.headers['Retry-After'] } : {}) });
		}
	}
	return results;
}

describe('presence throttling (Microsoft default: on)', () => {
	it('answers 429 with Retry-After beyond 1,500 requests in 30 seconds per app, and admits again when the window moves', async () => {
		const first = await readPresence(PRESENCE_LIMIT.requests);
		expect(first.every((r) => r.status === 200)).toBe(true);
		const over = await readPresence(1);
		expect(over).toEqual([{ status: 429, retryAfter: '30' }]);
		// Another app of the tenant has its own budget.
		expect((await readPresence(1, SEED_APPS.partial.appId))[0].status).toBe(200);
		emulator.clock.advance(10);
		expect((await readPresence(1))[0]).toEqual({ status: 429, retryAfter: '20' });
		emulator.clock.advance(21);
		expect((await readPresence(1))[0].status).toBe(200);
	});

	it('counts writes too, and the switch turns the limit off', async () => {
		await readPresence(PRESENCE_LIMIT.requests);
		const token = emulator.tokens.issueAppToken(SEED_APPS.main.appId);
		const write = await emulatorRequest(`${emulator.graphUrl}/v1.0/users/${SEED_USERS.adele.id}/presence/setPresence`, {
			method: 'POST',
			json: { sessionId: SEED_APPS.main.appId, availability: 'Busy', activity: 'InACall' },
			token,
		});
		expect(write.status).toBe(429);
		const off = await emulatorRequest(`${emulator.graphUrl}/_emulator/rules`, { method: 'POST', json: { presenceRate: false } });
		expect(off.json).toMatchObject({ presenceRate: { value: false, defaultValue: true } });
		expect((await readPresence(40)).every((r) => r.status === 200)).toBe(true);
	});
});

describe('presence throttling and reset', () => {
	it('starts with an empty window after reset(), like the other throttling limits', async () => {
		await readPresence(PRESENCE_LIMIT.requests);
		expect((await readPresence(1))[0].status).toBe(429);
		emulator.reset();
		emulator.clock.freeze();
		expect((await readPresence(1))[0].status).toBe(200);
	});
});
