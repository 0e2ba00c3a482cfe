/**
 * Teams posting benchmark, with Microsoft's throttling limits on in the emulator (one chat or one channel: 1 request
 * per second per app, and 1 post per second per user; beside them 4 requests per second per team, 20 chat posts and
 * 50 channel posts per second per app per tenant). Jobs: 1,000 posts into one chat, the same with 20% of POSTs
 * throttled on top, and 1,000 posts into one channel, each against its floor (the time the limit allows at best: one
 * post per second, so each job takes about 17 minutes at 1,000 posts; TEAMS_POST_BENCH_POSTS=20 for a quick run). 1,000 chat messages through the node (integration account, lost-answer guard,
 * Retry-After handling) next to the naive way, one POST per item with no Retry-After handling: as n8n's HTTP
 * Request node sends them (n8n's request helper with the OAuth2 credential, "httpRequest node" below), and with a
 * bare keep-alive HTTPS client ("raw client", the floor of any client). First without faults, then with 20% of
 * POSTs throttled (429 + Retry-After).
 *
 * The throttle floor adds the time Graph's Retry-After imposes on a sequential poster: (429 answers) × Retry-After.
 * Real Teams answers Retry-After in whole seconds; the benchmark scales it down (TEAMS_POST_BENCH_RETRY_AFTER,
 * default 0.1 s). Our client counts a throttled post against the chat's window (Graph may have counted it), so each
 * injected 429 costs it up to the 1 s window rather than the scaled-down Retry-After: the ratio to this floor shows
 * that price. The naive clients do not wait for the window: past the first post of each second they draw 429s.
 *
 * Run: node scripts/with-emulator-ca.js npx tsx bench/teams-post.bench.ts
 * Env: TEAMS_POST_BENCH_POSTS (default 1000), TEAMS_POST_BENCH_LATENCY_MS (default 10),
 *      TEAMS_POST_BENCH_THROTTLE (default 0.2), TEAMS_POST_BENCH_RETRY_AFTER (seconds, default 0.1).
 * Writes bench/results/teams-post.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { NodeConnectionTypes, type IExecuteFunctions, type INodeExecutionData, type INodeType, type INodeTypeDescription } from 'n8n-workflow';

import { runNode } from '../test/harness';
import { SEED_APPS, SEED_CHANNELS, SEED_CHATS, SEED_USERS, startEmulator, type Emulator } from '../test/emulator';
import { integrationAccountCredentialData } from '../test/support/emulatorCredentials';
import { closeRawClient, machineLoad, measure, meterEmulatorHandlers, rawCall, withCpuSplit, withProgress, type CpuSplit } from './support';

// tsx resolves 'M365TeamsMessage.node' to the codex file M365TeamsMessage.node.json, so the class is required by its full name.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { M365TeamsMessage } = require('../nodes/M365TeamsMessage/M365TeamsMessage.node.ts') as typeof import('../nodes/M365TeamsMessage/M365TeamsMessage.node');

const POSTS = Number(process.env.TEAMS_POST_BENCH_POSTS ?? 1000);
const LATENCY_MS = Number(process.env.TEAMS_POST_BENCH_LATENCY_MS ?? 10);
const THROTTLE = Number(process.env.TEAMS_POST_BENCH_THROTTLE ?? 0.2);
const RETRY_AFTER_SECONDS = Number(process.env.TEAMS_POST_BENCH_RETRY_AFTER ?? 0.1);
const CHAT_ID = SEED_CHATS.projectFalcon.id;
const CHANNEL = SEED_CHANNELS.salesGeneral;
/** Microsoft's limits (https://learn.microsoft.com/en-us/graph/throttling-limits#microsoft-teams-service-limits). */
const CHAT_REQUESTS_PER_SECOND = 1;
const CHANNEL_REQUESTS_PER_SECOND = 1;

type Target = 'chat' | 'channel';

function targetUrl(emulator: Emulator, target: Target): string {
	return target === 'chat'
		? `${emulator.graphUrl}/v1.0/chats/${encodeURIComponent(CHAT_ID)}/messages`
		: `${emulator.graphUrl}/v1.0/teams/${CHANNEL.teamId}/channels/${encodeURIComponent(CHANNEL.id)}/messages`;
}

function messageCount(emulator: Emulator, target: Target): number {
	return target === 'chat' ? (emulator.state.chat(CHAT_ID)?.messages.length ?? 0) : (emulator.state.channel(CHANNEL.teamId, CHANNEL.id)?.messages.length ?? 0);
}

interface Outcome {
	cpu?: CpuSplit;
	graphRequests: number;
	throttled: number;
	delivered: number;
	failed: number;
	wallMs: number;
	peakRssMb: number;
}


function delivered(emulator: Emulator, before: number, target: Target = 'chat'): number {
	return messageCount(emulator, target) - before;
}

/** Top-level Graph requests and how many of them were throttled. */
function throttleCounts(emulator: Emulator): { graphRequests: number; throttled: number } {
	const graph = emulator.requests.entries().filter((entry) => entry.host === 'graph' && !entry.batch);
	return { graphRequests: graph.length, throttled: graph.filter((entry) => entry.status === 429).length };
}

async function ours(emulator: Emulator, target: Target = 'chat'): Promise<Outcome> {
	const integration = await integrationAccountCredentialData(emulator);
	const before = messageCount(emulator, target);
	emulator.requests.reset();
	const where =
		target === 'chat'
			? { resource: 'chatMessage', chatId: { __rl: true, mode: 'id', value: CHAT_ID } }
			: { resource: 'channelMessage', teamId: { __rl: true, mode: 'id', value: CHANNEL.teamId }, channelId: { __rl: true, mode: 'id', value: CHANNEL.id } };
	const { result: run, cpu } = await withCpuSplit(emulator, async () =>
		await withProgress(`ours, ${POSTS} posts into one ${target}`, () => delivered(emulator, before, target), POSTS, async () =>
			await measure(async () =>
				await runNode({
					nodeType: new M365TeamsMessage(),
					parameters: { ...where, operation: 'post', contentType: 'text', content: '={{ "Update " + $json.n }}' },
					credentials: { m365IntegrationAccountOAuth2Api: integration },
					inputItems: Array.from({ length: POSTS }, (_, n) => ({ n })),
					continueOnFail: true,
				}),
			),
		),
	);
	const failed = (run.result.items[0] ?? []).filter((item) => item.json.error).length;
	return { ...throttleCounts(emulator), delivered: delivered(emulator, before, target), failed, wallMs: run.ms, peakRssMb: run.peakRssMb, cpu };
}

/** What n8n's HTTP Request node does with a predefined OAuth2 credential: one request per item through n8n's helper. */
class HttpRequestLikeNode implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'HTTP Request (bench)',
		name: 'httpRequestBench',
		group: ['transform'],
		version: 1,
		description: 'One POST per item',
		defaults: { name: 'HTTP Request (bench)' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'm365IntegrationAccountOAuth2Api', required: true }],
		properties: [{ displayName: 'URL', name: 'url', type: 'string', default: '' }],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const output: INodeExecutionData[] = [];
		const url = this.getNodeParameter('url', 0) as string;
		for (let index = 0; index < this.getInputData().length; index++) {
			try {
				const response = (await this.helpers.httpRequestWithAuthentication.call(this, 'm365IntegrationAccountOAuth2Api', {
					method: 'POST',
					url,
					body: { body: { contentType: 'text', content: `Update ${index}` } },
					json: true,
				})) as { id: string };
				output.push({ json: { id: response.id }, pairedItem: { item: index } });
			} catch (error) {
				output.push({ json: { error: (error as Error).message }, pairedItem: { item: index } });
			}
		}
		return [output];
	}
}

async function httpRequestNode(emulator: Emulator, target: Target = 'chat'): Promise<Outcome> {
	const integration = await integrationAccountCredentialData(emulator);
	const before = messageCount(emulator, target);
	emulator.requests.reset();
	const run = await measure(async () =>
		await runNode({
			nodeType: new HttpRequestLikeNode(),
			parameters: { url: targetUrl(emulator, target) },
			credentials: { m365IntegrationAccountOAuth2Api: integration },
			inputItems: Array.from({ length: POSTS }, (_, n) => ({ n })),
		}),
	);
	const failed = (run.result.items[0] ?? []).filter((item) => item.json.error).length;
	return { ...throttleCounts(emulator), delivered: delivered(emulator, before, target), failed, wallMs: run.ms, peakRssMb: run.peakRssMb };
}

/** A bare keep-alive HTTPS client: one POST per item, a 429 fails the item. */
async function rawClient(emulator: Emulator): Promise<Outcome> {
	const token = emulator.tokens.issueDelegatedTokens(SEED_APPS.main.appId, SEED_USERS.integration.id).accessToken;
	const before = emulator.state.chat(CHAT_ID)?.messages.length ?? 0;
	emulator.requests.reset();
	let failed = 0;
	const run = await measure(async () => {
		for (let n = 0; n < POSTS; n++) {
			const { status } = await rawCall(
				'POST',
				`${emulator.graphUrl}/v1.0/chats/${encodeURIComponent(CHAT_ID)}/messages`,
				{ Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
				JSON.stringify({ body: { contentType: 'text', content: `Update ${n}` } }),
			);
			if (status !== 201) failed++;
		}
	});
	return { ...throttleCounts(emulator), delivered: delivered(emulator, before), failed, wallMs: run.ms, peakRssMb: run.peakRssMb };
}

function line(name: string, outcome: Outcome): string {
	return `  ${name.padEnd(16)}: ${outcome.graphRequests} Graph requests (${outcome.throttled} answered 429), ${outcome.delivered}/${POSTS} delivered, ${outcome.failed} failed, ${outcome.wallMs} ms, peak RSS ${outcome.peakRssMb} MB`;
}

const side = (outcome: Outcome) => ({ graphRequests: outcome.graphRequests, wallMs: outcome.wallMs, peakRssMb: outcome.peakRssMb });
const deliveredNote = (ours: Outcome, naive: Outcome, raw?: Outcome) =>
	`delivered: ours ${ours.delivered}, naive ${naive.delivered}${raw ? `, raw client ${raw.delivered} (${raw.graphRequests} requests, ${raw.wallMs} ms)` : ''}; 429s: ours ${ours.throttled}, naive ${naive.throttled}`;

async function main(): Promise<void> {
	const emulator = await startEmulator({ latencyMs: LATENCY_MS, faultSeed: 7 });
	meterEmulatorHandlers(emulator);
	try {
		process.stderr.write(`teams-post: ${POSTS} posts into one chat (ours, HTTP Request node, raw client)\n`);
		const plainOurs = await ours(emulator);
		const plainNode = await httpRequestNode(emulator);
		const plainRaw = await rawClient(emulator);

		process.stderr.write(`teams-post: the same with ${Math.round(THROTTLE * 100)}% of POSTs throttled\n`);
		const throttle = { kind: 'throttle' as const, method: 'POST', path: '/chats/*/messages', probability: THROTTLE, retryAfterSeconds: RETRY_AFTER_SECONDS };
		emulator.faults.add(throttle);
		const throttledOurs = await ours(emulator);
		emulator.faults.clear();
		emulator.faults.add(throttle);
		const throttledNode = await httpRequestNode(emulator);
		emulator.faults.clear();
		emulator.faults.add(throttle);
		const throttledRaw = await rawClient(emulator);
		emulator.faults.clear();

		process.stderr.write(`teams-post: ${POSTS} posts into one channel (at 1 per second: about ${Math.round(POSTS / CHANNEL_REQUESTS_PER_SECOND)} s)\n`);
		const channelOurs = await ours(emulator, 'channel');
		const channelNode = await httpRequestNode(emulator, 'channel');

		const chatFloorMs = Math.round((POSTS / CHAT_REQUESTS_PER_SECOND) * 1000);
		const injectedMs = Math.round(throttledOurs.throttled * RETRY_AFTER_SECONDS * 1000);
		const channelFloorMs = Math.round((POSTS / CHANNEL_REQUESTS_PER_SECOND) * 1000);
		const sustained = (outcome: Outcome, perSecond: number) => {
			const rate = outcome.delivered / (outcome.wallMs / 1000);
			return `sustained ${rate.toFixed(2)} posts/s = ${(rate / perSecond).toFixed(2)} of the limit`;
		};
		const report = {
			scenario: `posting with Microsoft's limits on, ${LATENCY_MS} ms latency per request`,
			latencyMsPerRequest: LATENCY_MS,
			machine: machineLoad(),
			jobs: [
				{
					job: `teams-post: ${POSTS} posts into one chat`,
					ours: side(plainOurs),
					naive: side(plainNode),
					floor: { ms: chatFloorMs, basis: `${POSTS} posts at ${CHAT_REQUESTS_PER_SECOND} request per second per app on one chat (goal: >= 0.9 of it, no 429)` },
					throttled: plainOurs.throttled,
					cpu: plainOurs.cpu,
					note: `${deliveredNote(plainOurs, plainNode, plainRaw)}; ${sustained(plainOurs, CHAT_REQUESTS_PER_SECOND)}`,
				},
				{
					job: `teams-post: ${POSTS} chat posts, ${Math.round(THROTTLE * 100)}% throttled besides`,
					ours: side(throttledOurs),
					naive: side(throttledNode),
					floor: { ms: chatFloorMs + injectedMs, basis: `the chat floor plus the injected 429s' Retry-After (${throttledOurs.throttled} × ${RETRY_AFTER_SECONDS} s, scaled down from Graph's whole seconds)` },
					throttled: throttledOurs.throttled,
					cpu: throttledOurs.cpu,
					note: `${deliveredNote(throttledOurs, throttledNode, throttledRaw)} (the naive side loses every throttled post)`,
				},
				{
					job: `teams-post: ${POSTS} posts into one channel`,
					ours: side(channelOurs),
					naive: side(channelNode),
					floor: { ms: channelFloorMs, basis: `${POSTS} posts at ${CHANNEL_REQUESTS_PER_SECOND} request per second per app on one channel (goal: >= 0.9 of it, no 429)` },
					throttled: channelOurs.throttled,
					cpu: channelOurs.cpu,
					note: `${deliveredNote(channelOurs, channelNode)}; ${sustained(channelOurs, CHANNEL_REQUESTS_PER_SECOND)}`,
				},
			],
		};
		mkdirSync(join(__dirname, 'results'), { recursive: true });
		writeFileSync(join(__dirname, 'results', 'teams-post.json'), `${JSON.stringify(report, null, 2)}\n`);
		process.stdout.write(
			[
				`teams post, ${POSTS} messages, ${LATENCY_MS} ms latency per request, Microsoft's limits on`,
				`one chat (floor ${chatFloorMs} ms)`,
				line('ours', plainOurs),
				line('httpRequest node', plainNode),
				line('raw client', plainRaw),
				`${Math.round(THROTTLE * 100)}% of POSTs throttled, Retry-After ${RETRY_AFTER_SECONDS} s (floor ${chatFloorMs + injectedMs} ms)`,
				line('ours', throttledOurs),
				line('httpRequest node', throttledNode),
				line('raw client', throttledRaw),
				`one channel (floor ${channelFloorMs} ms)`,
				line('ours', channelOurs),
				line('httpRequest node', channelNode),
				'',
			].join('\n'),
		);
	} finally {
		closeRawClient();
		await emulator.close();
	}
}

main().catch((error: unknown) => {
	process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
	process.exit(1);
});
