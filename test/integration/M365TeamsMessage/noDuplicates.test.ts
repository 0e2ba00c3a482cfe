// 1,000 posts while the emulator loses answers: some connections drop after Graph applied the post
// (dropAfterApply), some before (drop). Every item must end up posted exactly once: 0 lost, 0 duplicates.
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { SEED_CHATS, startEmulator, type Emulator } from '../../emulator';
import { chatMessages, locator, markerCounts, outputJson, runTeams, signedIn } from './setup';

const POSTS = 1000;

let emulator: Emulator;
let integration: ICredentialDataDecryptedObject;
beforeAll(async () => {
	emulator = await startEmulator({ faultSeed: 4 });
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
		const counts = markerCounts(posted);
		const duplicates = [...counts.values()].filter((count) => count > 1).length;
		const texts = new Set(posted.map((message) => (message.body?.content ?? '').replace(/[\u200B-\u200D\u2060-\u2064]/g, '')));
		expect({ stored: posted.length, distinctKeys: counts.size, duplicates, distinctTexts: texts.size }).toEqual({
			stored: POSTS,
			distinctKeys: POSTS,
			duplicates: 0,
			distinctTexts: POSTS,
		});
		// The faults did fire: more POST attempts than posts, and lookups of the newest messages after lost answers.
		const byEndpoint = emulator.requests.byEndpoint();
		expect(byEndpoint['POST /chats/:chatId/messages']).toBeGreaterThan(POSTS);
		expect(byEndpoint['GET /chats/:chatId/messages']).toBeGreaterThan(0);
	},
	600_000,
);
