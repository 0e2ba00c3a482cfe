import { request } from 'node:https';

import type { Emulator } from '../../emulator';
import { deliverMail } from '../../emulator/graph/mail';
import { activate, allItems, control, emittedItems, liveSubscriptions, mailParameters, settled, startTenant, SUPPORT } from './setup';

async function post(url: string, body: string, contentType = 'application/json'): Promise<{ status: number; body: string; type?: string }> {
	return await new Promise((resolve, reject) => {
		const req = request(url, { method: 'POST', headers: { 'Content-Type': contentType } }, (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (c: Buffer) => chunks.push(c));
			res.on('end', () =>
				resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), type: res.headers['content-type'] }),
			);
		});
		req.on('error', reject);
		req.end(body);
	});
}

describe('M365 Trigger (webhook): what it refuses', () => {
	let emulator: Emulator;
	beforeAll(async () => {
		emulator = await startTenant();
	});
	afterAll(async () => {
		await emulator.close();
	});

	it('refuses to activate on a non-HTTPS webhook URL and points to the polling trigger', async () => {
		await expect(activate(emulator, mailParameters([SUPPORT]), { protocol: 'http' })).rejects.toThrow(
			/HTTPS.*Microsoft 365 Polling Trigger/,
		);
		expect(liveSubscriptions(emulator)).toEqual([]);
	});

	it('answers the handshake with the token as text/plain, and refuses forged, unknown and malformed notifications without starting the workflow', async () => {
		const trigger = await activate(emulator, mailParameters([SUPPORT]));
		try {
			const [subscription] = liveSubscriptions(emulator);
			const token = 'Validation: Testing client application reachability <&> for subscription';
			const handshake = await post(`${trigger.webhookUrl}?validationToken=${encodeURIComponent(token)}`, '', 'text/plain; charset=utf-8');
			expect(handshake).toMatchObject({ status: 200, body: token });
			expect(handshake.type).toMatch(/^text\/plain/);

			const notification = (overrides: Record<string, unknown>) =>
				JSON.stringify({
					value: [
						{
							subscriptionId: subscription.id,
							subscriptionExpirationDateTime: subscription.expirationDateTime,
							clientState: subscription.clientState,
							changeType: 'created',
							resource: `Users/${SUPPORT}/Messages/AAMkFORGED=`,
							resourceData: { '@odata.type': '#Microsoft.Graph.Message', id: 'AAMkFORGED=' },
							tenantId: emulator.tenantId,
							...overrides,
						},
					],
				});
			expect((await post(trigger.webhookUrl, notification({ clientState: 'guessed' }))).status).toBe(403);
			expect((await post(trigger.webhookUrl, notification({ clientState: undefined }))).status).toBe(403);
			expect((await post(trigger.webhookUrl, notification({ subscriptionId: '00000000-0000-0000-0000-000000000000' }))).status).toBe(403);
			expect((await post(trigger.webhookUrl, notification({ changeType: 'exploded' }))).status).toBe(400);
			expect((await post(trigger.webhookUrl, '{"value":')).status).toBeGreaterThanOrEqual(400);
			expect((await post(trigger.webhookUrl, JSON.stringify({ hello: 'world' }))).status).toBe(400);
			// Right secret, but a resource this subscription does not cover: answered, never fetched, never emitted.
			const sideways = await post(trigger.webhookUrl, notification({ resource: "chats('19:x@thread.v2')/messages('1')" }));
			expect(sideways.status).toBe(202);
			// Right secret and shape, but the message does not exist: fetched from Graph, 404, nothing emitted.
			expect((await post(trigger.webhookUrl, notification({}))).status).toBe(202);
			await settled(emulator);
			expect(allItems(trigger)).toEqual([]);
			expect(emulator.requests.entries().filter((r) => r.path.includes('AAMkFORGED')).map((r) => r.status)).toEqual([404]);

			// A real notification still works afterwards.
			deliverMail(emulator.state, { mailbox: SUPPORT, messages: [{ subject: 'Real one' }] });
			expect((await emittedItems(emulator, trigger)).map((i) => i.subject)).toEqual(['Real one']);
		} finally {
			await settled(emulator);
			await trigger.deactivate();
		}
	});

	it('keeps no clientState in static data: it is derived from the credential\'s secret', async () => {
		const trigger = await activate(emulator, mailParameters([SUPPORT]));
		try {
			const [subscription] = liveSubscriptions(emulator);
			expect(subscription.clientState).toMatch(/^[A-Za-z0-9_-]{43}$/);
			const saved = JSON.stringify(trigger.staticData);
			expect(saved).toContain(subscription.id);
			expect(saved).not.toContain(subscription.clientState);
			// Still verified: a notification with it is accepted, a mail delivered is emitted.
			deliverMail(emulator.state, { mailbox: SUPPORT, messages: [{ subject: 'Verified' }] });
			expect((await emittedItems(emulator, trigger)).map((i) => i.subject)).toEqual(['Verified']);
		} finally {
			await settled(emulator);
			await trigger.deactivate();
		}
	});

	it('answers a validation token only in the handshake\'s shape (empty body, nothing else in the query)', async () => {
		const trigger = await activate(emulator, mailParameters([SUPPORT]));
		try {
			const withBody = await post(`${trigger.webhookUrl}?validationToken=echo-me`, JSON.stringify({ value: [] }));
			expect(withBody.status).toBe(400);
			expect(withBody.body).not.toContain('echo-me');
			const extraQuery = await post(`${trigger.webhookUrl}?validationToken=echo-me&x=1`, '', 'text/plain');
			expect(extraQuery.status).toBe(400);
			expect(extraQuery.body).not.toContain('echo-me');
		} finally {
			await settled(emulator);
			await trigger.deactivate();
		}
	});

	it('spends no Graph call on forged notifications, and asks Graph about a replayed old subscription id only once', async () => {
		const trigger = await activate(emulator, mailParameters([SUPPORT]));
		try {
			const [old] = liveSubscriptions(emulator);
			const forged = (subscriptionId: string, clientState: string) =>
				JSON.stringify({
					value: [
						{
							subscriptionId,
							clientState,
							changeType: 'created',
							resource: `Users/${SUPPORT}/Messages/AAMkX=`,
							resourceData: { id: 'AAMkX=' },
							tenantId: emulator.tenantId,
						},
					],
				});
			emulator.requests.reset();
			for (let i = 0; i < 25; i++) {
				const id = `0000${String(i).padStart(4, '0')}-0000-4000-8000-000000000000`;
				expect((await post(trigger.webhookUrl, forged(id, `guess-${i}`))).status).toBe(403);
			}
			expect(emulator.requests.count({ host: 'graph' })).toBe(0);

			// Graph replaces the subscription; a captured notification of the old one is replayed (its clientState is
			// right: it is derived per target). One lookup tells it is gone; replays after that cost nothing.
			expect(await control(emulator, `/subscriptions/${old.id}/lifecycle`, { lifecycleEvent: 'subscriptionRemoved' })).toBe(200);
			await settled(emulator);
			expect(liveSubscriptions(emulator).map((s) => s.id)).not.toContain(old.id);
			emulator.requests.reset();
			for (let i = 0; i < 5; i++) expect((await post(trigger.webhookUrl, forged(old.id, old.clientState as string))).status).toBe(403);
			expect(emulator.requests.byEndpoint()).toEqual({ 'GET /subscriptions/:subscriptionId': 1 });
		} finally {
			await settled(emulator);
			await trigger.deactivate();
		}
	});
});
