/**
 * Teams posting spread over many conversations, with Microsoft's limits on: 1,000 posts, half into 10 channels (each
 * in its own team) and half into 10 group chats, through the node (a Teams Message node posting channel messages,
 * then one posting chat messages, as two nodes of a workflow run), next to the naive way (one POST per item, no
 * Retry-After handling). Floor: 20 conversations at 1 request per second each (Microsoft's limit per app on one channel
 * or chat), every conversation posted to at once, under the per-tenant posting limits (50 channel posts and 20 chat
 * posts per second per app), which 10 channels and 10 chats at 1 per second each stay below: 10 channel posts and
 * 10 chat posts per second, about 50 s for 1,000 posts.
 *
 * Run: node scripts/with-emulator-ca.js npx tsx bench/teams-spread.bench.ts
 * Env: TEAMS_SPREAD_BENCH_POSTS (default 1000), TEAMS_SPREAD_BENCH_LATENCY_MS (default 10).
 * Writes bench/results/teams-spread.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { runNode } from '../test/harness';
import { SEED_APPS, SEED_TENANT, SEED_USERS, startEmulator, type Emulator } from '../test/emulator';
import { buildChannel, buildChat, buildTeam } from '../test/emulator/state/builders';
import { stableGuid } from '../test/emulator/state/ids';
import { integrationAccountCredentialData } from '../test/support/emulatorCredentials';
import {
	closeRawClient,
	machineLoad,
	measure,
	meterEmulatorHandlers,
	rawCall,
	throttledCount,
	withCpuSplit,
	withProgress,
} from './support';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { M365TeamsMessage } =
	require('../nodes/M365TeamsMessage/M365TeamsMessage.node.ts') as typeof import('../nodes/M365TeamsMessage/M365TeamsMessage.node');

const POSTS = Number(process.env.TEAMS_SPREAD_BENCH_POSTS ?? 1000);
const LATENCY_MS = Number(process.env.TEAMS_SPREAD_BENCH_LATENCY_MS ?? 10);
const CONVERSATIONS = 10;
/** Microsoft's limits (https://learn.microsoft.com/en-us/graph/throttling-limits#microsoft-teams-service-limits). */
const PER_CONVERSATION_PER_SECOND = 1;
const CHANNEL_POSTS_PER_TENANT = 50;
const CHAT_POSTS_PER_TENANT = 20;

interface Places {
	channels: Array<{ teamId: string; channelId: string }>;
	chats: string[];
}

/** One post to make: its number and the conversation it goes to, a channel of a team or a chat. */
type Post = { n: number } & ({ teamId: string; channelId: string } | { chatId: string });

/** 10 teams with one channel each and 10 group chats, the integration account a member of all. */
function addConversations(emulator: Emulator): Places {
	const state = emulator.state;
	const integration = state.user(SEED_USERS.integration.id)!;
	const megan = state.user(SEED_USERS.megan.id)!;
	const adele = state.user(SEED_USERS.adele.id)!;
	const places: Places = { channels: [], chats: [] };
	for (let i = 0; i < CONVERSATIONS; i++) {
		const team = buildTeam(
			stableGuid(`bench-team:${i}`),
			`Bench ${i}`,
			'Benchmark team',
			'public',
			SEED_TENANT.id,
			[
				[megan, ['owner']],
				[integration, []],
			],
		);
		state.data.teams[team.team.id] = team;
		const channel = buildChannel(team, 'General', 'standard', SEED_TENANT.id);
		state.data.channels[channel.channel.id] = channel;
		places.channels.push({ teamId: team.team.id, channelId: channel.channel.id });
		const chat = buildChat(`19:bench${i}@thread.v2`, 'group', `Bench chat ${i}`, SEED_TENANT.id, [
			integration,
			megan,
			adele,
		]);
		state.data.chats[chat.chat.id] = chat;
		places.chats.push(chat.chat.id);
	}
	return places;
}

/** Every message in the bench's channels and chats. */
function messages(emulator: Emulator, places: Places) {
	return [
		...places.channels.flatMap(
			(p) => emulator.state.channel(p.teamId, p.channelId)?.messages ?? [],
		),
		...places.chats.flatMap((id) => emulator.state.chat(id)?.messages ?? []),
	];
}

function posted(emulator: Emulator, places: Places): number {
	return messages(emulator, places).length;
}

/** Messages whose text occurs more than once (a duplicate post). */
function duplicates(emulator: Emulator, places: Places): number {
	const texts = messages(emulator, places).map((m) => m.body?.content ?? '');
	return texts.length - new Set(texts).size;
}

/** The Graph URL a post is made to (the naive way). */
function messagesUrl(graphUrl: string, post: Post): string {
	return 'chatId' in post
		? `${graphUrl}/v1.0/chats/${encodeURIComponent(post.chatId)}/messages`
		: `${graphUrl}/v1.0/teams/${post.teamId}/channels/${encodeURIComponent(post.channelId)}/messages`;
}

/**
 * One Teams Message node run posting `posts` as channel or chat messages (n8n runs one node's items with one
 * resource), each item naming its conversation by expression.
 */
async function postThroughNode(
	resource: 'channelMessage' | 'chatMessage',
	posts: Post[],
	integration: ICredentialDataDecryptedObject,
): Promise<number> {
	const byId = (field: string) => ({ __rl: true, mode: 'id', value: `={{ $json.${field} }}` });
	const conversation =
		resource === 'channelMessage'
			? { teamId: byId('teamId'), channelId: byId('channelId') }
			: { chatId: byId('chatId') };
	const run = await runNode({
		nodeType: new M365TeamsMessage(),
		parameters: {
			resource,
			operation: 'post',
			...conversation,
			contentType: 'text',
			content: '={{ "Spread " + $json.n }}',
		},
		credentials: { m365IntegrationAccountOAuth2Api: integration },
		inputItems: posts,
		continueOnFail: true,
	});
	return (run.items[0] ?? []).filter((item) => item.json.error).length;
}

async function main(): Promise<void> {
	const emulator = await startEmulator({ latencyMs: LATENCY_MS });
	meterEmulatorHandlers(emulator);
	try {
		const places = addConversations(emulator);
		const integration = await integrationAccountCredentialData(emulator);
		const half = Math.floor(POSTS / 2);
		const channelItems: Post[] = Array.from({ length: half }, (_, n) => ({
			n,
			...places.channels[n % CONVERSATIONS],
		}));
		const chatItems: Post[] = Array.from({ length: POSTS - half }, (_, n) => ({
			n: half + n,
			chatId: places.chats[n % CONVERSATIONS],
		}));

		process.stderr.write(
			`teams-spread: ${POSTS} posts over ${CONVERSATIONS} channels and ${CONVERSATIONS} chats (ours)\n`,
		);
		emulator.requests.reset();
		const { result: run, cpu } = await withCpuSplit(
			emulator,
			async () =>
				await withProgress(
					'ours',
					() => posted(emulator, places),
					POSTS,
					async () =>
						await measure(async () => {
							// Two workflow executions at once in one n8n process (they share the app's limiter), as Microsoft's
							// per-tenant limits count channel and chat posts apart: the node cannot mix resources in one run.
							const failed = await Promise.all([
								postThroughNode('channelMessage', channelItems, integration),
								postThroughNode('chatMessage', chatItems, integration),
							]);
							return failed[0] + failed[1];
						}),
				),
		);
		const ours = {
			graphRequests: emulator.requests.entries().filter((e) => e.host === 'graph' && !e.batch)
				.length,
			wallMs: run.ms,
			peakRssMb: run.peakRssMb,
		};
		const oursThrottled = throttledCount(emulator);
		const oursPosted = posted(emulator, places);
		const oursDuplicates = duplicates(emulator, places);
		const peakPosts = emulator.requests.peakInFlight({ method: 'POST', path: /\/messages$/ });

		process.stderr.write(
			'teams-spread: the same, one POST per item without Retry-After handling (naive)\n',
		);
		const token = emulator.tokens.issueDelegatedTokens(
			SEED_APPS.main.appId,
			SEED_USERS.integration.id,
		).accessToken;
		const before = posted(emulator, places);
		emulator.requests.reset();
		const naiveRun = await measure(async () => {
			for (const item of [...channelItems, ...chatItems]) {
				await rawCall(
					'POST',
					messagesUrl(emulator.graphUrl, item),
					{ Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
					JSON.stringify({ body: { contentType: 'text', content: `Naive ${item.n}` } }),
				);
			}
		});
		const naive = {
			graphRequests: emulator.requests.entries().filter((e) => e.host === 'graph' && !e.batch)
				.length,
			wallMs: naiveRun.ms,
			peakRssMb: naiveRun.peakRssMb,
		};
		const naivePosted = posted(emulator, places) - before;

		const channelRate = Math.min(CHANNEL_POSTS_PER_TENANT, PER_CONVERSATION_PER_SECOND * CONVERSATIONS);
		const chatRate = Math.min(CHAT_POSTS_PER_TENANT, PER_CONVERSATION_PER_SECOND * CONVERSATIONS);
		const floorMs = Math.round(
			Math.max(half / channelRate, (POSTS - half) / chatRate) * 1000,
		);
		const report = {
			scenario: `${POSTS} posts over ${CONVERSATIONS} channels (one per team) and ${CONVERSATIONS} group chats, ${LATENCY_MS} ms latency per request`,
			latencyMsPerRequest: LATENCY_MS,
			machine: machineLoad(),
			jobs: [
				{
					job: `teams-post: ${POSTS} posts over ${CONVERSATIONS} channels and ${CONVERSATIONS} chats`,
					ours,
					naive,
					floor: {
						ms: floorMs,
						basis: `${half} channel posts at ${channelRate} per second (${CONVERSATIONS} channels at ${PER_CONVERSATION_PER_SECOND} per channel, under ${CHANNEL_POSTS_PER_TENANT} per tenant) alongside ${POSTS - half} chat posts at ${chatRate} per second (${CONVERSATIONS} chats at ${PER_CONVERSATION_PER_SECOND} per chat, under ${CHAT_POSTS_PER_TENANT} per tenant) (goal: >= 0.8 of the limit, no 429, no duplicate)`,
					},
					throttled: oursThrottled,
					cpu,
					note: `posted: ours ${oursPosted} (${run.result} failed, ${oursDuplicates} duplicates), naive ${naivePosted}; ours: the channel posts and the chat posts as two executions at once (n8n runs one node's items with one resource), each posting to its ${CONVERSATIONS} conversations at once, one after another within each; at most ${peakPosts} posts in flight at once (the emulator's count)`,
				},
			],
		};
		mkdirSync(join(__dirname, 'results'), { recursive: true });
		writeFileSync(
			join(__dirname, 'results', 'teams-spread.json'),
			`${JSON.stringify(report, null, 2)}\n`,
		);
		process.stdout.write(`${JSON.stringify(report.jobs[0], null, 2)}\n`);
	} finally {
		closeRawClient();
		await emulator.close();
	}
}

main().catch((error: unknown) => {
	process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
	process.exit(1);
});
