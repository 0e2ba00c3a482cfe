// The contact-centre two-way bridge example, both halves as shipped, in a real n8n 2.40.7 with n8n's own Data table:
// a customer in an outside chat (a local stand-in that takes the bridge's posts, edits and deletes and answers
// { messageId }, README "Two-way bridges" step 4) and an expert in a Teams 1:1 chat (Adele, her messages, quotes,
// edits and deletes made in the emulator tenant, announced by Graph change notifications to the example's
// Microsoft 365 Trigger). A scripted conversation of 202 events, both directions: posts, replies (quotes), edits and
// deletes; every Graph notification delivered again (Graph's duplicate deliveries) and every outside event sent
// twice; n8n restarted in the middle. Every event must be mirrored exactly once, in the right thread, nothing may
// come back (no echo), and the table must hold one complete row per message. Run in regular mode and in queue mode
// (main, two workers, Redis, PostgreSQL as n8n requires for queue mode: the executions run on the workers; the
// outside claim of README step 5 enabled, and proved with simultaneous double deliveries; and a post, an edit and a
// delete made with a sender's credential, heard by the trigger before their mapping row is saved: the pending row).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import {
	activateWorkflow,
	callProductionWebhook,
	connectOAuth2OverHttp,
	createBridgeTable,
	createCredential,
	createWorkflow,
	dataTableRows,
	deactivateWorkflow,
	ensureN8n,
	getExecution,
	nodeOutput,
	integrationAccountCredentialData,
	eventually,
	listExecutions,
	packPackage,
	restartN8n,
	signInAsOwner,
	startN8n,
	type DataTable,
	type DataTableRow,
	type N8nInstance,
	type N8nRestClient,
	type StartN8nOptions,
} from '../../scripts/n8n-runtime';
import { visibleText } from '../../nodes/shared/teamsText';
import { SEED_CHATS, SEED_USERS, startEmulator, type Emulator } from '../emulator';
import { idleDeliveries, subscriptionRuntime } from '../emulator/graph/subscriptions';
import { buildChatMessage } from '../emulator/state/builders';
import type { GraphChatMessage } from '../emulator/state/types';
import { describeEmulatorOnly } from '../support/target';
import { connectedEmulatorCredentials, emulatorTenantOf } from './emulatorTenant';
import { occurrences, queueRedisCredential, startHttpsFront, startQueueModeN8n, type HttpsFront } from './queueModeSupport';

const INSTALL_AND_START_MS = 30 * 60_000;
const CONVERSATION_MS = 30 * 60_000;
/** A phase's deadline: only stops a hung wait, the assertions decide. */
const PHASE_MS = 10 * 60_000;
const EXAMPLE = join(__dirname, '..', '..', 'examples', 'contact-centre-chat-two-way-bridge.json');
const CHAT = SEED_CHATS.adeleIntegration.id;
const CUSTOMER = 'Casey (customer)';
const SENDER_TYPE = 'm365UserOAuth2Api';

type Json = Record<string, unknown>;
interface ExampleNode { name: string; type: string; parameters: Json; credentials?: Json; [key: string]: unknown }

/** What the outside chat holds: the customer's messages and what the bridge carried there from Teams. */
interface OutsideMessage { id: string; text: string; replyToId: string; deleted: boolean; fromBridge: boolean }
interface BridgeCall { method: string; id: string; text?: string; replyToId?: string }

async function readJson(req: IncomingMessage): Promise<Json> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	const text = Buffer.concat(chunks).toString();
	return text ? (JSON.parse(text) as Json) : {};
}

/** The outside chat system: keeps messages, takes the bridge's calls (README "Two-way bridges", step 4). */
async function startOutsideChat() {
	const messages = new Map<string, OutsideMessage>();
	const calls: BridgeCall[] = [];
	/** The test's gate before the bridge saves a mapping row: outside ids held back, and the saves waiting. */
	const held = new Set<string>();
	const waiting = new Map<string, () => void>();
	let sequence = 0;
	const server = createServer((req: IncomingMessage, res: ServerResponse) => {
		void (async () => {
			const body = await readJson(req);
			const change = /^\/api\/sessions\/messages\/([^/]+)$/.exec(req.url ?? '');
			const reply = (status: number, answer?: Json) => {
				res.writeHead(status, { 'content-type': 'application/json' });
				res.end(answer ? JSON.stringify(answer) : '');
			};
			const gate = /^\/gate\/([^/]+)$/.exec(req.url ?? '');
			if (req.method === 'POST' && gate) {
				// Answers with the item it was given (the Mirror's output), now or once the test releases it.
				const outsideId = decodeURIComponent(gate[1]);
				if (!held.has(outsideId)) return reply(200, body);
				waiting.set(outsideId, () => reply(200, body));
				return;
			}
			if (req.method === 'POST' && req.url === '/api/sessions/messages') {
				const id = `out-${++sequence}`;
				messages.set(id, { id, text: String(body.text ?? ''), replyToId: String(body.replyToId ?? ''), deleted: false, fromBridge: true });
				calls.push({ method: 'POST', id, text: String(body.text ?? ''), replyToId: String(body.replyToId ?? '') });
				return reply(201, { messageId: id });
			}
			const message = change ? messages.get(decodeURIComponent(change[1])) : undefined;
			if (!message) return reply(404, { error: `no ${req.method} ${req.url}` });
			calls.push({ method: String(req.method), id: message.id, text: body.text as string | undefined });
			if (req.method === 'PATCH') message.text = String(body.text ?? '');
			else if (req.method === 'DELETE') message.deleted = true;
			else return reply(405);
			return reply(200, { messageId: message.id });
		})().catch(() => res.end());
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		messages,
		calls,
		/** A customer's own message (its events go to the bridge's webhook). */
		write(text: string, replyToId = ''): OutsideMessage {
			const id = `cust-${++sequence}`;
			const message = { id, text, replyToId, deleted: false, fromBridge: false };
			messages.set(id, message);
			return message;
		},
		/** Holds back the bridge's save of the mapping row of this outside message (see the gate above). */
		holdSave(outsideId: string): void {
			held.add(outsideId);
		},
		saveWaiting: (outsideId: string) => waiting.has(outsideId),
		releaseSave(outsideId: string): void {
			held.delete(outsideId);
			waiting.get(outsideId)?.();
			waiting.delete(outsideId);
		},
		close: async () => {
			for (const release of waiting.values()) release();
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

/** What a reader sees (tags as spaces: the mirror's attribution ends in a line break before the text). */
const plain = (html: string | null | undefined) => String(html ?? '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();

/** Runs `work` over `items`, `width` at a time. */
async function inParallel<T>(items: T[], width: number, work: (item: T) => Promise<unknown>): Promise<void> {
	const queue = [...items];
	await Promise.all(Array.from({ length: width }, async () => {
		for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
	}));
}

function bridgeSuite(mode: 'regular' | 'queue', queueMode?: StartN8nOptions['queueMode']) {
	describeEmulatorOnly(['notifications', 'state', 'seed', 'signInPage'], `two-way bridge, both directions, in a real n8n (${mode} mode)`, () => {
		let emulator: Emulator;
		let front: HttpsFront;
		let instance: N8nInstance | undefined;
		let client: N8nRestClient;
		let outside: Awaited<ReturnType<typeof startOutsideChat>>;
		let table: DataTable;
		let workflowId: string;
		/** The bridge workflow as created: the example with the user's credentials (and, in queue mode, the claim on). */
		let shipped: { name: string; nodes: ExampleNode[]; connections: Json; settings: Json };
		let notificationUrl = '';
		let teamsSequence = 0;
		/** The integration account's messages in the chat before the conversation (the seed's). */
		let integrationBefore = 0;

		beforeAll(async () => {
			// Graph's evaluation quota of getAllMessages notifications (500 a month) is more than this test needs
			// per run, but the emulator is one tenant for the whole conversation: no quota to run into.
			emulator = await startEmulator({ rules: { meteredApis: false } });
			outside = await startOutsideChat();
			if (queueMode) {
				({ instance, client, front } = await startQueueModeN8n(queueMode));
			} else {
				front = await startHttpsFront();
				const [, packageTgz] = await Promise.all([ensureN8n(), packPackage()]);
				instance = await startN8n({ packageTgz, env: { N8N_WEBHOOK_URL: front.url } });
				front.setTarget(instance.port);
				client = await signInAsOwner(instance);
			}
			const credentials = await connectedEmulatorCredentials(client, instance, emulator);
			table = await createBridgeTable(client);
			// The example as shipped; only the chat system's address and the credential are the user's own.
			const example = JSON.parse(readFileSync(EXAMPLE, 'utf8').split('https://chat.example.com').join(outside.url)) as {
				name: string; nodes: ExampleNode[]; connections: Json; settings: Json;
			};
			// Queue mode: the claim on the outside event (Redis INCR, disabled as shipped) enabled with the queue's Redis.
			const redis = queueMode ? await queueRedisCredential(client, instance) : undefined;
			const nodes = example.nodes.map((node) => {
				if (node.type === 'n8n-nodes-base.redis' || node.name === 'First delivery only') return redis ? { ...node, disabled: false, ...(node.credentials ? { credentials: { redis } } : {}) } : node;
				return node.credentials ? { ...node, credentials: { m365IntegrationAccountOAuth2Api: credentials.integrationAccount } } : node;
			});
			shipped = { name: example.name, nodes, connections: example.connections, settings: example.settings };
			workflowId = (await createWorkflow(client, shipped as never)).id;
			await activateWorkflow(client, workflowId);
			// n8n answers the activation before its webhook hooks (the Graph subscription) have run.
			await eventually(() => Object.values(emulator.state.data.subscriptions).length === 1, 180_000);
			notificationUrl = Object.values(emulator.state.data.subscriptions)[0].notificationUrl;
			integrationBefore = emulator.state.chat(CHAT)!.messages.filter((message) => message.from?.user?.id === SEED_USERS.integration.id).length;
		}, INSTALL_AND_START_MS);

		afterAll(async () => {
			await instance?.stop();
			await front?.close();
			await outside?.close();
			await emulator?.close();
		}, 120_000);

		// ----- the two sides -----

		const events: { outside: Json[]; teams: number } = { outside: [], teams: 0 };
		/**
		 * Sends an outside event to the bridge's webhook, again while n8n answers 5xx, as outside systems (Slack, a
		 * contact centre) retry a webhook that failed. On a loaded two-core machine n8n 2.40 answers 503 "Database is not
		 * ready" while its database health check fails, and 500 "There was a problem executing the workflow" when it
		 * could not get a database connection to create the execution: nothing ran either time. A repeat of an event
		 * that did run is what the bridge is built to take (Mirror's duplicate and unchanged outcomes, the claim).
		 */
		async function tellBridge(event: Json): Promise<void> {
			let status = 0;
			let answer = '';
			await eventually(async () => {
				const response = await callProductionWebhook(instance!, 'contact-centre-bridge', {
					method: 'POST',
					headers: { 'Content-Type': 'application/json' },
					body: JSON.stringify({ expertUpn: SEED_USERS.adele.upn, author: CUSTOMER, ...event }),
				});
				status = response.status;
				answer = await response.text();
				return status < 500;
			}, PHASE_MS);
			expect({ status, answer: status === 200 ? '' : answer }).toEqual({ status: 200, answer: '' });
		}
		async function customer(event: Json): Promise<void> {
			events.outside.push(event);
			await tellBridge(event);
		}

		const chatMessages = () => emulator.state.chat(CHAT)!.messages;
		const adele = () => emulator.state.user(SEED_USERS.adele.id)!;
		function expertPosts(text: string, quoting?: GraphChatMessage): GraphChatMessage {
			events.teams += 1;
			const message = buildChatMessage({
				createdDateTime: emulator.clock.now().toISOString(), from: adele(), chatId: CHAT, sequence: ++teamsSequence,
				content: `${quoting ? `<attachment id="${quoting.id}"></attachment>` : ''}<p>${text}</p>`,
			});
			if (quoting) {
				message.attachments = [{ id: quoting.id, contentType: 'messageReference', content: JSON.stringify({ messageId: quoting.id, messagePreview: plain(quoting.body?.content).slice(0, 100) }) }] as never;
			}
			return emulator.state.addChatMessage(CHAT, message);
		}
		function expertEdits(message: GraphChatMessage, text: string): void {
			events.teams += 1;
			const now = emulator.clock.now().toISOString();
			const quote = (message.attachments ?? []).map((attachment) => `<attachment id="${attachment.id}"></attachment>`).join('');
			emulator.state.updateChatMessage(CHAT, message.id!, { body: { contentType: 'html', content: `${quote}<p>${text}</p>` }, lastEditedDateTime: now });
		}
		function expertDeletes(message: GraphChatMessage): void {
			events.teams += 1;
			emulator.state.updateChatMessage(CHAT, message.id!, { deletedDateTime: emulator.clock.now().toISOString(), body: { contentType: 'html', content: '' } });
		}

		/** The mirror's copy in Teams of a customer message (by its text, as posted). */
		const ours = () => chatMessages().filter((message) => message.from?.user?.id === SEED_USERS.integration.id).slice(integrationBefore);
		const mirrored = (text: string) => ours().filter((message) => plain(message.body?.content).endsWith(` ${text}`));
		const carriedOut = (text: string) => [...outside.messages.values()].filter((message) => message.fromBridge && message.text === text);

		/** Graph's duplicate deliveries: every notification delivered since `from` is delivered again, two copies at once. */
		async function deliverAgain(from: number): Promise<number> {
			const log = subscriptionRuntime(emulator).log.slice(from).filter((entry) => entry.url === notificationUrl);
			await Promise.all(log.map(async (entry) => await postTo(notificationUrl, JSON.stringify(entry.body))));
			return log.length;
		}
		/**
		 * Nothing in flight: the emulator has delivered everything, the trigger has read every change it was told of, and
		 * n8n has finished every execution. The trigger answers a notification (202) before it reads the message, and it
		 * reads one chat at Teams' 1 request per second (the transport's limiter, first come first served per chat), so
		 * after a burst of notifications (Graph's duplicates: every edit and delete is read again) its reads go on for
		 * minutes with no execution to show for them; a workflow deactivated or n8n restarted meanwhile loses them, and
		 * their static data, saved after the next activation, brings back the subscription that activation replaced.
		 */
		async function settled(workflow = workflowId): Promise<void> {
			await idleDeliveries(emulator);
			await eventually(async () => (await unfinishedExecutions(workflow)) === 0, PHASE_MS);
			await triggerCaughtUp();
			await eventually(async () => (await unfinishedExecutions(workflow)) === 0, PHASE_MS);
			await idleDeliveries(emulator);
		}
		/**
		 * Waits until the trigger has read every message it was told of: Graph announces a message that is gone by the
		 * time the trigger reads it (404, nothing emitted); the trigger's read of it queues behind every read of the chat
		 * it was asked for before, so once the emulator has answered it, those have been answered.
		 */
		let probes = 0;
		async function triggerCaughtUp(): Promise<void> {
			const subscription = Object.values(emulator.state.data.subscriptions)[0];
			// A notification of a message of this chat as Graph sent it, for the subscription there is now.
			const template = [...subscriptionRuntime(emulator).log].reverse().map((entry) => (entry.body as { value?: Json[] }).value?.[0])
				.find((change) => /messages\('[^']+'\)$/.test(String(change?.resource ?? '')));
			if (!subscription || !template) return;
			const messageId = `gone-${++probes}`;
			const resource = String(template.resource).replace(/messages\('[^']+'\)$/, `messages('${messageId}')`);
			const change = {
				...template, subscriptionId: subscription.id, subscriptionExpirationDateTime: subscription.expirationDateTime, clientState: subscription.clientState ?? null,
				changeType: 'created', resource, resourceData: { ...(template.resourceData as Json), id: messageId, '@odata.id': resource },
			};
			expect(await postTo(subscription.notificationUrl, JSON.stringify({ value: [change] }))).toBe(202);
			const read = () => emulator.requests.entries().some((entry) => entry.method === 'GET' && entry.status === 404 && entry.path.endsWith(`/messages/${messageId}`));
			expect(await eventually(read, PHASE_MS)).toBe(true);
		}
		async function unfinishedExecutions(workflow: string): Promise<number> {
			return (await listExecutions(client, workflow)).filter((execution) => !['success', 'error', 'crashed', 'canceled'].includes(execution.status)).length;
		}

		const customerMessages: OutsideMessage[] = [];
		const customerReplies: OutsideMessage[] = [];
		const expertMessages: GraphChatMessage[] = [];
		const expertReplies: GraphChatMessage[] = [];

		it('posts and replies both ways (quotes in Teams, replyToId outside), each once despite duplicate deliveries', async () => {
			const logStart = subscriptionRuntime(emulator).log.length;
			// 30 customer posts and 30 expert posts at the same time.
			for (let i = 1; i <= 30; i++) customerMessages.push(outside.write(`Customer post ${i}`));
			for (let i = 1; i <= 30; i++) expertMessages.push(expertPosts(`Expert post ${i}`));
			await inParallel(customerMessages, 4, async (message) => await customer({ type: 'created', messageId: message.id, text: message.text }));
			await eventually(() => customerMessages.every((message) => mirrored(message.text).length > 0) && expertMessages.every((message) => carriedOut(plain(message.body?.content)).length > 0), PHASE_MS);
			await settled();

			// 16 replies each way: half to the other side's messages, half to one's own.
			const teamsCopy = (message: OutsideMessage) => mirrored(message.text)[0];
			const outsideCopy = (message: GraphChatMessage) => carriedOut(plain(message.body?.content))[0];
			for (let i = 1; i <= 16; i++) {
				const parent = i % 2 ? customerMessages[i - 1] : outsideCopy(expertMessages[i - 1]);
				customerReplies.push(outside.write(`Customer reply ${i}`, parent.id));
				const quoted = i % 2 ? teamsCopy(customerMessages[i - 1]) : expertMessages[i - 1];
				expertReplies.push(expertPosts(`Expert reply ${i}`, quoted));
			}
			await inParallel(customerReplies, 4, async (message) => await customer({ type: 'created', messageId: message.id, replyToId: message.replyToId, text: message.text }));
			await eventually(() => customerReplies.every((message) => mirrored(message.text).length > 0) && expertReplies.every((message) => carriedOut(plain(message.body?.content)).length > 0), PHASE_MS);
			await settled();

			// Duplicates: every Graph notification again (two at once), every outside event again.
			expect(await deliverAgain(logStart)).toBeGreaterThan(0);
			await inParallel([...events.outside], 4, async (event) => await tellBridge(event));
			await settled();

			for (let i = 1; i <= 30; i++) {
				expect(mirrored(`Customer post ${i}`)).toHaveLength(1);
				expect(carriedOut(`Expert post ${i}`)).toHaveLength(1);
			}
			for (let i = 1; i <= 16; i++) {
				const [copy] = mirrored(`Customer reply ${i}`);
				expect(mirrored(`Customer reply ${i}`)).toHaveLength(1);
				// In the right thread: the Teams copy quotes the Teams message of the outside parent.
				const parentTeamsId = i % 2 ? mirrored(`Customer post ${i}`)[0].id : expertMessages[i - 1].id;
				expect((copy.attachments ?? []).map((attachment) => [attachment.contentType, attachment.id])).toEqual([['messageReference', parentTeamsId]]);
				const [out] = carriedOut(`Expert reply ${i}`);
				expect(carriedOut(`Expert reply ${i}`)).toHaveLength(1);
				expect(out.replyToId).toBe(i % 2 ? customerMessages[i - 1].id : carriedOut(`Expert post ${i}`)[0].id);
			}
			// No echo: nothing the customer wrote went back out, nothing the expert wrote came back into Teams.
			expect(outside.calls.filter((call) => call.method === 'POST' && /^Customer/.test(call.text ?? ''))).toEqual([]);
			expect(ours().filter((message) => /Expert/.test(plain(message.body?.content)))).toEqual([]);
			expect(outside.calls.filter((call) => call.method === 'POST')).toHaveLength(46);
		}, CONVERSATION_MS);

		it(`after a restart of n8n${mode === 'queue' ? ' (main and workers)' : ''}, edits and deletes both ways, each once despite duplicate deliveries`, async () => {
			instance = await restartN8n(instance!);
			front.setTarget(instance.port);
			client = await signInAsOwner(instance);
			const logStart = subscriptionRuntime(emulator).log.length;
			const outsideEventsBefore = events.outside.length;

			// 30 edits each way (posts 1-22 and replies 1-8).
			const customerEdited = [...customerMessages.slice(0, 22), ...customerReplies.slice(0, 8)];
			const expertEdited = [...expertMessages.slice(0, 22), ...expertReplies.slice(0, 8)];
			for (const message of customerEdited) message.text = `${message.text}, edited`;
			const expertText = new Map<GraphChatMessage, string>();
			for (const message of expertEdited) {
				expertText.set(message, `${plain(message.body?.content)}, edited`);
				expertEdits(message, expertText.get(message)!);
			}
			await inParallel(customerEdited, 4, async (message) => await customer({ type: 'edited', messageId: message.id, text: message.text }));
			// (A message deleted later shows no text in Teams; the outside system keeps a deleted message's text.)
			const editedInTeams = () => customerEdited.filter((message) => !message.deleted).every((message) => mirrored(message.text).length === 1);
			const editedOutside = () => expertEdited.every((message) => carriedOut(expertText.get(message)!).length === 1);
			await eventually(() => editedInTeams() && editedOutside(), PHASE_MS);
			await settled();

			// 25 deletes each way (posts 23-30, replies 9-16, posts 1-9).
			const customerDeleted = [...customerMessages.slice(22), ...customerReplies.slice(8), ...customerMessages.slice(0, 9)];
			const expertDeleted = [...expertMessages.slice(22), ...expertReplies.slice(8), ...expertMessages.slice(0, 9)];
			const teamsIdsOfDeleted = customerDeleted.map((message) => mirrored(message.text)[0].id);
			const outsideIdsOfDeleted = expertDeleted.map((message) => carriedOut(plain(message.body?.content))[0].id);
			for (const message of expertDeleted) expertDeletes(message);
			for (const message of customerDeleted) message.deleted = true;
			await inParallel(customerDeleted, 4, async (message) => await customer({ type: 'deleted', messageId: message.id }));
			const deletedInTeams = () => teamsIdsOfDeleted.every((id) => chatMessages().find((message) => message.id === id)?.deletedDateTime);
			const deletedOutside = () => outsideIdsOfDeleted.every((id) => outside.messages.get(id)?.deleted);
			await eventually(() => deletedInTeams() && deletedOutside(), PHASE_MS);
			await settled();

			// Duplicates again.
			expect(await deliverAgain(logStart)).toBeGreaterThan(0);
			await inParallel(events.outside.slice(outsideEventsBefore), 4, async (event) => await tellBridge(event));
			await settled();

			expect(events.outside.length + events.teams).toBeGreaterThanOrEqual(200);
			expect(editedInTeams()).toBe(true);
			expect(editedOutside()).toBe(true);
			expect(deletedInTeams()).toBe(true);
			expect(deletedOutside()).toBe(true);
			// Each edit and delete once: the outside system got 30 PATCHes and 25 DELETEs, one per message.
			const byMethod = (method: string) => occurrences(outside.calls.filter((call) => call.method === method).map((call) => call.id));
			expect(Object.keys(byMethod('PATCH'))).toHaveLength(30);
			expect(Object.values(byMethod('PATCH')).every((count) => count === 1)).toBe(true);
			expect(Object.keys(byMethod('DELETE'))).toHaveLength(25);
			expect(Object.values(byMethod('DELETE')).every((count) => count === 1)).toBe(true);
			// Teams: each customer edit once (the copy's text and one lastEditedDateTime), no copies of copies.
			for (const message of customerEdited.filter((edited) => !edited.deleted)) {
				const [copy] = mirrored(message.text);
				expect(copy.lastEditedDateTime).toBeTruthy();
			}
			expect(ours()).toHaveLength(46);
			// Still no echo.
			expect(outside.calls.filter((call) => call.method === 'POST')).toHaveLength(46);
			expect(outside.calls.filter((call) => /^Customer/.test(call.text ?? ''))).toEqual([]);

			// The mapping table: one complete row per message, both origins.
			const rows = await dataTableRows(client, table);
			expect(rows).toHaveLength(92);
			const byOrigin = (origin: string) => rows.filter((row) => row.origin === origin);
			expect(byOrigin('outside')).toHaveLength(46);
			expect(byOrigin('teams')).toHaveLength(46);
			const teamsIds = new Set(chatMessages().map((message) => message.id));
			const complete = (row: DataTableRow) =>
				row.platform === 'contactcentre' && Boolean(row.outsideId) && teamsIds.has(String(row.teamsMessageId)) && row.chatId === CHAT &&
				(row.origin === 'outside' ? row.postedAs === 'integrationAccount' && row.teamsAuthorId === SEED_USERS.integration.id : row.postedAs === 'teamsUser' && row.teamsAuthorId === SEED_USERS.adele.id);
			expect(rows.filter((row) => !complete(row))).toEqual([]);
			expect(new Set(rows.map((row) => row.outsideId)).size).toBe(92);
			expect(new Set(rows.map((row) => row.teamsMessageId)).size).toBe(92);
			const deletedIds = new Set([...customerDeleted.map((message) => message.id), ...outsideIdsOfDeleted]);
			expect(rows.filter((row) => Boolean(row.deleted) !== deletedIds.has(String(row.outsideId)))).toEqual([]);
			expect(byOrigin('outside').filter((row) => customerReplies.some((message) => message.id === row.outsideId) && !row.outsideThreadId)).toEqual([]);
		}, CONVERSATION_MS);

		// Issue 17, "mapping rows complete": an edit and then a delete of one outside message, run as two executions at
		// once; the edit's row save is held back (a gate the test releases, standing for a slow worker or database) until
		// the delete's save has landed. The edit's save must not undo `deleted: true` (README "Two-way bridges").
		it('an edit whose row save lands after the delete\'s save leaves the row deleted', async () => {
			await deactivateWorkflow(client, workflowId);
			const oldSubscription = Object.keys(emulator.state.data.subscriptions)[0];
			const gate: ExampleNode = {
				name: 'Gate before saving the row', type: 'n8n-nodes-base.httpRequest', typeVersion: 4.2, position: [2090, -300], id: 'e2e-0000-4000-8000-000000000002',
				parameters: { method: 'POST', url: `=${outside.url}/gate/{{ encodeURIComponent($json.outsideId + ':' + $json.eventType) }}`, sendBody: true, specifyBody: 'json', jsonBody: '={{ JSON.stringify($json) }}', options: { timeout: PHASE_MS } },
			};
			const connections: Json = { ...shipped.connections };
			connections['Mirror into the chat'] = { main: [[{ node: gate.name, type: 'main', index: 0 }]] };
			connections[gate.name] = { main: [[{ node: 'Has a row to save', type: 'main', index: 0 }]] };
			const raced = (await createWorkflow(client, { name: `${shipped.name} (edit's row held back)`, nodes: [...shipped.nodes, gate], connections, settings: shipped.settings } as never)).id;
			await activateWorkflow(client, raced);
			expect(await eventually(() => {
				const ids = Object.keys(emulator.state.data.subscriptions);
				return ids.length === 1 && ids[0] !== oldSubscription;
			}, 180_000)).toBe(true);
			const rowOf = async (id: string) => (await dataTableRows(client, table)).filter((row) => row.outsideId === id);

			const message = outside.write('Customer: the invoice number is 4711');
			await customer({ type: 'created', messageId: message.id, text: message.text });
			expect(await eventually(async () => mirrored(message.text).length === 1 && (await rowOf(message.id)).length === 1, PHASE_MS)).toBe(true);
			await settled(raced);
			const copy = mirrored(message.text)[0];

			// The edit: carried out in Teams, its row save held back.
			outside.holdSave(`${message.id}:edited`);
			message.text = `${message.text}, edited`;
			await customer({ type: 'edited', messageId: message.id, text: message.text });
			expect(await eventually(() => mirrored(message.text).length === 1 && outside.saveWaiting(`${message.id}:edited`), PHASE_MS)).toBe(true);
			// The delete, while the edit's execution still waits: carried out, its row saved.
			message.deleted = true;
			await customer({ type: 'deleted', messageId: message.id });
			expect(await eventually(async () => Boolean(chatMessages().find((teams) => teams.id === copy.id)?.deletedDateTime) && (await rowOf(message.id))[0]?.deleted === true, PHASE_MS)).toBe(true);
			// Now the edit's save lands.
			outside.releaseSave(`${message.id}:edited`);
			await settled(raced);

			expect(chatMessages().find((teams) => teams.id === copy.id)?.deletedDateTime).toBeTruthy();
			expect(await rowOf(message.id)).toEqual([
				expect.objectContaining({ platform: 'contactcentre', teamsMessageId: copy.id, chatId: CHAT, origin: 'outside', postedAs: 'integrationAccount', deleted: true }),
			]);
			// The bridge as shipped again, once its activation has run to its end (its Graph subscription made).
			const racedSubscription = Object.keys(emulator.state.data.subscriptions)[0];
			await deactivateWorkflow(client, raced);
			await activateWorkflow(client, workflowId);
			expect(await eventually(() => {
				const ids = Object.keys(emulator.state.data.subscriptions);
				return ids.length === 1 && ids[0] !== racedSubscription;
			}, 180_000)).toBe(true);
		}, CONVERSATION_MS);

		// README "Two-way bridges" step 5: with the claim enabled (Redis INCR on the outside event), two deliveries
		// of one event at the same moment, run by the two workers at once, are mirrored once. Without it both
		// executions look up no row and both post.
		if (queueMode) it('two deliveries of one outside event at the same moment are mirrored once (the Redis claim)', async () => {
			const fresh = Array.from({ length: 12 }, (_, i) => outside.write(`Simultaneous post ${i + 1}`));
			const twice = async (event: Json) => {
				events.outside.push(event);
				await Promise.all([tellBridge(event), tellBridge(event)]);
			};
			await Promise.all(fresh.map(async (message) => await twice({ type: 'created', messageId: message.id, text: message.text })));
			await eventually(() => fresh.every((message) => mirrored(message.text).length > 0), PHASE_MS);
			await settled();
			expect(fresh.map((message) => mirrored(message.text).length)).toEqual(fresh.map(() => 1));

			for (const message of fresh) message.text = `${message.text}, edited`;
			await Promise.all(fresh.map(async (message) => await twice({ type: 'edited', messageId: message.id, text: message.text })));
			await eventually(() => fresh.every((message) => mirrored(message.text).length > 0), PHASE_MS);
			await settled();
			expect(fresh.map((message) => mirrored(message.text).length)).toEqual(fresh.map(() => 1));
			const rows = (await dataTableRows(client, table)).filter((row) => fresh.some((message) => message.id === row.outsideId));
			expect(occurrences(rows.map((row) => String(row.outsideId)))).toEqual(Object.fromEntries(fresh.map((message) => [message.id, 1])));
			expect(outside.calls.filter((call) => /^Simultaneous/.test(call.text ?? ''))).toEqual([]);
		}, CONVERSATION_MS);

		// Issue 17, "No echoes": Adele also writes from the outside chat app, and the bridge posts her message with her
		// own sender credential (README "Two-way bridges"). Queue mode: the post is made on a worker, the trigger runs in
		// main, so the in-process flag does not know it. The bridge's save of the mapping row is held back (a gate the
		// test releases, standing for a slow worker or database) until the Teams → outside execution of that post, then
		// of the mirror's edit of it, then of its delete, has finished: the trigger hears of each BEFORE the row is
		// written. The pending row saved before each (Prepare Only: author and text fingerprint, or 'deleting') must
		// keep all three from going back out.
		if (queueMode) it("a post, an edit and a delete made with a sender's credential, heard before their row is saved, are not sent back (the pending row)", async () => {
			const adeleSender = await createCredential(client, { name: 'Adele (sender)', type: SENDER_TYPE, data: integrationAccountCredentialData(emulatorTenantOf(emulator)) });
			await connectOAuth2OverHttp(client, adeleSender, { login: SEED_USERS.adele.upn, password: SEED_USERS.adele.password });
			const stored = shipped;
			const oldSubscription = Object.keys(emulator.state.data.subscriptions)[0];
			await deactivateWorkflow(client, workflowId);
			// The bridge as shipped, with Adele's sender credential on the Teams Message nodes, and the gate after Mirror.
			const nodes = stored.nodes.map((node) =>
				node.parameters.operation === 'mirror' ? { ...node, credentials: { ...node.credentials, [SENDER_TYPE]: { id: adeleSender, name: 'Adele (sender)' } } } : node,
			);
			const gate: ExampleNode = {
				name: 'Gate before saving the row', type: 'n8n-nodes-base.httpRequest', typeVersion: 4.2, position: [0, -300], id: 'e2e-0000-4000-8000-000000000001',
				parameters: { method: 'POST', url: `=${outside.url}/gate/{{ encodeURIComponent($json.outsideId) }}`, sendBody: true, specifyBody: 'json', jsonBody: '={{ JSON.stringify($json) }}', options: { timeout: PHASE_MS } },
			};
			const connections: Json = { ...stored.connections };
			connections['Mirror into the chat'] = { main: [[{ node: gate.name, type: 'main', index: 0 }]] };
			connections[gate.name] = { main: [[{ node: 'Has a row to save', type: 'main', index: 0 }]] };
			const raced = (await createWorkflow(client, { name: `${stored.name} (sender credential, row held back)`, nodes: [...nodes, gate], connections, settings: stored.settings } as never)).id;
			await activateWorkflow(client, raced);
			expect(await eventually(() => {
				const ids = Object.keys(emulator.state.data.subscriptions);
				return ids.length === 1 && ids[0] !== oldSubscription;
			}, 180_000)).toBe(true);
			/** Whether a finished execution of the bridge started from the trigger's item for this change of that message. */
			const heard = async (messageId: string, change: string): Promise<boolean> => {
				for (const summary of await listExecutions(client, raced)) {
					if (!['success', 'error', 'crashed', 'canceled'].includes(summary.status)) continue;
					const items = nodeOutput(await getExecution(client, summary.id), 'Expert writes') as Json[];
					if (items.some((item) => item.id === messageId && (item.trigger as Json | undefined)?.change === change)) return true;
				}
				return false;
			};
			const adeleOutside = outside.write('Adele from her phone: the Contoso & Fabrikam quote is ready <v2>');
			const callsBefore = outside.calls.length;
			const event = { type: 'created', messageId: adeleOutside.id, text: adeleOutside.text, author: 'Adele Vance' };
			events.outside.push(event);

			// The post: made with Adele's credential on a worker; its row is held back.
			outside.holdSave(adeleOutside.id);
			await tellBridge(event);
			const fromAdele = () => chatMessages().filter((message) => message.from?.user?.id === SEED_USERS.adele.id && plain(message.body?.content).startsWith('Adele from her phone'));
			expect(await eventually(() => fromAdele().length === 1 && outside.saveWaiting(adeleOutside.id), PHASE_MS)).toBe(true);
			// Graph announced it to main; the Teams → outside execution of it ran to its end while the row was still unsaved.
			expect(await eventually(async () => await heard(fromAdele()[0].id!, 'created'), PHASE_MS)).toBe(true);
			expect(outside.saveWaiting(adeleOutside.id)).toBe(true);
			// That execution did not send it back: it recognised the post by its pending row (author, fingerprint) and
			// completed the row itself.
			expect(outside.calls.slice(callsBefore)).toEqual([]);
			const completedByTeamsHalf = (await dataTableRows(client, table)).filter((row) => row.outsideId === adeleOutside.id);
			expect(completedByTeamsHalf).toEqual([expect.objectContaining({ teamsMessageId: fromAdele()[0].id, postedAs: 'sender', teamsAuthorId: SEED_USERS.adele.id })]);
			outside.releaseSave(adeleOutside.id);
			await settled(raced);

			// The edit: made with Adele's credential (she posted it), its row save held back the same way.
			const teamsCopy = fromAdele()[0];
			adeleOutside.text = `${adeleOutside.text}, edited`;
			const edit = { type: 'edited', messageId: adeleOutside.id, text: adeleOutside.text, author: 'Adele Vance' };
			events.outside.push(edit);
			outside.holdSave(adeleOutside.id);
			await tellBridge(edit);
			expect(await eventually(() => plain(fromAdele()[0]?.body?.content).endsWith(', edited') && outside.saveWaiting(adeleOutside.id), PHASE_MS)).toBe(true);
			expect(await eventually(async () => await heard(teamsCopy.id!, 'edited'), PHASE_MS)).toBe(true);
			expect(outside.saveWaiting(adeleOutside.id)).toBe(true);
			expect(outside.calls.slice(callsBefore)).toEqual([]);
			outside.releaseSave(adeleOutside.id);
			await settled(raced);

			expect(fromAdele()).toHaveLength(1);
			expect(fromAdele()[0].id).toBe(teamsCopy.id);
			expect(visibleText(fromAdele()[0].body?.content)).toBe(adeleOutside.text);
			expect((await dataTableRows(client, table)).filter((row) => row.outsideId === adeleOutside.id)).toEqual([
				expect.objectContaining({ teamsMessageId: teamsCopy.id, postedAs: 'sender', teamsFingerprint: expect.stringMatching(/^[0-9a-f]{32}$/), deleted: false }),
			]);

			// The delete: made with Adele's credential, its row save held back the same way.
			adeleOutside.deleted = true;
			const deletion = { type: 'deleted', messageId: adeleOutside.id, author: 'Adele Vance' };
			events.outside.push(deletion);
			outside.holdSave(adeleOutside.id);
			await tellBridge(deletion);
			expect(await eventually(() => Boolean(chatMessages().find((message) => message.id === teamsCopy.id)?.deletedDateTime) && outside.saveWaiting(adeleOutside.id), PHASE_MS)).toBe(true);
			expect(await eventually(async () => await heard(teamsCopy.id!, 'deleted'), PHASE_MS)).toBe(true);
			expect(outside.saveWaiting(adeleOutside.id)).toBe(true);
			expect(outside.calls.slice(callsBefore)).toEqual([]);
			outside.releaseSave(adeleOutside.id);
			await settled(raced);

			// Nothing went back out: no post, no edit, no delete reached the outside chat.
			expect(outside.calls.slice(callsBefore)).toEqual([]);
			const adelesCopies = chatMessages().filter((message) => message.from?.user?.id === SEED_USERS.adele.id && message.id === teamsCopy.id);
			expect(adelesCopies).toHaveLength(1);
			expect(adelesCopies[0].deletedDateTime).toBeTruthy();
			// And the mapping row is complete: one row, the Teams message, posted as the sender, deleted.
			const rows = (await dataTableRows(client, table)).filter((row) => row.outsideId === adeleOutside.id);
			expect(rows).toEqual([
				expect.objectContaining({
					platform: 'contactcentre', teamsMessageId: teamsCopy.id, chatId: CHAT, origin: 'outside', postedAs: 'sender',
					teamsAuthorId: SEED_USERS.adele.id, deleted: true,
				}),
			]);
			await deactivateWorkflow(client, raced);
		}, CONVERSATION_MS);
	});
}

/** POSTs a body to an HTTPS URL (the front; its certificate is the test CA's). */
async function postTo(url: string, body: string): Promise<number> {
	return await new Promise((resolve, reject) => {
		const request = httpsRequest(url, { method: 'POST', headers: { 'content-type': 'application/json' } }, (response) => {
			response.resume();
			response.on('end', () => resolve(response.statusCode ?? 0));
		});
		request.on('error', reject);
		request.end(body);
	});
}

bridgeSuite('regular');
bridgeSuite('queue', { workers: 2, concurrency: 3, database: 'postgres' });
