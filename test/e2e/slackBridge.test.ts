// The Slack ⇄ Teams two-way bridge example (examples/teams-slack-two-way-bridge.json), imported as shipped into a
// real n8n 2.40.7, with n8n's own Slack Trigger and Slack nodes and its Data table, against a local Slack stand-in:
//
// - Slack → n8n: Events API requests as Slack sends them (an `event_callback` envelope around the event, signed with
//   the app's signing secret: `X-Slack-Signature: v0=HMAC-SHA256("v0:<timestamp>:<body>")` and
//   `X-Slack-Request-Timestamp`, https://api.slack.com/authentication/verifying-requests-from-slack), posted to the
//   Slack Trigger's production webhook: a post, a thread reply, the hidden `message_replied` update of the parent
//   (sent without its subtype over the Events API, https://api.slack.com/events/message/message_replied), a
//   `channel_join`, edits (`message_changed`) and a delete (`message_deleted`), and a request with a wrong signature.
// - n8n → Slack: n8n's Slack node calls https://slack.com/api/<method> with no base-URL setting. n8n 2.40.7 sends
//   node requests through the standard proxy variables (HTTPS_PROXY, NO_PROXY; @n8n/backend-network with
//   proxy-from-env), so n8n runs with HTTPS_PROXY set to a local CONNECT proxy that tunnels slack.com:443 (and
//   nothing else) to the stand-in, which answers TLS with a slack.com certificate issued by the emulator's CA (n8n
//   trusts it through NODE_EXTRA_CA_CERTS). The emulator stays direct (NO_PROXY). The stand-in answers
//   chat.postMessage, chat.update, chat.delete and users.info as the Web API documents, and, as Slack does, sends
//   the bridge's own posts, edits and deletes back to the trigger as events (with the app's bot_id).
// - Teams: Adele's posts, replies, edits and deletes in the Sales General channel of the emulator tenant, announced
//   by Graph change notifications to the example's Microsoft 365 Trigger.
import { createHmac, randomBytes } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import {
	activateWorkflow,
	callProductionWebhook,
	createBridgeTable,
	createCredential,
	createWorkflow,
	dataTableRows,
	ensureN8n,
	eventually,
	listExecutions,
	packPackage,
	signInAsOwner,
	startN8n,
	type DataTable,
	type N8nInstance,
	type N8nRestClient,
} from '../../scripts/n8n-runtime';
import { SEED_CHANNELS, SEED_TEAMS, SEED_USERS, startEmulator, type Emulator } from '../emulator';
import { idleDeliveries } from '../emulator/graph/subscriptions';
import { buildChatMessage } from '../emulator/state/builders';
import type { GraphChatMessage } from '../emulator/state/types';
import { emulatorIssuedTlsOptions } from '../harness/tls';
import { describeEmulatorOnly } from '../support/target';
import { connectedEmulatorCredentials } from './emulatorTenant';
import { startHttpsFront, type HttpsFront } from './queueModeSupport';

const INSTALL_AND_START_MS = 30 * 60_000;
/** A step's deadline: only stops a hung wait, the assertions decide. */
const STEP_MS = 5 * 60_000;
const EXAMPLE = join(__dirname, '..', '..', 'examples', 'teams-slack-two-way-bridge.json');
const SLACK_CHANNEL = 'C0123456789';
const TEAM = SEED_TEAMS.sales.id;
const CHANNEL = SEED_CHANNELS.salesGeneral.id;
const SIGNING_SECRET = randomBytes(16).toString('hex');
const BOT_TOKEN = `xoxb-${randomBytes(12).toString('hex')}`;
const BOT = { user: 'U0BRIDGEBOT', botId: 'B0BRIDGE', appId: 'A0BRIDGE' };
const PEOPLE: Record<string, { name: string; displayName: string }> = {
	U0ALICE: { name: 'alice', displayName: 'Alice Slack' },
	U0BOB: { name: 'bob', displayName: 'Bob Slack' },
};

type Json = Record<string, unknown>;
interface ExampleNode { name: string; type: string; parameters: Json; credentials?: Json; webhookId?: string; [key: string]: unknown }
interface SlackMessage { ts: string; text: string; user: string; thread_ts?: string; bot_id?: string; app_id?: string; deleted: boolean }
interface WebApiCall { method: string; body: Json }

async function readBody(req: IncomingMessage): Promise<string> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks).toString();
}

/**
 * Slack for this test: the Web API on https://slack.com/api (reached through `proxyUrl`), the channel's messages,
 * and the Events API sender (`deliver`, set once n8n runs).
 */
async function startSlack() {
	const messages = new Map<string, SlackMessage>();
	const calls: WebApiCall[] = [];
	const refusedTunnels: string[] = [];
	let clock = 1_764_900_000;
	/** Slack message timestamps; every one ends in "00", which a number conversion would cut off. */
	const nextTs = () => `${++clock}.${String(clock % 10_000).padStart(4, '0')}00`;
	const echoes: Array<Promise<void>> = [];
	const echoErrors: unknown[] = [];
	const slack = {
		messages,
		calls,
		refusedTunnels,
		nextTs,
		proxyUrl: '',
		/** Sends an event to the bridge (set by the test once n8n runs). */
		deliver: async (_event: Json): Promise<void> => { throw new Error('n8n is not running yet'); },
		/** The bridge's own posts, edits and deletes coming back as events, as Slack sends them. */
		echoesDone: async () => {
			await Promise.all(echoes);
			if (echoErrors.length) throw echoErrors[0];
		},
		close: async () => {},
	};
	const echo = (event: Json) => {
		echoes.push(slack.deliver(event).catch((error: unknown) => { echoErrors.push(error); }));
	};
	const asEvent = (message: SlackMessage): Json => ({
		type: 'message', user: message.user, text: message.text, ts: message.ts,
		...(message.thread_ts ? { thread_ts: message.thread_ts } : {}),
		...(message.bot_id ? { bot_id: message.bot_id, app_id: message.app_id } : {}),
	});

	function webApi(method: string, body: Json, authorization: string | undefined): Json {
		calls.push({ method, body });
		if (authorization !== `Bearer ${BOT_TOKEN}`) return { ok: false, error: 'invalid_auth' };
		if (method === 'users.info') {
			const person = PEOPLE[String(body.user)];
			if (!person) return { ok: false, error: 'user_not_found' };
			return { ok: true, user: { id: body.user, name: person.name, real_name: person.displayName, profile: { real_name: person.displayName, display_name: person.displayName } } };
		}
		if (!['chat.postMessage', 'chat.update', 'chat.delete'].includes(method)) return { ok: false, error: 'unknown_method' };
		if (body.channel !== SLACK_CHANNEL) return { ok: false, error: 'channel_not_found' };
		if (method === 'chat.postMessage') {
			if (typeof body.text !== 'string' || body.text === '') return { ok: false, error: 'no_text' };
			const threadTs = typeof body.thread_ts === 'string' ? body.thread_ts : undefined;
			if (threadTs && !messages.has(threadTs)) return { ok: false, error: 'thread_not_found' };
			const message: SlackMessage = { ts: nextTs(), text: body.text, user: BOT.user, bot_id: BOT.botId, app_id: BOT.appId, thread_ts: threadTs, deleted: false };
			messages.set(message.ts, message);
			echo({ ...asEvent(message), channel: SLACK_CHANNEL, event_ts: message.ts, channel_type: 'channel' });
			return { ok: true, channel: SLACK_CHANNEL, ts: message.ts, message: { type: 'message', ...asEvent(message) } };
		}
		const message = messages.get(String(body.ts));
		if (!message || message.deleted) return { ok: false, error: 'message_not_found' };
		// A bot token changes only its own app's messages.
		if (message.bot_id !== BOT.botId) return { ok: false, error: method === 'chat.update' ? 'cant_update_message' : 'cant_delete_message' };
		const eventTs = nextTs();
		const previous = asEvent(message);
		if (method === 'chat.update') {
			if (typeof body.text !== 'string' || body.text === '') return { ok: false, error: 'no_text' };
			message.text = body.text;
			const changed = { ...asEvent(message), edited: { user: BOT.user, ts: eventTs } };
			echo({ type: 'message', subtype: 'message_changed', hidden: true, channel: SLACK_CHANNEL, ts: eventTs, event_ts: eventTs, message: changed, previous_message: previous });
			return { ok: true, channel: SLACK_CHANNEL, ts: message.ts, text: message.text, message: changed };
		}
		message.deleted = true;
		echo({ type: 'message', subtype: 'message_deleted', hidden: true, channel: SLACK_CHANNEL, ts: eventTs, event_ts: eventTs, deleted_ts: message.ts, previous_message: previous });
		return { ok: true, channel: SLACK_CHANNEL, ts: message.ts };
	}

	const api = createHttpsServer(emulatorIssuedTlsOptions(['slack.com']), (req: IncomingMessage, res: ServerResponse) => {
		void (async () => {
			const url = new URL(req.url ?? '/', 'https://slack.com');
			const text = await readBody(req);
			const method = /^\/api\/([\w.]+)$/.exec(url.pathname)?.[1] ?? url.pathname;
			const body: Json = { ...Object.fromEntries(url.searchParams), ...(text ? (JSON.parse(text) as Json) : {}) };
			const answer = webApi(method, body, req.headers.authorization);
			res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
			res.end(JSON.stringify(answer));
		})().catch((error: Error) => {
			res.writeHead(500);
			res.end(error.message);
		});
	});
	await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
	const apiPort = (api.address() as AddressInfo).port;

	// The proxy n8n is given (HTTPS_PROXY): CONNECT slack.com:443 is tunnelled to the stand-in, anything else refused.
	const sockets = new Set<Socket>();
	const proxy = createHttpServer((_req, res) => {
		res.writeHead(405);
		res.end();
	});
	proxy.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
		sockets.add(client);
		if (req.url !== 'slack.com:443') {
			refusedTunnels.push(String(req.url));
			client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
			return;
		}
		const upstream = connect(apiPort, '127.0.0.1', () => {
			client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
			if (head.length) upstream.write(head);
			upstream.pipe(client);
			client.pipe(upstream);
		});
		sockets.add(upstream);
		const end = () => { upstream.destroy(); client.destroy(); };
		upstream.on('error', end);
		client.on('error', end);
	});
	await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
	slack.proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
	slack.close = async () => {
		for (const socket of sockets) socket.destroy();
		api.closeAllConnections();
		await Promise.all([api, proxy].map(async (server) => await new Promise<void>((resolve) => server.close(() => resolve()))));
	};
	return slack;
}

/** What a reader sees (tags as spaces, entities decoded). */
const plain = (html: string | null | undefined) =>
	String(html ?? '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim()
		.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');

describeEmulatorOnly(['notifications', 'state', 'seed', 'signInPage'], 'Slack ⇄ Teams two-way bridge example, with n8n\'s Slack nodes, in a real n8n', () => {
	let emulator: Emulator;
	let front: HttpsFront;
	let instance: N8nInstance | undefined;
	let client: N8nRestClient;
	let slack: Awaited<ReturnType<typeof startSlack>>;
	let table: DataTable;
	let workflowId = '';
	let webhookPath = '';
	let teamsSequence = 0;
	let integrationBefore = 0;

	/** Signs and posts an Events API request to the Slack Trigger, as Slack does; `sign` false: a wrong signature. */
	async function post(payload: Json, sign = true): Promise<{ status: number; text: string }> {
		const body = JSON.stringify(payload);
		const timestamp = String(Math.floor(Date.now() / 1000));
		const signature = `v0=${createHmac('sha256', sign ? SIGNING_SECRET : 'not-the-secret').update(`v0:${timestamp}:${body}`).digest('hex')}`;
		let status = 0;
		let text = '';
		// Slack retries a delivery that failed; n8n on a loaded machine may answer 5xx before any workflow ran.
		await eventually(async () => {
			const response = await callProductionWebhook(instance!, webhookPath, {
				method: 'POST',
				headers: { 'content-type': 'application/json', 'x-slack-signature': signature, 'x-slack-request-timestamp': timestamp },
				body,
			});
			status = response.status;
			text = await response.text();
			return status < 500;
		}, STEP_MS);
		return { status, text };
	}
	let eventSequence = 0;
	async function deliver(event: Json): Promise<void> {
		const answer = await post({
			token: 'deprecated-verification-token', team_id: 'T0TEAM', api_app_id: BOT.appId, type: 'event_callback',
			event: { channel: SLACK_CHANNEL, channel_type: 'channel', ...event },
			event_id: `Ev${String(++eventSequence).padStart(8, '0')}`, event_time: Math.floor(Date.now() / 1000),
		});
		expect(answer.status).toBe(200);
	}

	beforeAll(async () => {
		emulator = await startEmulator({ rules: { meteredApis: false } });
		slack = await startSlack();
		slack.deliver = deliver;
		front = await startHttpsFront();
		const [, packageTgz] = await Promise.all([ensureN8n(), packPackage()]);
		instance = await startN8n({
			packageTgz,
			env: { N8N_WEBHOOK_URL: front.url, HTTPS_PROXY: slack.proxyUrl, NO_PROXY: '127.0.0.1,localhost' },
		});
		front.setTarget(instance.port);
		client = await signInAsOwner(instance);
		const credentials = await connectedEmulatorCredentials(client, instance, emulator);
		const slackCredential = { id: await createCredential(client, { name: 'Slack', type: 'slackApi', data: { accessToken: BOT_TOKEN, signatureSecret: SIGNING_SECRET } }), name: 'Slack' };
		table = await createBridgeTable(client);
		// The example as shipped; only the team, the channel and the credentials are the user's own.
		const text = readFileSync(EXAMPLE, 'utf8').split('61165b04-e4cc-4026-b43f-926b4e2a7182').join(TEAM).split('19:4a95f7d8db4c4e7fae857bcebe0623e6@thread.tacv2').join(CHANNEL);
		const example = JSON.parse(text) as { name: string; nodes: ExampleNode[]; connections: Json; settings: Json };
		const nodes = example.nodes.map((node) => {
			if (!node.credentials) return node;
			if ('slackApi' in node.credentials) return { ...node, credentials: { slackApi: slackCredential } };
			if ('redis' in node.credentials) return node;
			return { ...node, credentials: { m365IntegrationAccountOAuth2Api: credentials.integrationAccount } };
		});
		const trigger = nodes.find((node) => node.type === 'n8n-nodes-base.slackTrigger')!;
		webhookPath = `${trigger.webhookId}/webhook`;
		workflowId = (await createWorkflow(client, { name: example.name, nodes, connections: example.connections, settings: example.settings } as never)).id;
		await activateWorkflow(client, workflowId);
		await eventually(() => Object.values(emulator.state.data.subscriptions).length === 1, 180_000);
		integrationBefore = channelMessages().filter((message) => message.from?.user?.id === SEED_USERS.integration.id).length;
	}, INSTALL_AND_START_MS);

	afterAll(async () => {
		await instance?.stop();
		await front?.close();
		await slack?.close();
		await emulator?.close();
	}, 120_000);

	const channelMessages = () => emulator.state.channel(TEAM, CHANNEL)!.messages;
	const adele = () => emulator.state.user(SEED_USERS.adele.id)!;
	/** The bridge's messages in Teams (the integration account's, since the test started). */
	const mirrored = () => channelMessages().filter((message) => message.from?.user?.id === SEED_USERS.integration.id).slice(integrationBefore);
	const mirrorOf = (text: string) => mirrored().filter((message) => plain(message.body?.content).endsWith(text));
	const bridgePosts = () => [...slack.messages.values()].filter((message) => message.bot_id === BOT.botId);
	const callsOf = (method: string) => slack.calls.filter((call) => call.method === method);

	/** Nothing in flight: Graph has delivered, Slack's echoes are in, n8n has finished every execution. */
	async function settled(): Promise<void> {
		await idleDeliveries(emulator);
		await slack.echoesDone();
		await eventually(async () => (await listExecutions(client, workflowId)).every((execution) => ['success', 'error', 'crashed', 'canceled'].includes(execution.status)), STEP_MS);
		await idleDeliveries(emulator);
		await slack.echoesDone();
	}

	function adelePosts(html: string, replyTo?: GraphChatMessage): GraphChatMessage {
		const message = buildChatMessage({
			createdDateTime: emulator.clock.now().toISOString(), from: adele(), content: html,
			channel: { teamId: TEAM, channelId: CHANNEL }, replyToId: replyTo?.id, sequence: ++teamsSequence,
		});
		return emulator.state.addChannelMessage(TEAM, CHANNEL, message);
	}

	// Slack people's messages, kept in the stand-in as Slack keeps them.
	function person(user: string, text: string, threadTs?: string): SlackMessage {
		const message: SlackMessage = { ts: slack.nextTs(), text, user, thread_ts: threadTs, deleted: false };
		slack.messages.set(message.ts, message);
		return message;
	}

	let alicePost: SlackMessage;
	let bobReply: SlackMessage;

	it('verifies Slack\'s signature and answers the URL verification challenge', async () => {
		const challenge = await post({ token: 'x', challenge: 'challenge-1234', type: 'url_verification' });
		expect(challenge).toEqual({ status: 200, text: JSON.stringify({ challenge: 'challenge-1234' }) });
		const forged = await post({ type: 'event_callback', event: { type: 'message', channel: SLACK_CHANNEL, user: 'U0ALICE', text: 'Forged', ts: slack.nextTs() } }, false);
		expect(forged.status).toBe(401);
	}, STEP_MS);

	it('Slack → Teams: a post, a thread reply, edits and a delete, each mirrored once; joins and thread updates ignored', async () => {
		alicePost = person('U0ALICE', 'Hello from Slack: 1 &lt; 2 &amp; done');
		await deliver({ type: 'message', user: alicePost.user, text: alicePost.text, ts: alicePost.ts, event_ts: alicePost.ts, client_msg_id: 'c1' });
		await eventually(() => mirrorOf('Hello from Slack: 1 < 2 & done').length > 0, STEP_MS);
		// The reply's lookup needs the post's row (the executions of two Slack events may overlap).
		await eventually(async () => (await dataTableRows(client, table)).some((row) => row.outsideId === alicePost.ts), STEP_MS);
		await settled();

		bobReply = person('U0BOB', 'Reply from Bob', alicePost.ts);
		await deliver({ type: 'message', user: bobReply.user, text: bobReply.text, ts: bobReply.ts, thread_ts: alicePost.ts, parent_user_id: 'U0ALICE', event_ts: bobReply.ts });
		// The parent's update Slack sends with a reply (documented as message_replied, dispatched without its subtype).
		const repliedTs = slack.nextTs();
		await deliver({ type: 'message', hidden: true, ts: repliedTs, event_ts: repliedTs, message: { type: 'message', user: alicePost.user, text: alicePost.text, ts: alicePost.ts, thread_ts: alicePost.ts, reply_count: 1, replies: [{ user: 'U0BOB', ts: bobReply.ts }] } });
		const joinTs = slack.nextTs();
		await deliver({ type: 'message', subtype: 'channel_join', user: 'U0CAROL', text: '<@U0CAROL> has joined the channel', ts: joinTs, event_ts: joinTs });
		await eventually(() => mirrorOf('Reply from Bob').length > 0, STEP_MS);
		await settled();

		const [aliceCopy] = mirrorOf('Hello from Slack: 1 < 2 & done');
		const [bobCopy] = mirrorOf('Reply from Bob');
		expect(mirrored()).toHaveLength(2);
		expect(aliceCopy.replyToId).toBeNull();
		expect(bobCopy.replyToId).toBe(aliceCopy.id);
		// Attributed with the Slack user's name (users.info), by the integration account.
		expect(plain(aliceCopy.body?.content)).toMatch(/^Alice Slack \(external, via Slack\):/);
		expect(plain(bobCopy.body?.content)).toMatch(/^Bob Slack \(external, via Slack\):/);

		// Edits: message_changed of the post and of the reply (message.ts is the edited message).
		for (const [message, text] of [[alicePost, 'Hello from Slack, edited'], [bobReply, 'Reply from Bob, edited']] as const) {
			// A thread's parent carries its own ts as thread_ts once it has replies.
			const threadTs = message === alicePost ? alicePost.ts : message.thread_ts;
			const previous = { type: 'message', user: message.user, text: message.text, ts: message.ts, thread_ts: threadTs };
			message.text = text;
			const eventTs = slack.nextTs();
			await deliver({ type: 'message', subtype: 'message_changed', hidden: true, ts: eventTs, event_ts: eventTs, message: { ...previous, text, edited: { user: message.user, ts: eventTs } }, previous_message: previous });
		}
		await eventually(() => mirrorOf('Reply from Bob, edited').length > 0 && mirrorOf('Hello from Slack, edited').length > 0, STEP_MS);
		// Delete: message_deleted of the reply (deleted_ts), without waiting for the edits' executions to end: the
		// edit's row save may land after the delete's, and must not undo `deleted` (Save mapping (deleted as is)).
		const deleteTs = slack.nextTs();
		bobReply.deleted = true;
		await deliver({ type: 'message', subtype: 'message_deleted', hidden: true, ts: deleteTs, event_ts: deleteTs, deleted_ts: bobReply.ts, previous_message: { type: 'message', user: bobReply.user, text: bobReply.text, ts: bobReply.ts, thread_ts: alicePost.ts } });
		const current = (id: string) => channelMessages().find((message) => message.id === id)!;
		await eventually(() => plain(current(aliceCopy.id!).body?.content).endsWith('Hello from Slack, edited') && Boolean(current(bobCopy.id!).deletedDateTime), STEP_MS);
		await settled();

		expect(plain(current(aliceCopy.id!).body?.content)).toMatch(/^Alice Slack \(external, via Slack\): .*Hello from Slack, edited$/);
		expect(current(aliceCopy.id!).lastEditedDateTime).toBeTruthy();
		expect(current(bobCopy.id!).deletedDateTime).toBeTruthy();
		expect(mirrored()).toHaveLength(2);
		// Nothing went to Slack: the bridge wrote nothing there for Slack's own messages.
		expect([...callsOf('chat.postMessage'), ...callsOf('chat.update'), ...callsOf('chat.delete')]).toEqual([]);
		const rows = await dataTableRows(client, table);
		expect(rows.map((row) => [row.outsideId, row.outsideThreadId, row.teamsMessageId, row.origin, Boolean(row.deleted)]).sort()).toEqual([
			[alicePost.ts, '', aliceCopy.id, 'outside', false],
			[bobReply.ts, alicePost.ts, bobCopy.id, 'outside', true],
		].sort());
	}, 2 * STEP_MS);

	it('Teams → Slack: a post, replies, an edit and a delete as chat.postMessage, chat.update and chat.delete; nothing echoed', async () => {
		const aliceCopy = mirrorOf('Hello from Slack, edited')[0];
		const teamsPost = adelePosts('<p>Teams says 3 &gt; 2 &amp; hi</p>');
		const replyToSlack = adelePosts('<p>Adele answers Alice</p>', aliceCopy);
		await eventually(() => callsOf('chat.postMessage').length >= 2, STEP_MS);
		await settled();
		const replyToOwn = adelePosts('<p>Adele adds to her own</p>', teamsPost);
		await eventually(() => callsOf('chat.postMessage').length >= 3, STEP_MS);
		await settled();

		const posted = callsOf('chat.postMessage').map((call) => call.body);
		expect(posted).toHaveLength(3);
		const postedText = (text: string) => posted.find((body) => body.text === `*Adele Vance* (Teams): ${text}`) ?? {};
		const [top, answer, own] = ['Teams says 3 &gt; 2 &amp; hi', 'Adele answers Alice', 'Adele adds to her own'].map(postedText);
		// Slack text keeps &, <, > escaped (&amp; &lt; &gt;), as Slack requires.
		expect(top).toMatchObject({ channel: SLACK_CHANNEL, text: '*Adele Vance* (Teams): Teams says 3 &gt; 2 &amp; hi' });
		expect(top.thread_ts).toBeUndefined();
		expect(answer).toMatchObject({ channel: SLACK_CHANNEL, text: '*Adele Vance* (Teams): Adele answers Alice', thread_ts: alicePost.ts });
		const topTs = bridgePosts().find((message) => message.text === top.text)!.ts;
		expect(own).toMatchObject({ channel: SLACK_CHANNEL, text: '*Adele Vance* (Teams): Adele adds to her own', thread_ts: topTs });

		// Edit and delete in Teams.
		emulator.state.updateChannelMessage(TEAM, CHANNEL, teamsPost.id!, { body: { contentType: 'html', content: '<p>Teams says 3 &gt; 2, edited</p>' }, lastEditedDateTime: emulator.clock.now().toISOString() });
		await eventually(() => callsOf('chat.update').length >= 1, STEP_MS);
		await settled();
		emulator.state.updateChannelMessage(TEAM, CHANNEL, replyToOwn.id!, { deletedDateTime: emulator.clock.now().toISOString(), body: { contentType: 'html', content: '' } });
		await eventually(() => callsOf('chat.delete').length >= 1, STEP_MS);
		await settled();

		const ownTs = bridgePosts().find((message) => message.text === own.text)!.ts;
		// The message timestamps exactly as Slack gave them (a number would have lost the trailing zeros).
		expect(callsOf('chat.update').map((call) => call.body)).toEqual([{ channel: SLACK_CHANNEL, ts: topTs, text: '*Adele Vance* (Teams): Teams says 3 &gt; 2, edited' }]);
		expect(callsOf('chat.delete').map((call) => call.body)).toEqual([{ channel: SLACK_CHANNEL, ts: ownTs }]);
		expect(slack.messages.get(topTs)!.text).toBe('*Adele Vance* (Teams): Teams says 3 &gt; 2, edited');
		expect(slack.messages.get(ownTs)!.deleted).toBe(true);
		expect(replyToSlack.id).toBeTruthy();

		// No echo: Slack sent every one of the bridge's posts, edits and deletes back to the trigger, and Teams'
		// notifications of the bridge's own Teams posts came in too; nothing came back either way.
		expect(mirrored()).toHaveLength(2);
		expect(callsOf('chat.postMessage')).toHaveLength(3);
		expect(callsOf('chat.update')).toHaveLength(1);
		expect(callsOf('chat.delete')).toHaveLength(1);
		// Through the proxy the workflow reached only slack.com (n8n's own calls home, api.n8n.io, were refused);
		// Graph and the emulator's sign-in went direct (NO_PROXY).
		expect(slack.refusedTunnels.filter((target) => !/(^|\.)n8n\.io:443$/.test(target))).toEqual([]);
		const rows = await dataTableRows(client, table);
		const teamsRows = rows.filter((row) => row.origin === 'teams');
		expect(teamsRows.map((row) => [row.teamsMessageId, row.outsideId, row.outsideThreadId, Boolean(row.deleted)]).sort()).toEqual([
			[teamsPost.id, topTs, '', false],
			[replyToSlack.id, bridgePosts().find((message) => message.text === answer.text)!.ts, alicePost.ts, false],
			[replyToOwn.id, ownTs, topTs, true],
		].sort());
	}, 2 * STEP_MS);

	// Not in Slack's event reference, but what Slack sends (reported by Slack SDK maintainers, e.g.
	// github.com/slack-edge/slack-edge/pull/10): a thread's first message deleted while it has replies stays as a
	// tombstone, announced as message_changed to a message of subtype tombstone by Slackbot.
	it('a thread\'s first message deleted in Slack while it has replies (Slack\'s tombstone) is deleted in Teams, nothing echoed', async () => {
		const [aliceCopy] = mirrorOf('Hello from Slack, edited');
		const callsBefore = slack.calls.filter((call) => call.method !== 'users.info').length;
		const eventTs = slack.nextTs();
		const previous = { type: 'message', user: alicePost.user, text: alicePost.text, ts: alicePost.ts, thread_ts: alicePost.ts };
		alicePost.deleted = true;
		await deliver({
			type: 'message', subtype: 'message_changed', hidden: true, ts: eventTs, event_ts: eventTs, previous_message: previous,
			message: { type: 'message', subtype: 'tombstone', hidden: true, user: 'USLACKBOT', text: 'This message was deleted.', ts: alicePost.ts, thread_ts: alicePost.ts, reply_count: 1 },
		});
		const current = () => channelMessages().find((message) => message.id === aliceCopy.id)!;
		await eventually(() => Boolean(current().deletedDateTime), STEP_MS);
		await settled();
		expect(current().deletedDateTime).toBeTruthy();
		expect(mirrored()).toHaveLength(2);
		expect(slack.calls.filter((call) => call.method !== 'users.info')).toHaveLength(callsBefore);
		const rows = await dataTableRows(client, table);
		expect(rows.filter((row) => row.outsideId === alicePost.ts).map((row) => Boolean(row.deleted))).toEqual([true]);
	}, STEP_MS);
});
