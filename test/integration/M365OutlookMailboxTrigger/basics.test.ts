import type { Emulator } from '../../emulator';
import { deliverMail } from '../../emulator/graph/mail';
import { jsonOf, mailboxParameters, Poller, SALES, startTenant, SUPPORT } from './setup';

describe('M365 Outlook Mailbox Trigger: multiple mailboxes, shared mailboxes, folders', () => {
	let emulator: Emulator;
	beforeAll(async () => {
		emulator = await startTenant();
	});
	afterAll(async () => {
		await emulator.close();
	});

	it('starts from now, then emits new mail of two shared mailboxes once, oldest first, with the mailbox on every item', async () => {
		const poller = new Poller(emulator, mailboxParameters([SUPPORT, SALES]));
		const first = await poller.poll();
		expect(first.error?.description ?? first.error).toBeUndefined();
		expect(first.items).toBeNull();

		deliverMail(emulator.state, { mailbox: SUPPORT, messages: [{ subject: 'Printer on fire', receivedDateTime: '2030-01-01T10:00:01Z' }] });
		deliverMail(emulator.state, { mailbox: SALES, messages: [{ subject: 'Quote please', receivedDateTime: '2030-01-01T10:00:00Z' }] });
		const second = jsonOf(await poller.poll());
		expect(second.map((item) => [item.subject, item.mailbox, item.folder])).toEqual([
			['Quote please', SALES, 'inbox'],
			['Printer on fire', SUPPORT, 'inbox'],
		]);

		const third = await poller.poll();
		expect(third.error).toBeUndefined();
		expect(third.items).toBeNull();
	});
});
