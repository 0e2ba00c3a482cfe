/**
 * Teams posting benchmark: 1,000 chat messages through the node (integration account, duplicate marker,
 * Retry-After handling) next to the naive way, one POST per item with no Retry-After handling: as n8n's HTTP
 * Request node sends them (n8n's request helper with the OAuth2 credential, "httpRequest node" below), and with a
 * bare keep-alive HTTPS client ("raw client", the floor of any client). First without faults, then with 20% of
 * POSTs throttled (429 + Retry-After).
 *
 * The throttle floor is the time Graph's Retry-After imposes on a sequential poster: (429 answers) × Retry-After.
 * Real Teams answers Retry-After in whole seconds; the benchmark scales it down (TEAMS_POST_BENCH_RETRY_AFTER,
 * default 0.1 s) so it runs in a minute; the floor scales linearly with it.
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
import { SEED_APPS, SEED_CHATS, SEED_USERS, startEmulator, type Emulator } from '../test/emulator';
import { integrationAccountCredentialData } from '../test/support/emulatorCredentials';
import { closeRawClient, measure, rawCall } from './support';

// tsx resolves 'M365TeamsMessage.node' to the codex file M365TeamsMessage.node.json, so the class is required by its full name.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { M365TeamsMessage } = require('../nodes/M365TeamsMessage/M365TeamsMessage.node.ts') as typeof import('../nodes/M365TeamsMessage/M365TeamsMessage.node');

const POSTS = Number(process.env.TEAMS_POST_BENCH_POSTS ?? 1000);
const LATENCY_MS = Number(process.env.TEAMS_POST_BENCH_LATENCY_MS ?? 10);
const THROTTLE = Number(process.env.TEAMS_POST_BENCH_THROTTLE ?? 0.2);
const RETRY_AFTER_SECONDS = Number(process.env.TEAMS_POST_BENCH_RETRY_AFTER ?? 0.1);
const CHAT_ID = SEED_CHATS.projectFalcon.id;

interface Outcome {
	graphRequests: number;
	throttled: number;
	delivered: number;
	failed: number;
	wallMs: number;
	peakRssMb: number;
}


function delivered(emulator: Emulator, before: number): number {
	return (emulator.state.chat(CHAT_ID)?.messages.length ?? 0) - before;
}

/** Top-level Graph requests and how many of them were throttled. */
function throttleCounts(emulator: Emulator): { graphRequests: number; throttled: number } {
	const graph = emulator.requests.entries().filter((entry) => entry.host === 'graph' && !entry.batch);
	return { graphRequests: graph.length, throttled: graph.filter((entry) => entry.status === 429).length };
}

async function ours(emulator: Emulator): Promise<Outcome> {
	const integration = await integrationAccountCredentialData(emulator);
	const before = emulator.state.chat(CHAT_ID)?.messages.length ?? 0;
	emulator.requests.reset();
	const run = await measure(async () =>
		await runNode({
			nodeType: new M365TeamsMessage(),
			parameters: {
				resource: 'chatMessage',
				operation: 'post',
				chatId: { __rl: true, mode: 'id', value: CHAT_ID },
				contentType: 'text',
				content: '={{ "Update " + $json.n }}',
			},
			credentials: { m365IntegrationAccountOAuth2Api: integration },
			inputItems: Array.from({ length: POSTS }, (_, n) => ({ n })),
			continueOnFail: true,
		}),
	);
	const failed = (run.result.items[0] ?? []).filter((item) => item.json.error).length;
	return { ...throttleCounts(emulator), delivered: delivered(emulator, before), failed, wallMs: run.ms, peakRssMb: run.peakRssMb };
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

async function httpRequestNode(emulator: Emulator): Promise<Outcome> {
	const integration = await integrationAccountCredentialData(emulator);
	const before = emulator.state.chat(CHAT_ID)?.messages.length ?? 0;
	emulator.requests.reset();
	const run = await measure(async () =>
		await runNode({
			nodeType: new HttpRequestLikeNode(),
			parameters: { url: `${emulator.graphUrl}/v1.0/chats/${encodeURIComponent(CHAT_ID)}/messages` },
			credentials: { m365IntegrationAccountOAuth2Api: integration },
			inputItems: Array.from({ length: POSTS }, (_, n) => ({ n })),
		}),
	);
	const failed = (run.result.items[0] ?? []).filter((item) => item.json.error).length;
	return { ...throttleCounts(emulator), delivered: delivered(emulator, before), failed, wallMs: run.ms, peakRssMb: run.peakRssMb };
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

async function main(): Promise<void> {
	const emulator = await startEmulator({ latencyMs: LATENCY_MS, faultSeed: 7 });
	try {
		const plainOurs = await ours(emulator);
		const plainNode = await httpRequestNode(emulator);
		const plainRaw = await rawClient(emulator);

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

		const floorMs = Math.round(throttledOurs.throttled * RETRY_AFTER_SECONDS * 1000);
		const report = {
			scenario: `${POSTS} chat messages, ${LATENCY_MS} ms latency per request`,
			noFaults: { ours: plainOurs, httpRequestNode: plainNode, rawClient: plainRaw },
			throttled: {
				throttleProbability: THROTTLE,
				retryAfterSeconds: RETRY_AFTER_SECONDS,
				ours: throttledOurs,
				httpRequestNode: throttledNode,
				rawClient: throttledRaw,
				throttleFloorMs: floorMs,
				oursAboveFloorMs: throttledOurs.wallMs - floorMs,
				note: 'floor = 429 answers x Retry-After; with real Graph (Retry-After in seconds) it scales linearly',
			},
		};
		mkdirSync(join(__dirname, 'results'), { recursive: true });
		writeFileSync(join(__dirname, 'results', 'teams-post.json'), `${JSON.stringify(report, null, 2)}\n`);
		process.stdout.write(
			[
				`teams post, ${POSTS} chat messages, ${LATENCY_MS} ms latency per request`,
				'no faults',
				line('ours', plainOurs),
				line('httpRequest node', plainNode),
				line('raw client', plainRaw),
				`${Math.round(THROTTLE * 100)}% of POSTs throttled, Retry-After ${RETRY_AFTER_SECONDS} s`,
				line('ours', throttledOurs),
				line('httpRequest node', throttledNode),
				line('raw client', throttledRaw),
				`  floor           : ${floorMs} ms (${throttledOurs.throttled} x ${RETRY_AFTER_SECONDS} s); ours ${throttledOurs.wallMs - floorMs} ms above it`,
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
