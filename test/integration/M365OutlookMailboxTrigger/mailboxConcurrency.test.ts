// Outlook's limit is 4 concurrent requests per app per mailbox, not per app: the trigger reads many mailboxes at
// once ($batch calls over different mailboxes in flight together) and keeps each mailbox within 4. Counted by the
// emulator as requests arrive and are answered (its concurrency peaks and request log), never timed.
import type { Emulator } from '../../emulator';
import { deliverMail } from '../../emulator/graph/mail';
import { extraMailboxes, jsonOf, mailboxParameters, Poller, startTenant } from './setup';

const BATCHES = { host: 'graph' as const, method: 'POST', path: '/v1.0/$batch', batch: false };

async function until(condition: () => boolean): Promise<void> {
	while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('M365 Outlook Mailbox Trigger: concurrency per mailbox', () => {
	let emulator: Emulator;
	beforeAll(async () => {
		emulator = await startTenant({ extraUsers: 300 });
	});
	afterAll(async () => {
		await emulator.close();
	});

	it('has the $batch calls of 200 mailboxes in flight at once, one request on each mailbox', async () => {
		const mailboxes = extraMailboxes(emulator, 200);
		expect(mailboxes).toHaveLength(200);
		const poller = new Poller(emulator, mailboxParameters(mailboxes));
		expect((await poller.poll()).error).toBeUndefined();

		emulator.requests.reset();
		emulator.mailboxConcurrency.reset();
		// Every $batch waits in Graph until released: the poll must send all ten before any is answered.
		const hold = emulator.faults.add({ kind: 'hold', method: 'POST', path: '/$batch', subRequests: false });
		const run = poller.poll();
		await until(() => (emulator.faults.held()[hold] ?? 0) >= 10);
		const peaks = emulator.mailboxConcurrency.peaks();
		emulator.faults.remove(hold);
		const idle = await run;
		expect(idle.error).toBeUndefined();
		expect(idle.items).toBeNull();
		expect(emulator.requests.count(BATCHES)).toBe(10);
		expect(emulator.requests.peakInFlight(BATCHES)).toBe(10);
		expect(peaks.mailboxesAtOnce).toBe(200);
		expect(Math.max(...Object.values(peaks.perMailbox))).toBe(1);
		expect(emulator.requests.count({ host: 'graph', status: 429 })).toBe(0);
	});

	it('reads six folders of each of 20 mailboxes with at most 4 requests on a mailbox, each message once, no 429', async () => {
		const folders = ['inbox', 'archive', 'deleteditems', 'drafts', 'junkemail', 'sentitems'];
		const mailboxes = extraMailboxes(emulator, 220).slice(200);
		const poller = new Poller(emulator, mailboxParameters(mailboxes, { folders, maxItemsPerPoll: 5000 }));
		expect((await poller.poll()).error).toBeUndefined();

		emulator.clock.advance(60);
		const delivered = new Set<string>();
		for (const mailbox of mailboxes) {
			for (const folder of folders) {
				for (const message of deliverMail(emulator.state, { mailbox, folder, count: 5, subjectPrefix: `${folder} mail` })) delivered.add(message.id);
			}
		}
		emulator.requests.reset();
		emulator.mailboxConcurrency.reset();
		const items = jsonOf(await poller.poll());
		expect(items).toHaveLength(delivered.size);
		expect(new Set(items.map((item) => item.id))).toEqual(delivered);

		// 120 folders: six $batch calls, a mailbox's six folders in one or two of them. A $batch holding five or six
		// reads of one mailbox takes all its 4 slots (Graph runs 4 of a batch's sub-requests at a time), so a second
		// one reading the same mailbox waits for it in the transport rather than drawing a 429.
		const peaks = emulator.mailboxConcurrency.peaks();
		expect(Object.keys(peaks.perMailbox)).toHaveLength(20);
		expect(Math.max(...Object.values(peaks.perMailbox))).toBe(4);
		expect(emulator.requests.count({ host: 'graph', status: 429 })).toBe(0);
		expect(emulator.requests.count(BATCHES)).toBe(6);
	});
});
