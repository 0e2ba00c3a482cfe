// Microsoft's throttling limits through the emulator's HTTP API: Outlook's MailboxConcurrency (top-level and inside
// $batch), with Graph's 429 body and Retry-After, off by its rule (the emulator's one rules API). The rate windows (Teams posting, invitations,
// directory writes) are tested on a test clock in test/unit/emulator/throttling.test.ts.
import { type Emulator, SEED_APPS, SEED_CHANNELS, SEED_CHATS, SEED_USERS, startEmulator } from '../../emulator';
import { emulatorRequest } from '../../emulator/testClient';

let emulator: Emulator;
let appToken: string;
beforeAll(async () => {
	emulator = await startEmulator({ latencyMs: 400 });
	appToken = emulator.tokens.issueAppToken(SEED_APPS.main.appId);
});
afterAll(async () => {
	await emulator.close();
});
beforeEach(() => {
	emulator.reset();
	emulator.latencyMs = 400;
});

const graph = (path: string, options: Parameters<typeof emulatorRequest>[1] = {}) => emulatorRequest(`${emulator.graphUrl}/v1.0${path}`, { token: appToken, ...options });

describe('Outlook MailboxConcurrency', () => {
	it('a fifth concurrent request of one app to one mailbox gets 429 ApplicationThrottled with Retry-After; other mailboxes do not', async () => {
		const adele = `/users/${SEED_USERS.adele.id}/messages?$top=1`;
		const answers = await Promise.all([...Array.from({ length: 6 }, () => graph(adele)), graph(`/users/${SEED_USERS.support.id}/messages?$top=1`)]);
		const statuses = answers.slice(0, 6).map((a) => a.status).sort();
		expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
		const throttled = answers.find((a) => a.status === 429)!;
		expect(throttled.json.error).toMatchObject({ code: 'ApplicationThrottled', message: 'Application is over its MailboxConcurrency limit.' });
		expect(throttled.headers['retry-after']).toBe('1');
		expect(answers[6].status).toBe(200);
		// Slots are freed with the answers.
		expect((await graph(adele)).status).toBe(200);
	});

	it('inside $batch: a batch takes up to 4 slots on each mailbox it reads; sub-requests beyond the free slots get their own 429', async () => {
		const requests = Array.from({ length: 6 }, (_, i) => ({ id: String(i + 1), method: 'GET', url: `/users/${SEED_USERS.adele.id}/messages?$top=1` }));
		const [first, second, batch] = await Promise.all([
			graph(`/users/${SEED_USERS.adele.id}/messages?$top=1`),
			graph(`/users/${SEED_USERS.adele.upn}/mailFolders/inbox/messages?$top=1`),
			graph('/$batch', { method: 'POST', json: { requests } }),
		]);
		expect([first.status, second.status, batch.status]).toEqual([200, 200, 200]);
		const responses = (batch.json as { responses: Array<{ id: string; status: number; headers: Record<string, string>; body: { error?: { code: string } } }> }).responses;
		const throttled = responses.filter((r) => r.status === 429);
		expect(throttled).toHaveLength(2);
		expect(throttled[0].headers['Retry-After']).toBe('1');
		expect(throttled[0].body.error?.code).toBe('ApplicationThrottled');
		expect(responses.filter((r) => r.status === 200)).toHaveLength(4);
	});

	it('off by its switch (control API)', async () => {
		const off = await emulatorRequest(`${emulator.graphUrl}/_emulator/rules`, { method: 'POST', json: { mailboxConcurrency: false } });
		expect(off.json).toMatchObject({ mailboxConcurrency: { value: false, defaultValue: true }, teamsPosting: { value: true } });
		const answers = await Promise.all(Array.from({ length: 6 }, () => graph(`/users/${SEED_USERS.adele.id}/messages?$top=1`)));
		expect(answers.map((a) => a.status)).toEqual(Array(6).fill(200));
		emulator.rules.set({ mailboxConcurrency: true });
	});

	it('a rule given to startEmulator is where reset() comes back to; the limits have no control endpoint of their own', async () => {
		const started = await startEmulator({ rules: { mailboxConcurrency: false } });
		try {
			started.reset();
			expect(started.rules.list().mailboxConcurrency).toMatchObject({ value: false, defaultValue: true });
			const token = started.tokens.issueAppToken(SEED_APPS.main.appId);
			started.latencyMs = 200;
			const answers = await Promise.all(Array.from({ length: 6 }, () => emulatorRequest(`${started.graphUrl}/v1.0/users/${SEED_USERS.adele.id}/messages?$top=1`, { token })));
			expect(answers.map((a) => a.status)).toEqual(Array(6).fill(200));
			const wrong = await emulatorRequest(`${started.graphUrl}/_emulator/rules`, { method: 'POST', json: { teamsPosting: 'no' } });
			expect(wrong.status).toBe(400);
			expect(wrong.json).toEqual({ error: 'Emulator rule "teamsPosting" takes true or false (got "no")' });
			expect((await emulatorRequest(`${started.graphUrl}/_emulator/throttling`, { method: 'POST', json: { teamsPosting: false } })).status).toBe(404);
		} finally {
			await started.close();
		}
	});
});

describe('Teams: one request per second per app on a channel or a chat', () => {
	it('a second request on one chat or one channel in the same $batch gets 429 with Retry-After: 1; other chats and channels do not', async () => {
		emulator.latencyMs = 0;
		const channel = SEED_CHANNELS.salesGeneral;
		const urls = [
			`/chats/${SEED_CHATS.projectFalcon.id}/messages?$top=1`,
			`/chats/${SEED_CHATS.projectFalcon.id}/messages?$top=1`,
			`/chats/${SEED_CHATS.adeleIntegration.id}/messages?$top=1`,
			`/teams/${channel.teamId}/channels/${channel.id}/messages?$top=1`,
			`/teams/${channel.teamId}/channels/${channel.id}/messages?$top=1`,
			`/teams/${channel.teamId}/channels/${SEED_CHANNELS.salesDeals.id}/messages?$top=1`,
		];
		// The integration account (a member of these chats and channels), signed in: a delegated token.
		const token = emulator.tokens.issueDelegatedTokens(SEED_APPS.main.appId, SEED_USERS.integration.id).accessToken;
		const batch = await graph('/$batch', { method: 'POST', token, json: { requests: urls.map((url, i) => ({ id: String(i + 1), method: 'GET', url })) } });
		expect(batch.status).toBe(200);
		const responses = (batch.json as { responses: Array<{ id: string; status: number; headers?: Record<string, string>; body: { error?: { code: string } } }> }).responses;
		const byId = new Map(responses.map((r) => [r.id, r]));
		expect(['1', '2', '3', '4', '5', '6'].map((id) => byId.get(id)?.status).sort()).toEqual([200, 200, 200, 200, 429, 429]);
		expect([byId.get('3')?.status, byId.get('6')?.status]).toEqual([200, 200]);
		expect([byId.get('1')?.status, byId.get('2')?.status].sort()).toEqual([200, 429]);
		expect([byId.get('4')?.status, byId.get('5')?.status].sort()).toEqual([200, 429]);
		const throttled = responses.find((r) => r.status === 429)!;
		expect(throttled.headers?.['Retry-After']).toBe('1');
		expect(throttled.body.error?.code).toBe('TooManyRequests');
	});
});
