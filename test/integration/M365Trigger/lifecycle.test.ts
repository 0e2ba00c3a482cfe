import type { IDataObject } from 'n8n-workflow';

import { SEED_APPS, type Emulator } from '../../emulator';
import { deliverMail } from '../../emulator/graph/mail';
import { activateWebhookTrigger } from '../../harness';
import { M365Trigger } from '../../../nodes/M365Trigger/M365Trigger.node';
import { activate, control, credentialsFor, emittedItems, liveSubscriptions, mailParameters, SALES, settled, startTenant, SUPPORT } from './setup';

describe('M365 Trigger (webhook): lifecycle notifications and restarts', () => {
	let emulator: Emulator;
	beforeEach(async () => {
		emulator = await startTenant();
	});
	afterEach(async () => {
		await emulator.close();
	});

	it('catches up through delta when Graph reports missed notifications', async () => {
		const trigger = await activate(emulator, mailParameters([SUPPORT]));
		try {
			const [subscription] = liveSubscriptions(emulator);
			expect(await control(emulator, `/subscriptions/${subscription.id}/drop`, { count: 2 })).toBe(204);
			deliverMail(emulator.state, { mailbox: SUPPORT, messages: [{ subject: 'Lost 1' }, { subject: 'Lost 2' }] });
			const items = await emittedItems(emulator, trigger);
			expect(items.map((i) => i.subject).sort()).toEqual(['Lost 1', 'Lost 2']);
			// Later notifications are not duplicated by the catch-up.
			deliverMail(emulator.state, { mailbox: SUPPORT, messages: [{ subject: 'After' }] });
			expect((await emittedItems(emulator, trigger)).map((i) => i.subject).sort()).toEqual(['After', 'Lost 1', 'Lost 2']);
		} finally {
			await settled(emulator);
			await trigger.deactivate();
		}
	});

	it('recreates a subscription Graph removed, and emits what arrived in between', async () => {
		const trigger = await activate(emulator, mailParameters([SUPPORT]));
		try {
			const [before] = liveSubscriptions(emulator);
			// Lost while the subscription is being removed (no `missed` yet: more drops are pending).
			await control(emulator, `/subscriptions/${before.id}/drop`, { count: 5 });
			deliverMail(emulator.state, { mailbox: SUPPORT, messages: [{ subject: 'In the gap' }] });
			expect(await control(emulator, `/subscriptions/${before.id}/lifecycle`, { lifecycleEvent: 'subscriptionRemoved' })).toBe(200);
			await settled(emulator);
			const [after] = liveSubscriptions(emulator);
			expect(after.id).not.toBe(before.id);
			expect(after.resource).toBe(before.resource);
			// Derived from the credential's secret, the notification URL and the target (never stored): the same.
			expect(after.clientState).toBe(before.clientState);
			expect((await emittedItems(emulator, trigger)).map((i) => i.subject)).toEqual(['In the gap']);
			deliverMail(emulator.state, { mailbox: SUPPORT, messages: [{ subject: 'Next' }] });
			expect((await emittedItems(emulator, trigger)).map((i) => i.subject)).toEqual(['In the gap', 'Next']);
		} finally {
			await settled(emulator);
			await trigger.deactivate();
		}
	});

	it('renews on reauthorizationRequired, and delivery resumes', async () => {
		const trigger = await activate(emulator, mailParameters([SUPPORT]));
		try {
			const [subscription] = liveSubscriptions(emulator);
			emulator.clock.advance(3 * 24 * 3600);
			const expiringAt = liveSubscriptions(emulator)[0].expirationDateTime;
			const patchesBefore = emulator.requests.count({ method: 'PATCH', status: 200 });
			await control(emulator, `/subscriptions/${subscription.id}/lifecycle`, { lifecycleEvent: 'reauthorizationRequired' });
			await settled(emulator);
			// One renewal (the token had expired with the clock move: the transport refreshed it and sent it again).
			expect(emulator.requests.count({ method: 'PATCH', status: 200 })).toBe(patchesBefore + 1);
			const [renewed] = liveSubscriptions(emulator);
			expect(renewed.id).toBe(subscription.id);
			expect(Date.parse(renewed.expirationDateTime)).toBeGreaterThan(Date.parse(expiringAt));
			deliverMail(emulator.state, { mailbox: SUPPORT, messages: [{ subject: 'Still here' }] });
			expect((await emittedItems(emulator, trigger)).map((i) => i.subject)).toEqual(['Still here']);
		} finally {
			await settled(emulator);
			await trigger.deactivate();
		}
	});

	it('after a restart, keeps one subscription per mailbox and emits the mail that arrived while n8n was down', async () => {
		// n8n does not run the delete hook when it stops: the first "process" ends without unsubscribing.
		const crashing = new M365Trigger();
		crashing.webhookMethods.default.delete = async () => true;
		const first = await activateWebhookTrigger({
			nodeType: crashing,
			parameters: mailParameters([SUPPORT]),
			credentials: credentialsFor(emulator) as never,
		});
		const staticData = structuredClone(first.staticData) as IDataObject;
		await first.deactivate();
		const [old] = liveSubscriptions(emulator);
		expect(old).toBeDefined();

		// Graph retries this notification while n8n is down (for up to 4 hours); the restarted trigger moves the
		// subscription to its own URL, which ends those retries (the mail comes through the catch-up).
		deliverMail(emulator.state, { mailbox: SUPPORT, messages: [{ subject: 'While down' }] });

		const second = await activate(emulator, mailParameters([SUPPORT]), { staticData, activation: 'init' });
		try {
			const live = liveSubscriptions(emulator);
			expect(live).toHaveLength(1);
			expect(live[0].notificationUrl).toBe(second.webhookUrl);
			deliverMail(emulator.state, { mailbox: SUPPORT, messages: [{ subject: 'After restart' }] });
			expect((await emittedItems(emulator, second)).map((i) => i.subject).sort()).toEqual(['After restart', 'While down']);
		} finally {
			await settled(emulator);
			await second.deactivate();
		}
		expect(liveSubscriptions(emulator)).toEqual([]);
	});

	it('when an admin takes the permission away, delivery pauses; once it is back, the reauthorization resumes it and catches up', async () => {
		const trigger = await activate(emulator, mailParameters([SUPPORT]));
		try {
			const [subscription] = liveSubscriptions(emulator);
			const mailRoles = ['Mail.Read', 'Mail.ReadBasic.All'];
			emulator.state.revokeAppRoles(SEED_APPS.main.appId, mailRoles);
			// Access tokens keep their roles until they expire: an hour later the app's new token has none.
			emulator.clock.advance(61 * 60);
			deliverMail(emulator.state, { mailbox: SUPPORT, messages: [{ subject: 'While revoked' }] });
			await settled(emulator);
			expect(await emittedItems(emulator, trigger)).toEqual([]);

			expect(emulator.requests.count({ method: 'PATCH', status: 403 })).toBeGreaterThanOrEqual(1);
			emulator.state.grantAppRoles(SEED_APPS.main.appId, mailRoles);
			// Graph asks again every 15 minutes; the token minted after the grant carries the role again.
			emulator.clock.advance(61 * 60);
			await settled(emulator);
			expect(liveSubscriptions(emulator).map((s) => s.id)).toEqual([subscription.id]);
			expect((await emittedItems(emulator, trigger)).map((i) => i.subject)).toEqual(['While revoked']);
			deliverMail(emulator.state, { mailbox: SUPPORT, messages: [{ subject: 'Resumed' }] });
			expect((await emittedItems(emulator, trigger)).map((i) => i.subject)).toEqual(['While revoked', 'Resumed']);
		} finally {
			await settled(emulator);
			await trigger.deactivate();
		}
	});

	it('takes back a subscription whose id static data lost (overlapping webhook calls), after asking Graph about it', async () => {
		const trigger = await activate(emulator, mailParameters([SUPPORT]));
		try {
			// As if another webhook call recreated the subscription and its save was overwritten: Graph knows an id the
			// node's static data does not.
			const [record] = liveSubscriptions(emulator);
			const lostId = '0f0e0d0c-0b0a-4908-8706-050403020100';
			delete emulator.state.data.subscriptions[record.id];
			emulator.state.data.subscriptions[lostId] = { ...record, id: lostId };
			deliverMail(emulator.state, { mailbox: SUPPORT, messages: [{ subject: 'To the lost id' }] });
			expect((await emittedItems(emulator, trigger)).map((i) => i.subject)).toEqual(['To the lost id']);
			expect(emulator.requests.count({ method: 'GET', path: `/v1.0/subscriptions/${lostId}`, status: 200 })).toBe(1);
			// From now on the id is known: no more lookups.
			deliverMail(emulator.state, { mailbox: SUPPORT, messages: [{ subject: 'Known again' }] });
			expect((await emittedItems(emulator, trigger)).map((i) => i.subject)).toEqual(['To the lost id', 'Known again']);
			expect(emulator.requests.count({ method: 'GET', path: `/v1.0/subscriptions/${lostId}` })).toBe(1);
		} finally {
			await settled(emulator);
			await trigger.deactivate();
		}
		expect(liveSubscriptions(emulator)).toEqual([]);
	});

	it('deactivation deletes the live subscription when static data names an earlier one, and no other app or node\'s', async () => {
		const trigger = await activate(emulator, mailParameters([SUPPORT]));
		const [live] = liveSubscriptions(emulator);
		// A webhook call of an earlier activation that ended after this activation saved its copy of static data:
		// it names a subscription the earlier deactivation deleted, not the live one.
		const stale = trigger.staticData;
		const production = (stale[Object.keys(stale).find((key) => key.startsWith('node:'))!] as IDataObject).production as { subscriptions: Record<string, { id: string }> };
		for (const stored of Object.values(production.subscriptions)) stored.id = '0a0b0c0d-0e0f-4a1b-8c2d-3e4f5a6b7c8d';
		trigger.saveStaticData(stale);
		expect(Object.values((trigger.nodeStaticData.production as typeof production).subscriptions).map((s) => s.id)).not.toContain(live.id);
		// Subscriptions the same app holds for other nodes (other URLs), more than one page of GET /subscriptions.
		const others = Array.from({ length: 30 }, (_, index) => {
			const id = `1a2b3c4d-0000-4000-8000-${String(index).padStart(12, '0')}`;
			emulator.state.data.subscriptions[id] = { ...live, id, notificationUrl: `https://elsewhere.example/webhook/${index}` };
			return id;
		});
		await trigger.deactivate();
		const left = liveSubscriptions(emulator).map((s) => s.id);
		expect(left).not.toContain(live.id);
		expect(left.sort()).toEqual([...others].sort());
		expect(emulator.requests.count({ method: 'GET', path: '/v1.0/subscriptions' })).toBeGreaterThanOrEqual(2);
	});

	it('an activation that fails part way leaves no subscription behind (n8n cleans up with the static data it had before)', async () => {
		// The second mailbox's subscription is refused: n8n removes the webhooks with the static data it loaded before
		// activation, which never heard of the first mailbox's subscription.
		emulator.faults.add({ kind: 'status', status: 400, code: 'InvalidRequest', method: 'POST', path: '/subscriptions', everyNth: 2, times: 1 });
		await expect(activate(emulator, mailParameters([SUPPORT, SALES]))).rejects.toThrow();
		expect(emulator.requests.count({ method: 'POST', path: '/v1.0/subscriptions', status: 201 })).toBe(1);
		expect(liveSubscriptions(emulator)).toEqual([]);
	});
});
