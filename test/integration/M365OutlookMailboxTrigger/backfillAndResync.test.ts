import type { Emulator } from '../../emulator';
import { deliverMail, invalidateDeltaTokens } from '../../emulator/graph/mail';
import { SEED_USERS } from '../../emulator';
import { jsonOf, mailboxParameters, Poller, startTenant, SUPPORT } from './setup';

/** A mailbox the seed leaves empty, so backfill windows hold only what a test delivers. */
const LEE = SEED_USERS.lee.upn;

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

describe('M365 Outlook Mailbox Trigger: backfill and delta token expiry', () => {
	let emulator: Emulator;
	beforeEach(async () => {
		emulator = await startTenant();
	});
	afterEach(async () => {
		await emulator.close();
	});

	it('backfills from a date oldest first in bounded batches across polls, then follows new mail without repeats', async () => {
		const now = emulator.clock.nowMs();
		const old = Array.from({ length: 23 }, (_, i) => ({
			subject: `old ${String(i).padStart(2, '0')}`,
			// Three messages share each second: the batch boundary falls inside such a second.
			receivedDateTime: iso(now - 2 * 86_400_000 + Math.floor(i / 3) * 1000),
		}));
		deliverMail(emulator.state, { mailbox: LEE, messages: [...old].reverse() });
		const poller = new Poller(
			emulator,
			mailboxParameters([LEE], { startFrom: 'date', backfillDate: iso(now - 3 * 86_400_000), maxItemsPerPoll: 10 }),
		);
		const batches: Array<Array<{ subject: string; received: string }>> = [];
		for (let i = 0; i < 4; i++) {
			batches.push(jsonOf(await poller.poll()).map((item) => ({ subject: item.subject as string, received: item.receivedDateTime as string })));
		}
		expect(batches.map((batch) => batch.length)).toEqual([10, 10, 3, 0]);
		const emitted = batches.flat();
		// Oldest first (messages of one second in any order), each exactly once.
		expect(emitted.map((entry) => entry.received)).toEqual([...emitted.map((entry) => entry.received)].sort());
		expect(emitted.map((entry) => entry.subject).sort()).toEqual(old.map((message) => message.subject));
		emulator.clock.advance(60);
		deliverMail(emulator.state, { mailbox: LEE, messages: [{ subject: 'new after backfill' }] });
		expect(jsonOf(await poller.poll()).map((item) => item.subject)).toEqual(['new after backfill']);
		expect((await poller.poll()).items).toBeNull();
	});

	it('backfills a number of days: older mail stays out', async () => {
		const now = emulator.clock.nowMs();
		deliverMail(emulator.state, {
			mailbox: LEE,
			messages: [
				{ subject: 'ten days ago', receivedDateTime: iso(now - 10 * 86_400_000) },
				{ subject: 'two days ago', receivedDateTime: iso(now - 2 * 86_400_000) },
				{ subject: 'an hour ago', receivedDateTime: iso(now - 3_600_000) },
			],
		});
		const poller = new Poller(emulator, mailboxParameters([LEE], { startFrom: 'days', backfillDays: 3 }));
		const subjects = jsonOf(await poller.poll()).map((item) => item.subject);
		expect(subjects).toEqual(['two days ago', 'an hour ago']);
		expect((await poller.poll()).items).toBeNull();
	});

	it('resynchronises after Graph dropped the delta sync state (410 SyncStateNotFound) without loss or repeats', async () => {
		const poller = new Poller(emulator, mailboxParameters([SUPPORT]));
		expect((await poller.poll()).error).toBeUndefined();
		emulator.clock.advance(60);
		deliverMail(emulator.state, { mailbox: SUPPORT, count: 3, subjectPrefix: 'before' });
		expect(jsonOf(await poller.poll())).toHaveLength(3);

		expect(invalidateDeltaTokens(emulator.state, SUPPORT)).toBeGreaterThan(0);
		emulator.clock.advance(60);
		deliverMail(emulator.state, { mailbox: SUPPORT, count: 2, subjectPrefix: 'after' });
		const afterExpiry = await poller.poll();
		expect(jsonOf(afterExpiry).map((item) => item.subject).sort()).toEqual(['after 1', 'after 2']);
		expect(emulator.requests.count({ host: 'graph', status: 410 })).toBeGreaterThan(0);
		expect((await poller.poll()).items).toBeNull();
	});

	it('recovers when n8n restarts with an older cursor whose sync state generation Graph no longer keeps', async () => {
		const poller = new Poller(emulator, mailboxParameters([SUPPORT]));
		expect((await poller.poll()).error).toBeUndefined();
		emulator.clock.advance(60);
		deliverMail(emulator.state, { mailbox: SUPPORT, count: 2, subjectPrefix: 'first' });
		expect(jsonOf(await poller.poll())).toHaveLength(2);
		const savedBeforeRestart = structuredClone(poller.staticData);
		// More polls advance the sync state several generations; then n8n restarts from the saved static data.
		for (let i = 0; i < 5; i++) expect((await poller.poll()).items).toBeNull();
		emulator.clock.advance(60);
		deliverMail(emulator.state, { mailbox: SUPPORT, count: 2, subjectPrefix: 'second' });
		poller.staticData = savedBeforeRestart;
		expect(jsonOf(await poller.poll()).map((item) => item.subject).sort()).toEqual(['second 1', 'second 2']);
		expect((await poller.poll()).items).toBeNull();
	});
});
