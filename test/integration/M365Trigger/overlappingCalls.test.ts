// n8n gives every webhook call its own copy of the static data (read when the call arrives, saved whole when it
// ends; the harness does the same). Graph sends the same notification again after a slow answer and sometimes
// twice at once: overlapping calls must still emit each change once, and whatever copy is saved last must still
// hold every emitted id.
import type { IDataObject } from 'n8n-workflow';

import type { Emulator } from '../../emulator';
import { deliverMail } from '../../emulator/graph/mail';
import { subscriptionRuntime } from '../../emulator/graph/subscriptions';
import { activate, allItems, control, mailParameters, settled, startTenant, SUPPORT } from './setup';
import { storedIdOf } from '../../../nodes/M365Trigger/staticData';

async function post(url: string, body: unknown): Promise<number> {
	const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
	await response.arrayBuffer();
	return response.status;
}

/** The change notifications Graph gave up on (the lifecycle "missed" events it sends after them left out). */
function failedChangeNotifications(emulator: Emulator): unknown[] {
	return subscriptionRuntime(emulator)
		.log.filter((entry) => entry.status === 503)
		.map((entry) => entry.body as { value: Array<{ changeType?: string }> })
		.filter((body) => body.value.every((notification) => notification.changeType !== undefined));
}

describe('M365 Trigger (webhook): overlapping calls for the same change', () => {
	let emulator: Emulator;
	beforeEach(async () => {
		emulator = await startTenant();
	});
	afterEach(async () => {
		await emulator.close();
	});

	it('emits each new mail once when its notification arrives three times at once, and again later', async () => {
		const trigger = await activate(emulator, mailParameters([SUPPORT]));
		try {
			// Graph's own deliveries fail (every attempt), so the copies below are the first the trigger sees.
			expect(await control(emulator, '/subscriptions/deliveries/fail', { count: 1000 })).toBe(204);
			const mails = deliverMail(emulator.state, { mailbox: SUPPORT, count: 3, subjectPrefix: 'Overlap' });
			await settled(emulator);
			expect(await control(emulator, '/subscriptions/deliveries/fail', { count: 0 })).toBe(204);
			const bodies = failedChangeNotifications(emulator);
			expect(bodies).toHaveLength(3);

			const statuses = await Promise.all(bodies.flatMap((body) => [post(trigger.webhookUrl, body), post(trigger.webhookUrl, body), post(trigger.webhookUrl, body)]));
			expect(statuses).toEqual(Array.from({ length: 9 }, () => 202));
			await settled(emulator);
			expect(allItems(trigger).map((item) => item.id).sort()).toEqual(mails.map((mail) => mail.id).sort());

			// Whichever call's copy was saved last, it holds every emitted id: a later duplicate is dropped too.
			const emitted = (trigger.nodeStaticData.production as { emitted: Record<string, string[]> }).emitted;
			// (mail ids kept as their short hash)
			expect(Object.values(emitted).flat().sort()).toEqual(mails.map((mail) => storedIdOf(mail.id as string)).sort());
			await Promise.all(bodies.map(async (body) => await post(trigger.webhookUrl, body)));
			await settled(emulator);
			expect(allItems(trigger)).toHaveLength(3);
		} finally {
			await settled(emulator);
			await trigger.deactivate();
		}
	});

	it('lets a copy emit the change when the call that claimed it could not read the resource', async () => {
		const trigger = await activate(emulator, mailParameters([SUPPORT]));
		try {
			expect(await control(emulator, '/subscriptions/deliveries/fail', { count: 1000 })).toBe(204);
			deliverMail(emulator.state, { mailbox: SUPPORT, messages: [{ subject: 'Read fails first' }] });
			await settled(emulator);
			expect(await control(emulator, '/subscriptions/deliveries/fail', { count: 0 })).toBe(204);
			const [body] = failedChangeNotifications(emulator);

			// Every read of mail fails (the resource and the catch-up's listing): nothing can be emitted yet.
			emulator.faults.add({ kind: 'status', status: 500, method: 'GET', path: /messages/ });
			expect(await post(trigger.webhookUrl, body)).toBe(202);
			await settled(emulator);
			expect(allItems(trigger)).toEqual([]);

			emulator.faults.clear();
			expect(await post(trigger.webhookUrl, body)).toBe(202);
			await settled(emulator);
			expect(allItems(trigger).map((item: IDataObject) => item.subject)).toEqual(['Read fails first']);
		} finally {
			await settled(emulator);
			await trigger.deactivate();
		}
	});
});
