// 1,000 posts while the emulator loses answers: some connections drop after Graph applied the post
// (dropAfterApply), some before (drop), and Teams re-serialises and wraps every stored body. Every item must end up
// posted exactly once: 0 lost, 0 duplicates; and items with the same text are told apart too.
import type { ICredentialDataDecryptedObject, IDataObject, INodeParameters } from 'n8n-workflow';

import { SEED_CHATS, startEmulator, type Emulator } from '../../emulator';
import type { GraphChatMessage } from '../../emulator/state/types';
import { chatMessages, locator, textCounts, outputJson, runTeams, signedIn } from './setup';

const POSTS = 1000;
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
});
afterAll(async () => {
	await emulator.close();
});

/**
 * Posts `count` items (`$json.n` is 0..count-1) into the chat while the emulator loses about 10% of the answers after
 * Teams stored the post and 5% before; checks that every item came out without an error and with its own message
 * id. Gives the node's output, the messages the chat gained and the requests by endpoint.
 */
async function postThroughLostAnswers(
	message: INodeParameters,
	count: number,
): Promise<{ output: IDataObject[]; posted: GraphChatMessage[]; byEndpoint: Record<string, number> }> {
	const before = chatMessages(emulator, CHAT).length;
	emulator.faults.add({ kind: 'dropAfterApply', method: 'POST', path: '/chats/*/messages', probability: 0.1 });
	emulator.faults.add({ kind: 'drop', method: 'POST', path: '/chats/*/messages', probability: 0.05 });
	emulator.requests.reset();
	let output: IDataObject[];
	try {
		const result = await runTeams(
			{ resource: 'chatMessage', operation: 'post', chatId: locator(CHAT), ...message },
			{ integration, inputItems: Array.from({ length: count }, (_, n) => ({ n })) },
		);
		output = outputJson(result);
	} finally {
		emulator.faults.clear();
	}
	expect(output).toHaveLength(count);
	expect(output.filter((item) => item.error)).toEqual([]);
	expect(new Set(output.map((item) => item.id)).size).toBe(count);
	return { output, posted: chatMessages(emulator, CHAT).slice(before), byEndpoint: emulator.requests.byEndpoint() };
}

it(
	'posts 1,000 messages through lost answers with no loss and no duplicate',
	async () => {
		const { posted, byEndpoint } = await postThroughLostAnswers({ contentType: 'text', content: '={{ "Message " + $json.n }}' }, POSTS);
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
	'posts 200 items with the same text through lost answers, each exactly once',
	async () => {
		const { posted, byEndpoint } = await postThroughLostAnswers({ contentType: 'markdown', content: "It's **done** & shipped" }, 200);
		expect(posted).toHaveLength(200);
		expect(byEndpoint['GET /chats/:chatId/messages']).toBeGreaterThan(0);
	},
	300_000,
);
