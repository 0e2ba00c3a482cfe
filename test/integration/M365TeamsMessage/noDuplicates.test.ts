// 1,000 posts while the emulator loses answers: some connections drop after Graph applied the post
// (dropAfterApply), some before (drop), and Teams re-serialises and wraps every stored body. Every item must end up
// posted exactly once: 0 lost, 0 duplicates; and items with the same text are told apart too. Teams takes one request
// per second per chat (the transport paces to it), so the 1,000 posts go to 20 group chats, 50 each (posted at once,
// about a minute), and the items with the same text go 30 into one chat.
import type { ICredentialDataDecryptedObject, IDataObject, INodeParameters } from 'n8n-workflow';

import { SEED_CHATS, SEED_TENANT, SEED_USERS, startEmulator, type Emulator } from '../../emulator';
import { buildChat } from '../../emulator/state/builders';
import type { GraphChatMessage } from '../../emulator/state/types';
import { chatMessages, locator, textCounts, outputJson, runTeams, signedIn } from './setup';

const POSTS = 1000;
const CHATS = 20;
const SAME_TEXT_POSTS = 30;
const CHAT = SEED_CHATS.projectFalcon.id;

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
	const members = [SEED_USERS.integration.id, SEED_USERS.megan.id, SEED_USERS.adele.id].map((id) => emulator.state.user(id)!);
	for (let i = 0; i < CHATS; i++) {
		const chat = buildChat(`19:noDuplicates${i}@thread.v2`, 'group', `No duplicates ${i}`, SEED_TENANT.id, members);
		emulator.state.data.chats[chat.chat.id] = chat;
	}
});
afterAll(async () => {
	await emulator.close();
});

/**
 * Posts `count` items (`$json.n` is 0..count-1, `$json.chatId` the chats in turn) while the emulator loses about 10% of
 * the answers after Teams stored the post and 5% before; checks that every item came out without an error and with
 * its own message id. Gives the node's output, the messages the chats gained and the requests by endpoint.
 */
async function postThroughLostAnswers(
	message: INodeParameters,
	count: number,
	chats: string[],
): Promise<{ output: IDataObject[]; posted: GraphChatMessage[]; byEndpoint: Record<string, number> }> {
	const before = chats.map((chat) => chatMessages(emulator, chat).length);
	emulator.faults.add({ kind: 'dropAfterApply', method: 'POST', path: '/chats/*/messages', probability: 0.1 });
	emulator.faults.add({ kind: 'drop', method: 'POST', path: '/chats/*/messages', probability: 0.05 });
	emulator.requests.reset();
	let output: IDataObject[];
	try {
		const result = await runTeams(
			{ resource: 'chatMessage', operation: 'post', chatId: locator('={{ $json.chatId }}'), ...message },
			{ integration, inputItems: Array.from({ length: count }, (_, n) => ({ n, chatId: chats[n % chats.length] })) },
		);
		output = outputJson(result);
	} finally {
		emulator.faults.clear();
	}
	expect(output).toHaveLength(count);
	expect(output.filter((item) => item.error)).toEqual([]);
	expect(new Set(output.map((item) => item.id)).size).toBe(count);
	const posted = chats.flatMap((chat, c) => chatMessages(emulator, chat).slice(before[c]));
	return { output, posted, byEndpoint: emulator.requests.byEndpoint() };
}

it(
	'posts 1,000 messages through lost answers with no loss and no duplicate',
	async () => {
		const chats = Array.from({ length: CHATS }, (_, i) => `19:noDuplicates${i}@thread.v2`);
		const { posted, byEndpoint } = await postThroughLostAnswers({ contentType: 'text', content: '={{ "Message " + $json.n }}' }, POSTS, chats);
		const counts = textCounts(posted);
		const duplicates = [...counts.values()].filter((count) => count > 1).length;
		expect({ stored: posted.length, distinctTexts: counts.size, duplicates }).toEqual({ stored: POSTS, distinctTexts: POSTS, duplicates: 0 });
		// Nothing invisible was added to any message.
		expect(posted.filter((message) => /[\u200B-\u200D\u2060-\u2064]/.test(message.body?.content ?? ''))).toEqual([]);
		// The faults did fire: more POST attempts than posts, and lookups of the newest messages after lost answers.
		expect(byEndpoint['POST /chats/:chatId/messages']).toBeGreaterThan(POSTS);
		expect(byEndpoint['GET /chats/:chatId/messages']).toBeGreaterThan(0);
	},
	600_000,
);

it(
	`posts ${SAME_TEXT_POSTS} items with the same text into one chat through lost answers, each exactly once`,
	async () => {
		const { posted, byEndpoint } = await postThroughLostAnswers({ contentType: 'markdown', content: "It's **done** & shipped" }, SAME_TEXT_POSTS, [CHAT]);
		expect(posted).toHaveLength(SAME_TEXT_POSTS);
		expect(byEndpoint['GET /chats/:chatId/messages']).toBeGreaterThan(0);
	},
	300_000,
);
