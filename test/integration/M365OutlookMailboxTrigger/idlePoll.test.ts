import type { Emulator } from '../../emulator';
import { deliverMail } from '../../emulator/graph/mail';
import { extraMailboxes, jsonOf, mailboxParameters, Poller, startTenant } from './setup';

describe('M365 Outlook Mailbox Trigger: request economy', () => {
	let emulator: Emulator;
	beforeAll(async () => {
		emulator = await startTenant({ extraUsers: 70 });
	});
	afterAll(async () => {
		await emulator.close();
	});

	it('polls 50 idle mailboxes in 3 Graph requests (delta calls 20 per $batch), and 50 busy ones in as few', async () => {
		const mailboxes = extraMailboxes(emulator, 50);
		const poller = new Poller(emulator, mailboxParameters(mailboxes, { maxItemsPerPoll: 2000 }));
		expect((await poller.poll()).error).toBeUndefined();

		emulator.requests.reset();
		const idle = await poller.poll();
		expect(idle.error).toBeUndefined();
		expect(idle.items).toBeNull();
		expect(emulator.requests.count({ host: 'graph', batch: false })).toBe(3);
		expect(emulator.requests.count({ host: 'graph', batch: true, route: 'GET /users/:userId/mailFolders/:folderId/messages/delta' })).toBe(50);

		emulator.clock.advance(60);
		for (const mailbox of mailboxes) deliverMail(emulator.state, { mailbox, count: 20 });
		emulator.requests.reset();
		expect(jsonOf(await poller.poll())).toHaveLength(1000);
		expect(emulator.requests.count({ host: 'graph', batch: false })).toBe(3);
	});
});
