// 1,000 posts while the emulator loses answers: some connections drop after Graph applied the post
// (dropAfterApply), some before (drop), and Teams re-serialises and wraps every stored body. Every item must end up
// posted exactly once: 0 lost, 0 duplicates; and items with the same text are told apart too.
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { SEED_CHATS, startEmulator, type Emulator } from '../../emulator';
import { chatMessages, locator, textCounts, outputJson, runTeams, signedIn } from './setup';

const POSTS = 1000;

let emulator: Emulator;
let integration: ICredentialDataDecryptedObject;
beforeAll(async () => {
	emulator = await startEmulator({
		faultSeed: 4,
		rules: {
			// Teams' rewriting at its most: the body comes back re-serialised and wrapped.
			teamsHtmlRewriting: 'wrap',
			// ~150 lost answers each bring one lookup of the chat's newest messages: a burst of checks, not polling, but
			// more reads of one chat in a day than the emulator's polling heuristic allows (Microsoft does not publish its own).
			teamsPollingPolicy: { readsPerDay: POSTS },
		},
	});
	integration = await signedIn(emulator, 'integration');
});
afterAll(async () => {
	await emulator.close();
});

it(
	'posts 1,000 messages through lost answers with no loss and no duplicate',
	async () => {
		const chatId = SEED_CHATS.projectFalcon.id;
		const before = chatMessages(emulator, chatId).length;
		emulator.faults.add({ kind: 'dropAfterApply', method: 'POST', path: '/chats/*/messages', probability: 0.1 });
		emulator.faults.add({ kind: 'drop', method: 'POST', path: '/chats/*/messages', probability: 0.05 });
		emulator.requests.reset();

		const result = await runTeams(
			{ resource: 'chatMessage', operation: 'post', chatId: locator(chatId), contentType: 'text', content: '={{ "Message " + $json.n }}' },
			{ integration, inputItems: Array.from({ length: POSTS }, (_, n) => ({ n })) },
		);
		emulator.faults.clear();

		const output = outputJson(result);
		expect(output).toHaveLength(POSTS);
		expect(output.filter((item) => item.error)).toEqual([]);
		expect(new Set(output.map((item) => item.id)).size).toBe(POSTS);

		const posted = chatMessages(emulator, chatId).slice(before);
		const counts = textCounts(posted);
		const duplicates = [...counts.values()].filter((count) => count > 1).length;
		expect({ stored: posted.length, distinctTexts: counts.size, duplicates }).toEqual({ stored: POSTS, distinctTexts: POSTS, duplicates: 0 });
		// Nothing invisible was added to any message.
		expect(posted.filter((message) => /[\u200B-\u200D\u2060-\u2064]/.test(message.body?.content ?? ''))).toEqual([]);
		// The faults did fire: more POST attempts than posts, and lookups of the newest messages after lost answers.
		const byEndpoint = emulator.requests.byEndpoint();
		expect(byEndpoint['POST /chats/:chatId/messages']).toBeGreaterThan(POSTS);
		expect(byEndpoint['GET /chats/:chatId/messages']).toBeGreaterThan(0);
	},
	600_000,
);

it(
	'posts 200 items with the same text through lost answers, each exactly once',
	async () => {
		const chatId = SEED_CHATS.projectFalcon.id;
		const before = chatMessages(emulator, chatId).length;
		emulator.faults.add({ kind: 'dropAfterApply', method: 'POST', path: '/chats/*/messages', probability: 0.1 });
		emulator.faults.add({ kind: 'drop', method: 'POST', path: '/chats/*/messages', probability: 0.05 });
		emulator.requests.reset();
		const result = await runTeams(
			{ resource: 'chatMessage', operation: 'post', chatId: locator(chatId), contentType: 'markdown', content: "It's **done** & shipped" },
			{ integration, inputItems: Array.from({ length: 200 }, (_, n) => ({ n })) },
		);
		emulator.faults.clear();
		const output = outputJson(result);
		expect(output.filter((item) => item.error)).toEqual([]);
		expect(new Set(output.map((item) => item.id)).size).toBe(200);
		expect(chatMessages(emulator, chatId).length - before).toBe(200);
		expect(emulator.requests.byEndpoint()['GET /chats/:chatId/messages']).toBeGreaterThan(0);
	},
	300_000,
);
