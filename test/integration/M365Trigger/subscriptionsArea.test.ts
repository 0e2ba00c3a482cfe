// The emulator's subscriptions area against Graph's documented behaviour, without our nodes: a plain HTTPS
// receiver plays the subscriber.
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { SEED_APPS, SEED_CHATS, SEED_USERS, startEmulator, type Emulator } from '../../emulator';
import { deliverMail } from '../../emulator/graph/mail';
import { idleDeliveries, subscriptionRuntime } from '../../emulator/graph/subscriptions';
import { emulatorRequest } from '../../emulator/testClient';
import { loopbackTlsOptions } from '../../harness/tls';
import { signInDelegated } from '../../support/emulatorCredentials';

type Mode = 'echo' | 'wrongEcho' | 'fail';

interface Receiver {
	url: string;
	mode: Mode;
	/** The next N notifications get no answer: the connection is dropped (a restarting or overloaded receiver). */
	dropConnections: number;
	validations: string[];
	notifications: unknown[];
	close(): Promise<void>;
}

async function startReceiver(): Promise<Receiver> {
	const receiver: Partial<Receiver> = { mode: 'echo', dropConnections: 0, validations: [], notifications: [] };
	const server: Server = createServer(loopbackTlsOptions(), (req: IncomingMessage, res: ServerResponse) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const token = new URL(req.url ?? '/', 'https://x').searchParams.get('validationToken');
			if (token !== null) {
				receiver.validations!.push(token);
				res.writeHead(200, { 'Content-Type': 'text/plain' }).end(receiver.mode === 'wrongEcho' ? 'nope' : token);
				return;
			}
			if (receiver.dropConnections! > 0) {
				receiver.dropConnections! -= 1;
				req.socket.destroy();
				return;
			}
			if (receiver.mode === 'fail') {
				res.writeHead(500).end();
				return;
			}
			receiver.notifications!.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
			res.writeHead(202).end();
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	receiver.url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
	receiver.close = async () => {
		server.closeAllConnections();
		await new Promise<void>((resolve) => server.close(() => resolve()));
	};
	return receiver as Receiver;
}

async function appToken(emulator: Emulator, app: keyof typeof SEED_APPS = 'main'): Promise<string> {
	const registration = SEED_APPS[app] as { appId: string; secret: string };
	const answer = await emulatorRequest(`${emulator.loginUrl}/${emulator.tenantId}/oauth2/v2.0/token`, {
		form: { grant_type: 'client_credentials', client_id: registration.appId, client_secret: registration.secret, scope: 'https://graph.microsoft.com/.default' },
	});
	return answer.json.access_token as string;
}

const minutesFromNow = (emulator: Emulator, minutes: number) => new Date(emulator.clock.nowMs() + minutes * 60_000).toISOString();

describe('emulator: Graph subscriptions', () => {
	let emulator: Emulator;
	let receiver: Receiver;
	let token: string;
	const graph = (path: string) => `${emulator.graphUrl}/v1.0${path}`;
	const mailResource = `/users/${SEED_USERS.support.upn}/mailFolders('inbox')/messages`;
	const create = async (body: Record<string, unknown>, bearer = token) =>
		await emulatorRequest(graph('/subscriptions'), {
			token: bearer,
			json: {
				changeType: 'created',
				notificationUrl: receiver.url,
				resource: mailResource,
				expirationDateTime: minutesFromNow(emulator, 600),
				clientState: 'secret-state',
				...body,
			},
		});

	beforeEach(async () => {
		emulator = await startEmulator();
		receiver = await startReceiver();
		token = await appToken(emulator);
	});
	afterEach(async () => {
		await idleDeliveries(emulator);
		await receiver.close();
		await emulator.close();
	});

	it('creates after validating the notification and lifecycle URLs, and answers in Graph shape', async () => {
		const created = await create({ lifecycleNotificationUrl: `${receiver.url}?lifecycle=1` });
		expect(created.status).toBe(201);
		expect(receiver.validations).toHaveLength(2);
		expect(created.json).toMatchObject({
			'@odata.context': expect.stringContaining('$metadata#subscriptions/$entity'),
			id: expect.stringMatching(/^[0-9a-f-]{36}$/),
			resource: mailResource,
			applicationId: SEED_APPS.main.appId,
			changeType: 'created',
			clientState: 'secret-state',
			notificationUrl: receiver.url,
			lifecycleNotificationUrl: `${receiver.url}?lifecycle=1`,
			includeResourceData: false,
			latestSupportedTlsVersion: 'v1_2',
		});
		expect(created.json).not.toHaveProperty('emulator');
		const listed = await emulatorRequest(graph('/subscriptions'), { token });
		expect(listed.json.value.map((s: { id: string }) => s.id)).toEqual([created.json.id]);
		expect((await emulatorRequest(graph(`/subscriptions/${created.json.id}`), { token })).status).toBe(200);
	});

	it('refuses a failed handshake, a non-HTTPS URL, a too long life, and Teams over an hour without a lifecycle URL', async () => {
		receiver.mode = 'wrongEcho';
		expect(await create({})).toMatchObject({ status: 400, json: { error: { code: 'ValidationError' } } });
		receiver.mode = 'echo';
		expect((await create({ notificationUrl: 'http://127.0.0.1:1/hook' })).status).toBe(400);
		expect((await create({ expirationDateTime: minutesFromNow(emulator, 10081) })).json.error.message).toBe(
			'Subscription expiration can only be 10080 minutes in the future.',
		);
		const chat = { resource: `/chats/${SEED_CHATS.projectFalcon.id}/messages` };
		expect((await create({ ...chat, expirationDateTime: minutesFromNow(emulator, 61) })).json.error.message).toBe(
			'lifecycleNotificationUrl is a required property for subscription creation on this resource when the expirationDateTime value is set to greater than 1 hour.',
		);
		expect((await create({ ...chat, expirationDateTime: minutesFromNow(emulator, 59) })).status).toBe(201);
		// Raised to Graph's 45-minute minimum from the moment of creation (read before it: a slow machine may take
		// seconds between the request and this line).
		const beforeShort = emulator.clock.nowMs();
		const short = await create({ expirationDateTime: minutesFromNow(emulator, 5) });
		expect(Date.parse(short.json.expirationDateTime)).toBeGreaterThanOrEqual(beforeShort + 45 * 60_000 - 1000);
	});

	it('checks permissions: the resource read permission, application-only tenant-wide resources, own chats only', async () => {
		const partial = await appToken(emulator, 'partial');
		expect((await create({}, partial)).status).toBe(403);
		const presence = await create(
			{ resource: `/communications/presences?$filter=id in ('${SEED_USERS.adele.id}')`, changeType: 'updated', expirationDateTime: minutesFromNow(emulator, 50) },
			partial,
		);
		expect(presence.status).toBe(201);
		const delegated = (await signInDelegated(emulator)).access_token;
		expect((await create({ resource: '/chats/getAllMessages', expirationDateTime: minutesFromNow(emulator, 50) }, delegated)).status).toBe(403);
		expect((await create({ resource: `/users/${SEED_USERS.adele.id}/chats/getAllMessages`, expirationDateTime: minutesFromNow(emulator, 50) }, delegated)).status).toBe(403);
		expect((await create({ resource: `/users/${SEED_USERS.integration.id}/chats/getAllMessages`, expirationDateTime: minutesFromNow(emulator, 50) }, delegated)).status).toBe(201);
		// Another app cannot see or change this app's subscriptions.
		expect((await emulatorRequest(graph(`/subscriptions/${presence.json.id}`), { token })).status).toBe(404);
	});

	it("delivers Graph's notification body, retries a failing receiver, and stops at expiry", async () => {
		const created = await create({});
		deliverMail(emulator.state, { mailbox: SEED_USERS.support.upn, messages: [{ subject: 'Hello' }] });
		await idleDeliveries(emulator);
		expect(receiver.notifications).toHaveLength(1);
		const [notification] = (receiver.notifications[0] as { value: Array<Record<string, unknown>> }).value;
		expect(Object.keys(notification).sort()).toEqual(
			['changeType', 'clientState', 'resource', 'resourceData', 'subscriptionExpirationDateTime', 'subscriptionId', 'tenantId'].sort(),
		);
		expect(notification).toMatchObject({
			subscriptionId: created.json.id,
			changeType: 'created',
			clientState: 'secret-state',
			tenantId: emulator.tenantId,
			resource: expect.stringMatching(/^Users\/[0-9a-f-]+\/Messages\/AAMk/),
			resourceData: expect.objectContaining({ '@odata.type': '#Microsoft.Graph.Message' }),
		});

		subscriptionRuntime(emulator).failNext = 2;
		deliverMail(emulator.state, { mailbox: SEED_USERS.support.upn, messages: [{ subject: 'Retried' }] });
		await idleDeliveries(emulator);
		expect(receiver.notifications).toHaveLength(2);
		expect(subscriptionRuntime(emulator).log.at(-1)).toMatchObject({ status: 202, attempts: 3 });

		// A receiver that does not answer at all (n8n restarting, or too busy) is tried for as long as Graph does (up
		// to 4 hours), past the 8 attempts after which one answering with errors is given up.
		receiver.dropConnections = 8;
		deliverMail(emulator.state, { mailbox: SEED_USERS.support.upn, messages: [{ subject: 'Receiver back' }] });
		await idleDeliveries(emulator);
		expect(receiver.notifications).toHaveLength(3);
		expect(subscriptionRuntime(emulator).log.at(-1)).toMatchObject({ status: 202, attempts: 9 });
		receiver.mode = 'fail';
		deliverMail(emulator.state, { mailbox: SEED_USERS.support.upn, messages: [{ subject: 'Given up' }] });
		await idleDeliveries(emulator);
		expect(subscriptionRuntime(emulator).log.at(-1)).toMatchObject({ status: 500, attempts: 8 });
		expect(receiver.notifications).toHaveLength(3);
		receiver.mode = 'echo';

		emulator.clock.advance(601 * 60);
		deliverMail(emulator.state, { mailbox: SEED_USERS.support.upn, messages: [{ subject: 'Too late' }] });
		await idleDeliveries(emulator);
		expect(receiver.notifications).toHaveLength(3);
		expect(emulator.state.data.subscriptions[created.json.id]).toBeUndefined();
		token = await appToken(emulator); // the old one expired with the clock
		expect((await emulatorRequest(graph(`/subscriptions/${created.json.id}`), { token })).status).toBe(404);
	});

	it('renews with PATCH, reauthorizes, deletes, and sends reauthorizationRequired before expiry', async () => {
		const created = await create({ lifecycleNotificationUrl: receiver.url });
		const id = created.json.id as string;
		const renewed = await emulatorRequest(graph(`/subscriptions/${id}`), { method: 'PATCH', token, json: { expirationDateTime: minutesFromNow(emulator, 3000) } });
		expect(renewed.status).toBe(200);
		expect(Date.parse(renewed.json.expirationDateTime)).toBeGreaterThan(emulator.clock.nowMs() + 2999 * 60_000);
		expect((await emulatorRequest(graph(`/subscriptions/${id}/reauthorize`), { method: 'POST', token })).status).toBe(204);

		emulator.clock.advance((3000 - 170) * 60);
		await idleDeliveries(emulator);
		const lifecycle = receiver.notifications.map((n) => (n as { value: Array<{ lifecycleEvent?: string }> }).value[0].lifecycleEvent);
		expect(lifecycle).toEqual(['reauthorizationRequired']);
		token = await appToken(emulator);

		expect((await emulatorRequest(graph(`/subscriptions/${id}`), { method: 'DELETE', token })).status).toBe(204);
		expect((await emulatorRequest(graph(`/subscriptions/${id}`), { method: 'DELETE', token })).status).toBe(404);
	});
});
