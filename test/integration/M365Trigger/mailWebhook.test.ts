import type { Emulator } from '../../emulator';
import { deliverMail } from '../../emulator/graph/mail';
import { activate, emittedItems, liveSubscriptions, mailParameters, SALES, settled, startTenant, SUPPORT } from './setup';

describe('M365 Trigger (webhook): new mail', () => {
	let emulator: Emulator;
	beforeEach(async () => {
		emulator = await startTenant();
	});
	afterEach(async () => {
		await emulator.close();
	});

	it('subscribes each mailbox through the validation handshake, emits new mail fetched in full, and unsubscribes', async () => {
		const trigger = await activate(emulator, mailParameters([SUPPORT, SALES]));
		try {
			const subscriptions = liveSubscriptions(emulator);
			expect(subscriptions.map((s) => s.resource).sort()).toEqual([
				`/users/${SALES}/mailFolders('inbox')/messages`,
				`/users/${SUPPORT}/mailFolders('inbox')/messages`,
			]);
			for (const s of subscriptions) {
				expect(s.notificationUrl).toBe(trigger.webhookUrl);
				expect(s.lifecycleNotificationUrl).toBe(trigger.webhookUrl);
				expect(s.changeType).toBe('created');
				expect(s.clientState).toMatch(/^[A-Za-z0-9_-]{43}$/);
			}
			expect(new Set(subscriptions.map((s) => s.clientState)).size).toBe(2);
			// The handshake: a POST with validationToken answered 200 text/plain with the token.
			const handshakes = trigger.calls.filter((c) => typeof c.query.validationToken === 'string');
			expect(handshakes.length).toBeGreaterThanOrEqual(2);
			for (const call of handshakes) {
				expect(call.answer.statusCode).toBe(200);
				expect(call.answer.headers['content-type']).toMatch(/^text\/plain/);
				expect(call.answer.body).toBe(call.query.validationToken);
			}

			deliverMail(emulator.state, {
				mailbox: SUPPORT,
				messages: [{ subject: 'Printer on fire', from: 'kim@fabrikam.com', bodyText: 'Help!' }],
			});
			const items = await emittedItems(emulator, trigger);
			expect(items).toHaveLength(1);
			const [item] = items;
			expect(item).toMatchObject({
				subject: 'Printer on fire',
				body: { contentType: 'text', content: 'Help!' },
				from: { emailAddress: { address: 'kim@fabrikam.com' } },
				trigger: { event: 'newMail', changeType: 'created', mailbox: SUPPORT },
			});
			const notification = trigger.calls.find((c) => c.answer.statusCode === 202);
			expect(notification?.answer.body).toBe('');
		} finally {
			await settled(emulator);
			await trigger.deactivate();
		}
		expect(liveSubscriptions(emulator)).toEqual([]);
	});

	it("a test run (Listen for test event) subscribes its test URL apart and leaves the active workflow's subscriptions alone", async () => {
		const active = await activate(emulator, mailParameters([SUPPORT]));
		try {
			const [production] = liveSubscriptions(emulator);
			const test = await activate(emulator, mailParameters([SUPPORT]), { mode: 'manual', staticData: structuredClone(active.staticData) });
			expect(test.webhookUrl).toContain('/webhook-test/');
			const testSubscription = liveSubscriptions(emulator).find((s) => s.id !== production.id);
			expect(testSubscription?.notificationUrl).toBe(test.webhookUrl);

			deliverMail(emulator.state, { mailbox: SUPPORT, messages: [{ subject: 'Seen by both' }] });
			expect((await emittedItems(emulator, test)).map((i) => i.subject)).toEqual(['Seen by both']);
			expect((await emittedItems(emulator, active)).map((i) => i.subject)).toEqual(['Seen by both']);

			await settled(emulator);
			await test.deactivate();
			expect(liveSubscriptions(emulator).map((s) => s.id)).toEqual([production.id]);
		} finally {
			await settled(emulator);
			await active.deactivate();
		}
	});
});
