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
	it('4 requests per second per app on one channel, and on one team; another team is not affected', () => {
		const { throttling, advance } = limits();
		for (let i = 0; i < 4; i++) expect(throttling.rate(post('c1'))).toBeUndefined();
		expect(throttling.rate(post('c1'))).toMatchObject({ status: 429, code: 'TooManyRequests', retryAfterSeconds: 1, limit: 'teamsPosting' });
		expect(throttling.rate(post('c2'))).toBeDefined(); // same team
		expect(throttling.rate(post('c3', 'team-2'))).toBeUndefined();
		expect(throttling.rate({ ...post('c1'), appId: 'other app' })).toBeUndefined();
		advance(1000);
		expect(throttling.rate(post('c1'))).toBeUndefined();
	});

	it('chat posts: 20 per second per app per tenant', () => {
		const { throttling } = limits();
		const chatPost = (chat: string) => ({ appId: 'app', method: 'POST', segments: ['chats', chat, 'messages'], directory: false });
		for (let i = 0; i < LIMITS.chatPostsPerTenant.limit; i++) expect(throttling.rate(chatPost(`chat-${i}`))).toBeUndefined();
		expect(throttling.rate(chatPost('chat-x'))).toMatchObject({ status: 429 });
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
		for (let i = 0; i < 4; i++) throttling.rate(post('c9', 'team-9'));
		expect(throttling.rate(post('c9', 'team-9'))).toBeDefined();
	});
});
