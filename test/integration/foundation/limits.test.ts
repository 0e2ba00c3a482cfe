/**
 * The transport's client-side limiter against the emulator's throttling limits (both on, as by default): a job runs
 * at Microsoft's limit without collecting 429s. Counted from the emulator's request log, never timed.
 */
import type { IDataObject } from 'n8n-workflow';

import { clearTenantAppTokenCache } from '../../../nodes/shared/auth/tenantAppToken';
import { limitsOf, limitsOfBatch, Limiter } from '../../../nodes/shared/transport/limiter';
import { SEED_CHANNELS, SEED_CHATS, SEED_USERS, startEmulator, type Emulator } from '../../emulator';
import { runNode } from '../../harness';
import { tenantAppCredentialData } from '../../support/emulatorCredentials';
import { integrationAccountCredentials } from '../../support/target';
import { GraphProbe } from './graphProbeNode';

let emulator: Emulator;
beforeAll(async () => {
	emulator = await startEmulator({ latencyMs: 50 });
});
afterAll(async () => {
	await emulator.close();
});
beforeEach(() => {
	clearTenantAppTokenCache();
	emulator.reset();
});

const throttled = () => emulator.requests.entries().filter((e) => e.host === 'graph' && e.status === 429);

describe('client-side limiter (transport) against the emulator limits', () => {
	it('posts into one channel at its limit (1 request per second per app) with no 429 and every post delivered once', async () => {
		const channel = SEED_CHANNELS.salesGeneral;
		const before = emulator.state.channel(channel.teamId, channel.id)!.messages.length;
		const posts = 4;
		const result = await runNode({
			nodeType: new GraphProbe(),
			parameters: { credentialType: 'm365IntegrationAccountOAuth2Api', method: 'POST', url: `/teams/${channel.teamId}/channels/${channel.id}/messages`, body: JSON.stringify({ body: { content: 'limited' } }) } as never,
			credentials: { m365IntegrationAccountOAuth2Api: await integrationAccountCredentials(emulator) },
			inputItems: Array.from({ length: posts }, (_, n) => ({ n })),
		});
		expect(result.error).toBeUndefined();
		expect(emulator.state.channel(channel.teamId, channel.id)!.messages.length - before).toBe(posts);
		expect(throttled()).toEqual([]);
	});

	it('posts into one chat at its limit (1 request per second per app) with no 429 and every post delivered once', async () => {
		const chat = SEED_CHATS.projectFalcon;
		const before = emulator.state.chat(chat.id)!.messages.length;
		const posts = 3;
		const result = await runNode({
			nodeType: new GraphProbe(),
			parameters: { credentialType: 'm365IntegrationAccountOAuth2Api', method: 'POST', url: `/chats/${chat.id}/messages`, body: JSON.stringify({ body: { content: 'limited' } }) } as never,
			credentials: { m365IntegrationAccountOAuth2Api: await integrationAccountCredentials(emulator) },
			inputItems: Array.from({ length: posts }, (_, n) => ({ n })),
		});
		expect(result.error).toBeUndefined();
		expect(emulator.state.chat(chat.id)!.messages.length - before).toBe(posts);
		expect(throttled()).toEqual([]);
	});

	it('$batch reads of one mailbox hold at most 4 concurrency slots: parallel batches wait instead of drawing MailboxConcurrency 429s', async () => {
		const urls = Array.from({ length: 60 }, () => `/users/${SEED_USERS.adele.id}/messages?$top=1&$select=id`);
		const result = await runNode({
			nodeType: new GraphProbe(),
			parameters: { mode: 'batch', batchUrls: urls.join('\n') } as never,
			credentials: { m365TenantAppApi: tenantAppCredentialData(emulator) },
		});
		expect(result.error).toBeUndefined();
		expect((result.items[0] ?? []).map((item) => (item.json as IDataObject).status)).toEqual(Array(60).fill(200));
		expect(throttled()).toEqual([]);
		expect(emulator.requests.count({ host: 'graph', method: 'POST', route: 'POST /$batch' })).toBe(3);
	});
});

describe('limiter keys (Microsoft keys each limit its own way)', () => {
	it('keys posts by channel, team and tenant; chats by chat and tenant; member adds by team and chat; Outlook by mailbox; invitations and directory writes by tenant', () => {
		const limits = (method: string, url: string) => limitsOf(method, url).rates.map(({ key, limit, windowMs }) => `${key} ${limit}/${windowMs}`);
		expect(limits('POST', '/teams/T/channels/C/messages')).toEqual(['team:t 4/1000', 'channel:c 1/1000', 'channelPosts 50/1000']);
		expect(limits('POST', 'https://graph.microsoft.com/v1.0/teams/T/channels/C/messages/M/replies')).toEqual(['team:t 4/1000', 'channel:c 1/1000', 'channelPosts 50/1000']);
		expect(limits('GET', '/teams/T/channels/C/messages/delta')).toEqual(['team:t 4/1000', 'channel:c 1/1000']);
		expect(limits('POST', '/chats/X/messages')).toEqual(['chat:x 1/1000', 'chatPosts 20/1000']);
		expect(limits('GET', '/me/chats/X/messages')).toEqual(['chat:x 1/1000']);
		expect(limits('POST', '/users/U/chats/X/messages/M/softDelete')).toEqual(['chat:x 1/1000']);
		expect(limits('GET', '/users/U/chats/getAllMessages')).toEqual([]);
		expect(limits('POST', '/teams/T/members/add')).toEqual(['team:t 4/1000', 'teamMembers:t 4/60000']);
		expect(limits('POST', '/teams/T/members')).toEqual(['team:t 4/1000', 'teamMembers:t 4/60000']);
		expect(limits('DELETE', '/chats/X/members/M')).toEqual(['chat:x 1/1000', 'chatMembers:x 4/60000']);
		expect(limitsOf('GET', '/users/U/mailFolders/inbox/messages/delta').mailboxes).toEqual(new Map([['u', 1]]));
		expect(limitsOf('POST', '/invitations').rates.map((r) => r.key)).toEqual(['invitations', 'directoryWrites']);
		expect(limitsOf('PATCH', '/users/U').rates.map((r) => r.key)).toEqual(['directoryWrites']);
		expect(limitsOf('GET', '/users/U').rates).toEqual([]);
		const batch = limitsOfBatch(Array.from({ length: 6 }, () => ({ method: 'GET', url: '/users/U/messages' })));
		expect(batch.mailboxes.get('u')).toBe(4);
		expect(batch.rates).toEqual([{ key: 'mailboxRate:u', limit: 10_000, windowMs: 600_000, count: 6 }]);
	});

	it('spaces two posts into one chat by the window, and posts into different chats not at all (test clock)', async () => {
		let now = 0;
		const limiter = new Limiter(() => now);
		const post = (chat: string) => limiter.acquire(limitsOf('POST', `/chats/${chat}/messages`));
		const started: string[] = [];
		const releases = await Promise.all(['A', 'B', 'C'].map((chat) => post(chat).then((release) => (started.push(chat), release))));
		expect(started.sort()).toEqual(['A', 'B', 'C']); // three chats at once, the clock standing still
		releases.forEach((release) => release());
		const second = post('A').then((release) => (started.push('A again'), release()));
		await new Promise((resolve) => setImmediate(resolve));
		expect(started).toHaveLength(3);
		now = 1_021; // past the 1 s window and its margin, counted from the first post's answer
		await second;
		expect(started).toEqual(['A', 'B', 'C', 'A again']);
	});

	it('serves requests to one chat in the order they asked, even when a later one could fit first (test clock)', async () => {
		let now = 0;
		const limiter = new Limiter(() => now);
		const plan = () => limitsOf('POST', '/chats/A/messages');
		(await limiter.acquire(plan()))(); // answered at 0: the window has room again at 1,020
		const order: number[] = [];
		const releases = new Map<number, () => void>();
		const ask = (n: number) => limiter.acquire(plan()).then((release) => (order.push(n), releases.set(n, release)));
		const second = ask(2); // waits until 1,021 from now (0)
		now = 500;
		const third = ask(3); // its own wait ends sooner (521 from now), but it asked later
		now = 1_100;
		while (order.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
		expect(order).toEqual([2]);
		await second;
		releases.get(2)!();
		now = 2_200;
		await third;
		expect(order).toEqual([2, 3]);
		releases.get(3)!();
	});

	it('a request waiting for its chat holds up later requests to that chat only, not a post into another chat that shares just the tenant rate (test clock)', async () => {
		let now = 0;
		const limiter = new Limiter(() => now);
		const post = (chat: string) => limiter.acquire(limitsOf('POST', `/chats/${chat}/messages`));
		(await post('A'))(); // chat A is full until 1,020
		const started: string[] = [];
		const secondA = post('A').then((release) => (started.push('A2'), release));
		const thirdA = post('A').then((release) => (started.push('A3'), release));
		const firstB = post('B').then((release) => (started.push('B1'), release));
		(await firstB)(); // at 0: the tenant's 20 chat posts per second have room for A2 and B1 both
		expect(started).toEqual(['B1']);
		now = 1_100;
		(await secondA)();
		now = 2_200;
		(await thirdA)();
		expect(started).toEqual(['B1', 'A2', 'A3']);
	});

	it('a request waiting for a full mailbox holds up later requests to it, not to another mailbox (test clock)', async () => {
		const limiter = new Limiter(() => 0);
		const read = (mailbox: string) => limiter.acquire(limitsOf('GET', `/users/${mailbox}/messages`));
		const busy = await Promise.all([1, 2, 3, 4].map(() => read('m1'))); // m1's 4 concurrent requests
		const started: string[] = [];
		const fifth = read('m1').then((release) => (started.push('m1'), release));
		(await read('m2').then((release) => (started.push('m2'), release)))();
		expect(started).toEqual(['m2']);
		busy[0]();
		(await fifth)();
		expect(started).toEqual(['m2', 'm1']);
		busy.slice(1).forEach((release) => release());
	});

	it('admits at the limit and makes the next request wait for the window (test clock)', async () => {
		let now = 0;
		const limiter = new Limiter(() => now);
		const plan = limitsOf('GET', '/teams/T/members');
		for (let i = 0; i < 4; i++) (await limiter.acquire(plan))();
		let fifth = false;
		const waiting = limiter.acquire(plan).then((release) => {
			fifth = true;
			release();
		});
		await new Promise((resolve) => setImmediate(resolve));
		expect(fifth).toBe(false);
		now = 1_200; // past the 1 s window and its margin
		await waiting;
		expect(fifth).toBe(true);
	});
});
