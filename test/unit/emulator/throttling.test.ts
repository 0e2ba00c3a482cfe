// Microsoft's throttling limits as the emulator keys them (test/emulator/throttling.ts), on a test clock.
import { createRules, type RuleValue } from '../../emulator/rules';
import { LIMITS, THROTTLING_RULES, Throttling } from '../../emulator/throttling';

function limits(values: Record<string, RuleValue> = {}) {
	let now = 1_000_000;
	const rules = createRules();
	const throttling = new Throttling(rules, (addressed) => addressed.replace('adele@contoso.com', 'adele-id'), () => now);
	rules.set(values);
	return { throttling, rules, advance: (ms: number) => (now += ms) };
}

const post = (channel: string, team = 'team-1') => ({ appId: 'app', method: 'POST', segments: ['teams', team, 'channels', channel, 'messages'], directory: false });

describe('emulator throttling limits', () => {
	it('1 request per second per app on one channel (any request on it); another channel, app or second is not affected', () => {
		const { throttling, advance } = limits();
		expect(throttling.rate(post('c1'))).toBeUndefined();
		expect(throttling.rate(post('c1'))).toMatchObject({ status: 429, code: 'TooManyRequests', retryAfterSeconds: 1, limit: 'teamsPosting' });
		expect(throttling.rate({ ...post('c1'), method: 'GET' })).toMatchObject({ status: 429 }); // any request on the channel
		expect(throttling.rate(post('c2'))).toBeUndefined(); // another channel of the same team
		expect(throttling.rate({ ...post('c1'), appId: 'other app' })).toBeUndefined();
		advance(1000);
		expect(throttling.rate(post('c1'))).toBeUndefined();
	});

	it('4 requests per second per app on one team, its channels included; another team is not affected', () => {
		const { throttling, advance } = limits();
		for (let i = 0; i < 4; i++) expect(throttling.rate(post(`c${i}`))).toBeUndefined();
		expect(throttling.rate(post('c9'))).toMatchObject({ status: 429, limit: 'teamsPosting' });
		expect(throttling.rate({ appId: 'app', method: 'GET', segments: ['teams', 'team-1', 'members'], directory: false })).toMatchObject({ status: 429 });
		expect(throttling.rate(post('c5', 'team-2'))).toBeUndefined();
		advance(1000);
		expect(throttling.rate(post('c9'))).toBeUndefined();
	});

	it('1 request per second per app on one chat, however the chat is addressed; another chat is not affected', () => {
		const { throttling, advance } = limits();
		const on = (segments: string[], method = 'GET') => throttling.rate({ appId: 'app', method, segments, directory: false });
		expect(on(['chats', '19:A@thread.v2', 'messages'], 'POST')).toBeUndefined();
		expect(on(['chats', '19:a@thread.v2'])).toMatchObject({ status: 429, retryAfterSeconds: 1, limit: 'teamsPosting' });
		expect(on(['me', 'chats', '19:a@thread.v2', 'messages'])).toMatchObject({ status: 429 });
		expect(on(['users', 'u1', 'chats', '19:a@thread.v2', 'messages', 'm1', 'softDelete'], 'POST')).toMatchObject({ status: 429 });
		expect(on(['chats', '19:b@thread.v2', 'messages'], 'POST')).toBeUndefined();
		expect(on(['users', 'u1', 'chats', 'getAllMessages'])).toBeUndefined(); // not one chat
		expect(on(['users', 'u1', 'chats'])).toBeUndefined();
		advance(1000);
		expect(on(['chats', '19:a@thread.v2', 'messages'])).toBeUndefined();
	});

	it('1 message post per second per signed-in user in one conversation, whatever the app; app-only posts (migration) are exempt', () => {
		const { throttling } = limits();
		const chatPost = (appId: string, userId?: string) => throttling.rate({ appId, method: 'POST', segments: ['chats', '19:a@thread.v2', 'messages'], userId, directory: false });
		expect(chatPost('app-1', 'megan')).toBeUndefined();
		expect(chatPost('app-2', 'megan')).toMatchObject({ status: 429, limit: 'teamsPosting' });
		expect(chatPost('app-3', 'adele')).toBeUndefined();
		expect(chatPost('app-4')).toBeUndefined();
		expect(chatPost('app-5')).toBeUndefined();
		const channelPost = (appId: string) => throttling.rate({ ...post('c1'), appId, userId: 'megan' });
		expect(channelPost('app-1')).toBeUndefined(); // another conversation
		expect(channelPost('app-2')).toMatchObject({ status: 429 });
	});

	it('team member adds (single and bulk) 4 per minute per app per team; chat member adds and removals 4 per minute per app per chat', () => {
		const { throttling, advance } = limits();
		const on = (method: string, segments: string[]) => throttling.rate({ appId: 'app', method, segments, directory: false });
		const teamAdds = [['teams', 'team-1', 'members'], ['teams', 'team-1', 'members', 'add']];
		for (let i = 0; i < 4; i++) {
			expect(on('POST', teamAdds[i % 2])).toBeUndefined();
			advance(1000);
		}
		expect(on('POST', teamAdds[0])).toMatchObject({ status: 429, limit: 'teamsPosting', retryAfterSeconds: 56 });
		expect(on('GET', ['teams', 'team-1', 'members'])).toBeUndefined(); // reads are not member writes
		expect(on('POST', ['teams', 'team-2', 'members', 'add'])).toBeUndefined();
		const chatWrites: Array<[string, string[]]> = [['POST', ['chats', 'x', 'members']], ['DELETE', ['chats', 'x', 'members', 'm1']]];
		for (let i = 0; i < 4; i++) {
			expect(on(...chatWrites[i % 2])).toBeUndefined();
			advance(1000);
		}
		expect(on(...chatWrites[0])).toMatchObject({ status: 429, retryAfterSeconds: 56 });
		advance(56_000);
		expect(on('POST', teamAdds[1])).toBeUndefined();
	});

	it('chat posts: 20 per second per app per tenant', () => {
		const { throttling } = limits();
		const chatPost = (chat: string) => ({ appId: 'app', method: 'POST', segments: ['chats', chat, 'messages'], directory: false });
		for (let i = 0; i < LIMITS.chatPostsPerTenant.limit; i++) expect(throttling.rate(chatPost(`chat-${i}`))).toBeUndefined();
		expect(throttling.rate(chatPost('chat-x'))).toMatchObject({ status: 429 });
	});

	it('channel posts: 50 per second per app per tenant; no daily cap per channel (no longer documented)', () => {
		const { throttling, advance } = limits();
		for (let i = 0; i < LIMITS.channelPostsPerTenant.limit; i++) expect(throttling.rate(post(`c${i}`, `team-${i}`))).toBeUndefined();
		expect(throttling.rate(post('c-x', 'team-x'))).toMatchObject({ status: 429 });
		for (let i = 0; i < 3_001; i++) {
			advance(1000);
			expect(throttling.rate(post('c1', 'team-1'))).toBeUndefined();
		}
	});

	it('invitations: 150 per 5 seconds per tenant, whatever the app; Retry-After until the window frees', () => {
		const { throttling, advance } = limits();
		const invite = (appId: string) => ({ appId, method: 'POST', segments: ['invitations'], directory: true });
		for (let i = 0; i < 150; i++) {
			expect(throttling.rate(invite(i % 2 ? 'a' : 'b'))).toBeUndefined();
			if (i === 0) advance(2000);
		}
		expect(throttling.rate(invite('c'))).toMatchObject({ limit: 'invitations', retryAfterSeconds: 3 });
		advance(3000);
		expect(throttling.rate(invite('c'))).toBeUndefined();
	});

	it('directory writes: 3,000 per 150 s per app per tenant; reads are not counted', () => {
		const { throttling } = limits({ invitations: false });
		const patch = { appId: 'app', method: 'PATCH', segments: ['users', 'u1'], directory: true };
		for (let i = 0; i < 3000; i++) expect(throttling.rate(patch)).toBeUndefined();
		expect(throttling.rate({ ...patch, method: 'GET' })).toBeUndefined();
		expect(throttling.rate(patch)).toMatchObject({ limit: 'directoryWrites', retryAfterSeconds: 150 });
		expect(throttling.rate({ ...patch, appId: 'another app' })).toBeUndefined();
	});

	it('Outlook: 4 concurrent requests per app per mailbox, however the mailbox is addressed', () => {
		const { throttling } = limits();
		expect(throttling.takeMailboxSlots('app', 'adele-id', 3)).toBe(3);
		expect(throttling.takeMailboxSlots('app', 'adele@contoso.com', 4)).toBe(1);
		expect(throttling.takeMailboxSlots('app', 'adele-id', 1)).toBe(0);
		expect(throttling.takeMailboxSlots('app', 'alex-id', 4)).toBe(4);
		expect(throttling.takeMailboxSlots('other app', 'adele-id', 1)).toBe(1);
		throttling.releaseMailboxSlots('app', 'adele-id', 2);
		expect(throttling.takeMailboxSlots('app', 'adele-id', 4)).toBe(2);
	});

	it('counts the most Outlook slots held at once per app and mailbox, and how many mailboxes were busy together', () => {
		const { throttling } = limits();
		throttling.takeMailboxSlots('app', 'adele@contoso.com', 2);
		throttling.takeMailboxSlots('app', 'alex-id', 1);
		throttling.takeMailboxSlots('app', 'adele-id', 5); // two granted: 4 at once
		throttling.releaseMailboxSlots('app', 'adele-id', 4);
		throttling.releaseMailboxSlots('app', 'alex-id', 1);
		throttling.takeMailboxSlots('other app', 'megan-id', 1);
		expect(throttling.concurrencyPeaks()).toEqual({ perMailbox: { 'app:adele-id': 4, 'app:alex-id': 1, 'other app:megan-id': 1 }, mailboxesAtOnce: 2 });
		throttling.resetPeaks();
		expect(throttling.concurrencyPeaks()).toEqual({ perMailbox: {}, mailboxesAtOnce: 0 });
		throttling.takeMailboxSlots('app', 'alex-id', 1);
		expect(throttling.concurrencyPeaks()).toEqual({ perMailbox: { 'app:alex-id': 1 }, mailboxesAtOnce: 2 });
	});

	it('each limit is a rule of the emulator, on by default, that takes only true or false', () => {
		const { throttling, rules } = limits({ teamsPosting: false, mailboxConcurrency: false });
		expect(Object.keys(rules.list()).sort()).toEqual(THROTTLING_RULES.map((rule) => rule.name).sort());
		expect(rules.enabled('invitations')).toBe(true);
		expect(() => rules.set({ invitations: 'off', mailboxRate: false })).toThrow('Emulator rule "invitations" takes true or false (got "off")');
		expect(rules.enabled('mailboxRate')).toBe(true); // nothing was set
		for (let i = 0; i < 10; i++) expect(throttling.rate(post('c1'))).toBeUndefined();
		expect(throttling.takeMailboxSlots('app', 'adele-id', 10)).toBe(10);
		rules.set({ teamsPosting: true });
		throttling.rate(post('c9', 'team-9'));
		expect(throttling.rate(post('c9', 'team-9'))).toBeDefined();
	});
});
