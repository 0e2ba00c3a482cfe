// Posting to many conversations at once: the node posts to different channels and chats concurrently (at most
// PARALLEL_KEYS at a time) while the messages of each conversation keep their input order, every item is posted
// exactly once through lost answers and 429s, and the output stays in input order, each item paired with its input.
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import { SEED_TENANT, SEED_USERS, startEmulator, type Emulator } from '../../emulator';
import { buildChannel, buildChat, buildTeam } from '../../emulator/state/builders';
import { stableGuid } from '../../emulator/state/ids';
import type { GraphChatMessage } from '../../emulator/state/types';
import { visibleText } from '../../../nodes/M365TeamsMessage/helpers/findPosted';
import { PARALLEL_KEYS } from '../../../nodes/shared/router';
import { locator, runTeams, signedIn } from './setup';

type Place = { kind: 'channel'; teamId: string; channelId: string } | { kind: 'chat'; chatId: string };

let emulator: Emulator;
let integration: ICredentialDataDecryptedObject;
let sender: ICredentialDataDecryptedObject;
beforeAll(async () => {
	emulator = await startEmulator({ faultSeed: 18 });
	// Each lost answer brings one lookup of the conversation's newest messages: more reads of one conversation in a
	// day than the emulator's polling heuristic allows (Microsoft does not publish its own).
	emulator.rules.set({ teamsPollingPolicy: { readsPerDay: 10_000 } });
	integration = await signedIn(emulator, 'integration');
	sender = await signedIn(emulator, 'megan');
});
afterAll(async () => {
	await emulator.close();
});

/** `teams` new teams with one channel each and `chats` group chats; Megan (the sender) is in every other chat. */
function addConversations(prefix: string, teams: number, chats: number): Place[] {
	const state = emulator.state;
	const integrationUser = state.user(SEED_USERS.integration.id)!;
	const megan = state.user(SEED_USERS.megan.id)!;
	const adele = state.user(SEED_USERS.adele.id)!;
	const places: Place[] = [];
	for (let i = 0; i < teams; i++) {
		const team = buildTeam(stableGuid(`${prefix}-team:${i}`), `${prefix} ${i}`, 'Test team', 'public', SEED_TENANT.id, [[megan, ['owner']], [integrationUser, []]]);
		state.data.teams[team.team.id] = team;
		const channel = buildChannel(team, 'General', 'standard', SEED_TENANT.id);
		state.data.channels[channel.channel.id] = channel;
		places.push({ kind: 'channel', teamId: team.team.id, channelId: channel.channel.id });
	}
	for (let i = 0; i < chats; i++) {
		const members = i % 2 === 0 ? [integrationUser, megan, adele] : [integrationUser, adele];
		const chat = buildChat(`19:${prefix}${i}@thread.v2`, 'group', `${prefix} chat ${i}`, SEED_TENANT.id, members);
		state.data.chats[chat.chat.id] = chat;
		places.push({ kind: 'chat', chatId: chat.chat.id });
	}
	return places;
}

function messagesOf(place: Place): GraphChatMessage[] {
	return place.kind === 'chat'
		? (emulator.state.chat(place.chatId)?.messages ?? [])
		: (emulator.state.channel(place.teamId, place.channelId)?.messages ?? []);
}

/** A deterministic shuffle (so items of one conversation are spread through the input). */
function shuffled<T>(values: T[], seed: number): T[] {
	const out = [...values];
	let state = seed;
	for (let i = out.length - 1; i > 0; i--) {
		state = (state * 1103515245 + 12345) % 2 ** 31;
		const j = state % (i + 1);
		[out[i], out[j]] = [out[j], out[i]];
	}
	return out;
}

async function postChannels(items: IDataObject[], credentials: { sender?: ICredentialDataDecryptedObject; continueOnFail?: boolean } = {}) {
	return await runTeams(
		{
			resource: 'channelMessage',
			operation: 'post',
			teamId: locator('={{ $json.teamId }}'),
			channelId: locator('={{ $json.channelId }}'),
			contentType: 'text',
			content: '={{ $json.text }}',
		},
		{ integration, inputItems: items, ...credentials },
	);
}

async function postChats(items: IDataObject[], credentials: { sender?: ICredentialDataDecryptedObject; continueOnFail?: boolean } = {}) {
	return await runTeams(
		{ resource: 'chatMessage', operation: 'post', chatId: locator('={{ $json.chatId }}'), contentType: 'text', content: '={{ $json.text }}' },
		{ integration, inputItems: items, ...credentials },
	);
}

/** Input items: `perPlace` messages for each place, "<place> #<k>" in order k within a place, places interleaved. */
function itemsFor(places: Place[], perPlace: number, seed: number): IDataObject[] {
	const order = shuffled(
		places.flatMap((_, p) => Array.from({ length: perPlace }, () => p)),
		seed,
	);
	const next = places.map(() => 0);
	return order.map((p) => ({ ...places[p], place: p, text: `P${p} #${next[p]++}` }));
}

it(
	'posts to many chats and channels at once: per-conversation order, each item once through lost answers and 429s, outputs in input order',
	async () => {
		const channels = addConversations('order', 4, 0);
		const chats = addConversations('orderChat', 0, 6);
		// 10 per conversation: enough for order, lost answers and 429s to show; each conversation takes a post per second.
		const POSTS_PER_PLACE = 10;
		const path = /\/(chats\/[^/]+|teams\/[^/]+\/channels\/[^/]+)\/messages$/;
		emulator.faults.add({ kind: 'dropAfterApply', method: 'POST', path, probability: 0.1 });
		emulator.faults.add({ kind: 'drop', method: 'POST', path, probability: 0.05 });
		emulator.faults.add({ kind: 'throttle', method: 'POST', path, probability: 0.2, retryAfterSeconds: 0.01 });
		emulator.requests.reset();

		for (const [places, post] of [
			[channels, postChannels],
			[chats, postChats],
		] as const) {
			const items = itemsFor(places, POSTS_PER_PLACE, 7);
			const result = await post(items, { sender });
			if (result.error) throw result.error;
			const output = result.items[0] ?? [];
			// One output per item, in input order, each paired with its item and carrying that item's message.
			expect(output).toHaveLength(items.length);
			expect(output.map((item) => item.pairedItem)).toEqual(items.map((_, i) => ({ item: i })));
			expect(output.map((item) => visibleText((item.json.body as IDataObject | undefined)?.content as string))).toEqual(
				items.map((item) => item.text),
			);
			// Each conversation holds its messages once each, in input order.
			places.forEach((place, p) => {
				const texts = messagesOf(place).map((message) => visibleText(message.body?.content));
				expect({ place: p, texts }).toEqual({ place: p, texts: Array.from({ length: POSTS_PER_PLACE }, (_, k) => `P${p} #${k}`) });
			});
			// The sender posts where they are a member (Megan is in every channel's team and in every other chat); the
			// integration account posts on their behalf elsewhere.
			output.forEach((item, i) => {
				const place = places[items[i].place as number];
				const senderIsMember = place.kind === 'channel' || Number(/(\d+)@/.exec(place.chatId)?.[1]) % 2 === 0;
				expect({ i, postedAs: (item.json.postedAs as IDataObject).identity }).toEqual({ i, postedAs: senderIsMember ? 'sender' : 'integrationAccount' });
			});
		}
		emulator.faults.clear();
		// The faults did fire: lost answers were checked, throttled posts were sent again.
		expect(emulator.requests.count({ method: 'POST', status: 429 })).toBeGreaterThan(0);
		expect(emulator.requests.entries().filter((entry) => entry.method === 'GET' && /\/messages$/.test(entry.path)).length).toBeGreaterThan(0);
	},
	600_000,
);

async function until(condition: () => boolean): Promise<void> {
	while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

it(`has at most ${PARALLEL_KEYS} conversations in flight at once, and that many when there are more`, async () => {
	const places = addConversations('bound', PARALLEL_KEYS + 10, 0);
	const items = places.map((place, p) => ({ ...place, place: p, text: `Bound ${p}` }));
	emulator.requests.reset();
	const posts = { method: 'POST', path: /\/channels\/[^/]+\/messages$/ };
	// Every post waits in Graph until released: the node fills its parallel slots and no more.
	const hold = emulator.faults.add({ kind: 'hold', ...posts });
	const run = postChannels(items);
	await until(() => (emulator.faults.held()[hold] ?? 0) >= PARALLEL_KEYS);
	emulator.faults.remove(hold);
	const result = await run;
	if (result.error) throw result.error;
	expect(result.items[0]).toHaveLength(items.length);
	expect(emulator.requests.count({ ...posts, status: 201 })).toBe(items.length);
	expect(emulator.requests.peakInFlight(posts)).toBe(PARALLEL_KEYS);
});

it('without Continue On Fail stops at the first failing item; with it, reports that item and posts the rest', async () => {
	const places = addConversations('fail', 0, 3);
	const items = itemsFor(places, 4, 3);
	// The second item names a chat that does not exist.
	items[1] = { ...items[1], chatId: '19:missing@thread.v2', text: 'Nowhere' };
	const failed = await postChats(items);
	expect(failed.error?.message).toMatch(/19:missing@thread\.v2/);
	const withContinue = await postChats(
		items.map((item) => ({ ...item, text: `${item.text} again` })),
		{ continueOnFail: true },
	);
	if (withContinue.error) throw withContinue.error;
	const output = withContinue.items[0] ?? [];
	expect(output).toHaveLength(items.length);
	expect(output.map((item) => item.pairedItem)).toEqual(items.map((_, i) => ({ item: i })));
	expect(output[1].json.error).toMatch(/19:missing@thread\.v2/);
	expect(output.filter((item) => item.json.error)).toHaveLength(1);
	places.forEach((place, p) => {
		const again = messagesOf(place)
			.map((message) => visibleText(message.body?.content))
			.filter((text) => text.endsWith(' again'));
		expect(again).toEqual(items.filter((item) => item.place === p && item.text !== 'Nowhere').map((item) => `${item.text} again`));
	});
});

it('mirrors outside messages into several chats at once, each chat in input order', async () => {
	const places = addConversations('mirror', 0, 3) as Array<Extract<Place, { kind: 'chat' }>>;
	const items = itemsFor(places, 3, 5).map((item, i) => ({ ...item, outsideId: `M${i}` }));
	const posts = { method: 'POST', path: /\/chats\/[^/]+\/messages$/ };
	emulator.requests.reset();
	// Every post waits in Graph: the first post of each chat is in flight at once.
	const hold = emulator.faults.add({ kind: 'hold', ...posts });
	const run = runTeams(
		{
			resource: 'chatMessage',
			operation: 'mirror',
			chatId: locator('={{ $json.chatId }}'),
			eventType: 'created',
			platform: 'slack',
			outsideId: '={{ $json.outsideId }}',
			outsideThreadId: '',
			mappingRow: '',
			threadMappingRow: '',
			contentType: 'text',
			content: '={{ $json.text }}',
			attribution: { senderName: 'Kim Lee', platform: 'Slack' },
		},
		{ integration, inputItems: items },
	);
	await until(() => (emulator.faults.held()[hold] ?? 0) >= places.length);
	emulator.faults.remove(hold);
	const result = await run;
	if (result.error) throw result.error;
	const output = result.items[0] ?? [];
	expect(output.map((item) => [item.json.outsideId, item.json.outcome, item.pairedItem])).toEqual(items.map((item, i) => [item.outsideId, 'posted', { item: i }]));
	expect(emulator.requests.peakInFlight(posts)).toBe(places.length);
	places.forEach((place, p) => {
		const texts = messagesOf(place).map((message) => visibleText(message.body?.content).replace(/^Kim Lee \(external, via Slack\):\s*/, ''));
		expect(texts).toEqual(Array.from({ length: 3 }, (_, k) => `P${p} #${k}`));
	});
});
