/**
 * The transport's client-side limiter against the emulator's throttling limits (both on, as by default): a job runs
 * at Microsoft's limit without collecting 429s. Counted from the emulator's request log, never timed.
 */
import type { IDataObject } from 'n8n-workflow';

import { clearTenantAppTokenCache } from '../../../nodes/shared/auth/tenantAppToken';
import { limitsOf, limitsOfBatch, Limiter } from '../../../nodes/shared/transport/limiter';
import { SEED_CHANNELS, SEED_USERS, startEmulator, type Emulator } from '../../emulator';
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
	it('posts into one channel at its limit (4 per second per app) with no 429 and every post delivered once', async () => {
		const channel = SEED_CHANNELS.salesGeneral;
		const before = emulator.state.channel(channel.teamId, channel.id)!.messages.length;
		const posts = 10;
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
	it('keys posts by channel, team and tenant; chats by tenant; Outlook by mailbox; invitations and directory writes by tenant', () => {
		expect(limitsOf('POST', '/teams/T/channels/C/messages').rates.map((r) => r.key)).toEqual(['team:t', 'channel:c', 'channelPosts']);
		expect(limitsOf('POST', 'https://graph.microsoft.com/v1.0/teams/T/channels/C/messages/M/replies').rates.map((r) => r.key)).toEqual(['team:t', 'channel:c', 'channelPosts']);
		expect(limitsOf('POST', '/chats/X/messages').rates.map((r) => r.key)).toEqual(['chatPosts']);
		expect(limitsOf('GET', '/users/U/mailFolders/inbox/messages/delta').mailboxes).toEqual(new Map([['u', 1]]));
		expect(limitsOf('POST', '/invitations').rates.map((r) => r.key)).toEqual(['invitations', 'directoryWrites']);
		expect(limitsOf('PATCH', '/users/U').rates.map((r) => r.key)).toEqual(['directoryWrites']);
		expect(limitsOf('GET', '/users/U').rates).toEqual([]);
		const batch = limitsOfBatch(Array.from({ length: 6 }, () => ({ method: 'GET', url: '/users/U/messages' })));
		expect(batch.mailboxes.get('u')).toBe(4);
		expect(batch.rates).toEqual([{ key: 'mailboxRate:u', limit: 10_000, windowMs: 600_000, count: 6 }]);
	});

	it('admits at the limit and makes the next request wait for the window (test clock)', async () => {
		let now = 0;
		const limiter = new Limiter(() => now);
		const plan = limitsOf('POST', '/teams/T/channels/C/messages');
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
