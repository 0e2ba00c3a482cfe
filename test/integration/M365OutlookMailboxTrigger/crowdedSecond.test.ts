// Issue 15, item 1: more than 1,000 messages sharing one receivedDateTime second (a PST import, a migration, a
// mail storm). Graph lists at most 1,000 messages a page ($top), so a backfill cannot take such a second in one
// page; the trigger must page within the second and never step past a message it has not seen.
import type { Emulator } from '../../emulator';
import { SEED_USERS } from '../../emulator';
import { deliverMail } from '../../emulator/graph/mail';
import { jsonOf, mailboxParameters, Poller, startTenant } from './setup';

/** A mailbox the seed leaves empty, so the backfill window holds only what the test delivers. */
const LEE = SEED_USERS.lee.upn;
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

async function drain(poller: Poller, limit: number, between?: (emittedSoFar: string[]) => void): Promise<string[]> {
	const subjects: string[] = [];
	for (let round = 0; round < limit; round++) {
		const result = await poller.poll();
		if (result.error) throw result.error;
		if (result.items === null) return subjects;
		subjects.push(...jsonOf(result).map((item) => item.subject as string));
		between?.(subjects);
	}
	throw new Error(`still emitting after ${limit} polls`);
}

describe('M365 Outlook Mailbox Trigger: more than 1,000 messages in one second', () => {
	let emulator: Emulator;
	beforeEach(async () => {
		emulator = await startTenant();
	});
	afterEach(async () => {
		await emulator.close();
	});

	function deliverStorm(count: number): { second: string; subjects: string[] } {
		const base = emulator.clock.nowMs() - 2 * 86_400_000;
		const second = iso(base);
		const messages = [
			...Array.from({ length: 5 }, (_, i) => ({ subject: `before ${i}`, receivedDateTime: iso(base - 60_000) })),
			...Array.from({ length: count }, (_, i) => ({ subject: `storm ${String(i).padStart(5, '0')}`, receivedDateTime: second })),
			...Array.from({ length: 5 }, (_, i) => ({ subject: `after ${i}`, receivedDateTime: iso(base + 60_000) })),
		];
		deliverMail(emulator.state, { mailbox: LEE, messages });
		return { second, subjects: messages.map((message) => message.subject) };
	}

	it('backfills 2,500 messages of one second exactly once, in pages within the second', async () => {
		const { subjects } = deliverStorm(2_500);
		const poller = new Poller(
			emulator,
			mailboxParameters([LEE], { startFrom: 'days', backfillDays: 3, maxItemsPerPoll: 1000 }),
		);
		const emitted = await drain(poller, 40);
		expect(emitted).toHaveLength(subjects.length);
		expect(new Set(emitted).size).toBe(subjects.length);
		expect([...emitted].sort()).toEqual([...subjects].sort());
		// Oldest first: the earlier second before the storm, the later one after it.
		expect(emitted.slice(0, 5).every((subject) => subject.startsWith('before'))).toBe(true);
		expect(emitted.slice(-5).every((subject) => subject.startsWith('after'))).toBe(true);
		// New mail still follows once the backfill is done.
		emulator.clock.advance(60);
		deliverMail(emulator.state, { mailbox: LEE, messages: [{ subject: 'new' }] });
		expect(jsonOf(await poller.poll()).map((item) => item.subject)).toEqual(['new']);
	});

	it('loses nothing when emitted messages of that second are moved away while the trigger pages through it', async () => {
		const { subjects } = deliverStorm(1_800);
		const poller = new Poller(
			emulator,
			mailboxParameters([LEE], { startFrom: 'days', backfillDays: 3, maxItemsPerPoll: 300 }),
		);
		const owner = emulator.state.user(LEE)!.user.id;
		const emitted = await drain(poller, 60, (emittedSoFar) => {
			// The workflow files every message it received into another folder (here: deletes it from the inbox).
			const done = new Set(emittedSoFar);
			for (const message of [...(emulator.state.mailbox(owner)?.messages ?? [])]) {
				if (done.has(message.subject ?? '')) emulator.state.deleteMailMessage(owner, message.id);
			}
		});
		expect(new Set(emitted).size).toBe(emitted.length);
		expect([...emitted].sort()).toEqual([...subjects].sort());
	});
});
