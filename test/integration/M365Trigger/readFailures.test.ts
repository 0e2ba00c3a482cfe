// Graph delivers a change notification once it is answered 202, and the trigger answers before it reads the
// changed resource (Graph wants the answer within 3 seconds). A read that fails after that answer (a 500, a
// throttling retry budget spent, a connection lost) has no second delivery to wait for: the trigger itself must
// read the change back, or the mail is lost for good. Polling mode likewise must not move its cursor past a
// change it could not read.
import type { Emulator } from '../../emulator';
import { deliverMail } from '../../emulator/graph/mail';
import { activate, allItems, DAILY, mailParameters, Poller, settled, startTenant, SUPPORT } from './setup';

const MESSAGE_READ = /\/messages\/(?!delta\b)[^/]+$/;

/** The next `times` reads of one message (not the delta listings) fail with a 500, which Graph does not ask to retry. */
function failMessageReads(emulator: Emulator, times: number): void {
	emulator.faults.add({ kind: 'status', status: 500, method: 'GET', path: MESSAGE_READ, times });
}

describe('M365 Trigger: a changed resource that could not be read is not lost', () => {
	let emulator: Emulator;
	beforeEach(async () => {
		emulator = await startTenant();
	});
	afterEach(async () => {
		await emulator.close();
	});

	it('webhook: a mail whose read failed after the 202 is read back in the same call, once', async () => {
		const trigger = await activate(emulator, mailParameters([SUPPORT]));
		try {
			failMessageReads(emulator, 1);
			deliverMail(emulator.state, { mailbox: SUPPORT, messages: [{ subject: 'Read failed' }] });
			await settled(emulator);
			expect(emulator.faults.list()).toEqual([]);
			expect(allItems(trigger).map((item) => item.subject)).toEqual(['Read failed']);

			deliverMail(emulator.state, { mailbox: SUPPORT, messages: [{ subject: 'Next mail' }] });
			await settled(emulator);
			expect(allItems(trigger).map((item) => item.subject)).toEqual(['Read failed', 'Next mail']);
		} finally {
			await settled(emulator);
			await trigger.deactivate();
		}
	});

	it('webhook: when the read back fails too, the next notification of the target reads it back, once', async () => {
		const trigger = await activate(emulator, mailParameters([SUPPORT]));
		try {
			// The notification's read and the same call's read back both fail: Graph will not send it again.
			failMessageReads(emulator, 2);
			deliverMail(emulator.state, { mailbox: SUPPORT, messages: [{ subject: 'Read failed twice' }] });
			await settled(emulator);
			expect(emulator.faults.list()).toEqual([]);
			expect(allItems(trigger)).toEqual([]);
			expect(Object.values(trigger.staticData)).toMatchObject([{ production: { cursors: { [`mail:${SUPPORT.toLowerCase()}:inbox`]: { catchUpPending: true } } } }]);

			deliverMail(emulator.state, { mailbox: SUPPORT, messages: [{ subject: 'Next mail' }] });
			await settled(emulator);
			expect(allItems(trigger).map((item) => item.subject).sort()).toEqual(['Next mail', 'Read failed twice']);

			// Read back once: later notifications bring neither again.
			deliverMail(emulator.state, { mailbox: SUPPORT, messages: [{ subject: 'Third mail' }] });
			await settled(emulator);
			expect(allItems(trigger).map((item) => item.subject).sort()).toEqual(['Next mail', 'Read failed twice', 'Third mail']);
		} finally {
			await settled(emulator);
			await trigger.deactivate();
		}
	});

	it('polling: a poll whose read of a new mail failed keeps its cursor, so the next poll emits the mail, once', async () => {
		const poller = new Poller(emulator, { ...mailParameters([SUPPORT]), pollTimes: DAILY });
		expect(await poller.poll()).toEqual([]);
		failMessageReads(emulator, 1);
		deliverMail(emulator.state, { mailbox: SUPPORT, messages: [{ subject: 'Read failed' }] });
		expect(await poller.poll()).toEqual([]);
		expect(emulator.faults.list()).toEqual([]);
		expect((await poller.poll()).map((item) => item.subject)).toEqual(['Read failed']);
		expect(await poller.poll()).toEqual([]);
	});
});
