// Issue 15 item 2 / issue 13 rule 13: mail that shows up in a folder after the trigger's activation with a
// receivedDateTime before it (Exchange transport delay, inbox rules moving it). n8n's own trigger loses it; the
// mailbox trigger must emit it once, and still not emit what was already in the folder when it started.
import type { Emulator } from '../../emulator';
import { SEED_USERS } from '../../emulator';
import { deliverMail, invalidateDeltaTokens } from '../../emulator/graph/mail';
import { DELIVERY_DELAY_SECONDS } from '../../../nodes/M365OutlookMailboxTrigger/cursor';
import { jsonOf, mailboxParameters, Poller, startTenant } from './setup';

const LEE = SEED_USERS.lee.upn;
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

describe('M365 Outlook Mailbox Trigger: mail that becomes visible after it was received', () => {
	let emulator: Emulator;
	beforeEach(async () => {
		emulator = await startTenant();
	});
	afterEach(async () => {
		await emulator.close();
	});

	it('emits mail that appears after activation with a time before it, once, and not what was there before', async () => {
		const activation = emulator.clock.nowMs();
		deliverMail(emulator.state, {
			mailbox: LEE,
			messages: [
				{ subject: 'old, already there', receivedDateTime: iso(activation - 3 * 3_600_000) },
				{ subject: 'recent, already there', receivedDateTime: iso(activation - 120_000) },
			],
		});
		const poller = new Poller(emulator, mailboxParameters([LEE]));
		expect((await poller.poll()).items).toBeNull();

		emulator.clock.advance(30);
		// An inbox rule moved it here: received four minutes before the trigger started, visible only now.
		deliverMail(emulator.state, { mailbox: LEE, messages: [{ subject: 'moved by a rule', receivedDateTime: iso(activation - 240_000) }] });
		emulator.rules.set({ mailDeliveryDelay: 90 });
		deliverMail(emulator.state, { mailbox: LEE, messages: [{ subject: 'transport delay' }] });
		const emitted = jsonOf(await poller.poll()).map((item) => item.subject);
		expect(emitted).toEqual(['moved by a rule', 'transport delay']);
		expect((await poller.poll()).items).toBeNull();

		// Graph drops the sync state: the resync lists the window again and repeats nothing.
		invalidateDeltaTokens(emulator.state, LEE);
		emulator.clock.advance(30);
		deliverMail(emulator.state, { mailbox: LEE, messages: [{ subject: 'after resync' }] });
		expect(jsonOf(await poller.poll()).map((item) => item.subject)).toEqual(['after resync']);
		expect((await poller.poll()).items).toBeNull();
	});

	it('catches mail received up to the documented delivery-delay window before activation', async () => {
		const activation = emulator.clock.nowMs();
		const poller = new Poller(emulator, mailboxParameters([LEE]));
		expect((await poller.poll()).items).toBeNull();
		emulator.clock.advance(10);
		deliverMail(emulator.state, {
			mailbox: LEE,
			messages: [
				{ subject: 'inside the window', receivedDateTime: iso(activation - (DELIVERY_DELAY_SECONDS - 30) * 1000) },
			],
		});
		expect(jsonOf(await poller.poll()).map((item) => item.subject)).toEqual(['inside the window']);
	});

	it('a backfill whose start lies inside the window emits what arrived since that start, and late mail after', async () => {
		const activation = emulator.clock.nowMs();
		deliverMail(emulator.state, {
			mailbox: LEE,
			messages: [
				{ subject: 'before the backfill start', receivedDateTime: iso(activation - 300_000) },
				{ subject: 'after the backfill start', receivedDateTime: iso(activation - 60_000) },
			],
		});
		const poller = new Poller(emulator, mailboxParameters([LEE], { startFrom: 'date', backfillDate: iso(activation - 120_000) }));
		expect(jsonOf(await poller.poll()).map((item) => item.subject)).toEqual(['after the backfill start']);
		emulator.clock.advance(20);
		deliverMail(emulator.state, { mailbox: LEE, messages: [{ subject: 'late', receivedDateTime: iso(activation - 30_000) }] });
		expect(jsonOf(await poller.poll()).map((item) => item.subject)).toEqual(['late']);
	});
});
