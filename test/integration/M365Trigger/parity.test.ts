// Each event through the webhook trigger, and the polling trigger giving the same output for the same changes.
import type { IDataObject } from 'n8n-workflow';

import { SEED_USERS, type Emulator } from '../../emulator';
import { deliverMail } from '../../emulator/graph/mail';
import {
	activate,
	control,
	emittedItems,
	liveSubscriptions,
	mailParameters,
	Poller,
	presenceParameters,
	settled,
	startTenant,
	SUPPORT,
} from './setup';

const ADELE = SEED_USERS.adele;
const ALEX = SEED_USERS.alex;

describe('M365 Trigger: presence and mail, webhook and polling', () => {
	let emulator: Emulator;
	beforeEach(async () => {
		emulator = await startTenant();
	});
	afterEach(async () => {
		await emulator.close();
	});

	it('watches presence with one subscription of object ids and emits the presence read from Graph', async () => {
		const trigger = await activate(emulator, presenceParameters([ADELE.upn, ALEX.id]));
		try {
			const [subscription] = liveSubscriptions(emulator);
			expect(subscription.resource).toBe(`/communications/presences?$filter=id in ('${ADELE.id}','${ALEX.id}')`);
			expect(subscription.changeType).toBe('updated');
			expect(subscription.lifecycleNotificationUrl).toBe(trigger.webhookUrl);
			expect(Date.parse(subscription.expirationDateTime) - emulator.clock.nowMs()).toBeGreaterThan(3 * 24 * 3_600_000 - 3_600_000);

			expect(await control(emulator, `/presence/${ADELE.id}`, { availability: 'Busy', activity: 'InACall' })).toBe(200);
			const items = await emittedItems(emulator, trigger);
			expect(items).toEqual([
				expect.objectContaining({
					id: ADELE.id,
					availability: 'Busy',
					activity: 'InACall',
					trigger: {
						event: 'presenceChanged',
						changeType: 'updated',
						userId: ADELE.id,
						dedupKey: expect.stringMatching(new RegExp(`^presence\\|Busy/InACall@.+\\|${ADELE.id}$`)),
					},
				}),
			]);
		} finally {
			await settled(emulator);
			await trigger.deactivate();
		}
	});

	it('polling gives the same mail and presence items as the webhook', async () => {
		const stripTrigger = (items: IDataObject[]) => items.map((item) => JSON.stringify(item));
		const mailWebhook = await activate(emulator, mailParameters([SUPPORT]));
		const presenceWebhook = await activate(emulator, presenceParameters([ADELE.id, ALEX.id]));
		try {
			const mailPoller = new Poller(emulator, mailParameters([SUPPORT]));
			const presencePoller = new Poller(emulator, presenceParameters([ADELE.id, ALEX.id]));
			expect(await mailPoller.poll()).toEqual([]);
			expect(await presencePoller.poll()).toEqual([]);

			deliverMail(emulator.state, {
				mailbox: SUPPORT,
				messages: [
					{ subject: 'One', from: 'a@fabrikam.com' },
					{ subject: 'Two', from: 'b@fabrikam.com' },
				],
			});
			await control(emulator, `/presence/${ALEX.id}`, { availability: 'Away', activity: 'Away' });
			await settled(emulator);

			const polledMail = await mailPoller.poll();
			const polledPresence = await presencePoller.poll();
			expect(polledMail.map((m) => m.subject).sort()).toEqual(['One', 'Two']);
			expect(stripTrigger(polledMail).sort()).toEqual(stripTrigger(await emittedItems(emulator, mailWebhook)).sort());
			// The same presence item apart from its key, which names when each activation recorded the earlier state.
			const withoutKey = (items: IDataObject[]) =>
				items.map((item) => ({ ...item, trigger: { ...(item.trigger as IDataObject), dedupKey: undefined } }));
			const webhookPresence = await emittedItems(emulator, presenceWebhook);
			expect(withoutKey(polledPresence)).toEqual(withoutKey(webhookPresence));
			expect(polledPresence).toHaveLength(1);
			// One deduplication key per change, the same from either mode (and any process): Remove Duplicates' value.
			expect(polledMail.map((m) => (m.trigger as IDataObject).dedupKey).sort()).toEqual(
				polledMail.map((m) => `mail:${SUPPORT.toLowerCase()}:inbox|created|${m.id as string}`).sort(),
			);
			for (const item of [...polledPresence, ...webhookPresence]) {
				expect((item.trigger as IDataObject).dedupKey).toMatch(new RegExp(`^presence\\|Away/Away@.+\\|${ALEX.id}$`));
			}

			// Nothing new: nothing emitted, nothing repeated.
			expect(await mailPoller.poll()).toEqual([]);
			expect(await presencePoller.poll()).toEqual([]);
		} finally {
			await settled(emulator);
			await mailWebhook.deactivate();
			await presenceWebhook.deactivate();
		}
	});

	it('"Fetch Test Event" on the polling trigger shows the newest existing item without placing a cursor', async () => {
		deliverMail(emulator.state, { mailbox: SUPPORT, messages: [{ subject: 'Sample for the editor' }] });
		const poller = new Poller(emulator, mailParameters([SUPPORT]));
		const sample = await poller.poll('manual');
		expect(sample).toHaveLength(1);
		expect(sample[0]).toMatchObject({ subject: expect.any(String), trigger: { event: 'newMail', mailbox: SUPPORT } });
		// The active workflow still starts from "now": its first poll emits nothing.
		expect(await poller.poll()).toEqual([]);
	});
});
