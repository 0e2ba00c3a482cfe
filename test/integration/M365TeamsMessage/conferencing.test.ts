// Chat-session conferencing end to end: invite a Teams user in their 1:1 chat with the integration account, read
// their YES / NO / BYE / text replies, announce joins, leaves and the end of the session.
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import { SEED_APPS, SEED_USERS, startEmulator, type Emulator } from '../../emulator';
import { emulatorRequest } from '../../emulator/testClient';
import { chatMessages, locator, outputJson, runTeams, signedIn } from './setup';

let emulator: Emulator;
let integration: ICredentialDataDecryptedObject;
beforeAll(async () => {
	emulator = await startEmulator();
	integration = await signedIn(emulator, 'integration');
});
afterAll(async () => {
	await emulator.close();
});

const run = async (parameters: IDataObject) => outputJson(await runTeams(parameters as never, { integration }));
const plain = (content: string | null | undefined) => (content ?? '').replace(/[\u200B-\u200D\u2060-\u2064]/g, '');

/**
 * Diego answers in Teams (his own delegated post into the chat). He types in the Teams client, which Graph's app
 * throttling limits do not count, so Teams' limits (rule `teamsPosting`, 1 request per second per chat) are off for
 * his post: these tests are about reading his answers, not about pacing (test/unit/emulator/throttling.test.ts is).
 */
async function diegoSays(chatId: string, content: string): Promise<IDataObject> {
	const token = emulator.tokens.issueDelegatedTokens(SEED_APPS.main.appId, SEED_USERS.diego.id).accessToken;
	emulator.rules.set({ teamsPosting: false });
	try {
		const response = await emulatorRequest(`${emulator.graphUrl}/v1.0/chats/${encodeURIComponent(chatId)}/messages`, {
			method: 'POST',
			token,
			json: { body: { contentType: 'html', content } },
		});
		expect(response.status).toBe(201);
		return response.json;
	} finally {
		emulator.rules.set({ teamsPosting: true });
	}
}

describe('conferencing', () => {
	it('invites with the default text in a new 1:1 chat, then reads YES and announces', async () => {
		const [invitation] = await run({ resource: 'conferencing', operation: 'invite', userId: locator(SEED_USERS.diego.upn, 'upn') });
		expect(invitation.text).toBe('You are invited to customer chat session, would you like to accept (YES/NO)?');
		const chatId = invitation.chatId as string;
		const chat = emulator.state.chat(chatId);
		expect(chat?.chat.chatType).toBe('oneOnOne');
		expect(chat?.members.map((member) => member.userId).sort()).toEqual([SEED_USERS.diego.id, SEED_USERS.integration.id].sort());
		expect(plain(chatMessages(emulator, chatId).at(-1)?.body?.content)).toBe('You are invited to customer chat session, would you like to accept (YES/NO)?');

		const answer = await diegoSays(chatId, '<p> yes </p>');
		const [reading] = await run({ resource: 'conferencing', operation: 'interpretReply', reply: (answer.body as IDataObject).content });
		expect(reading).toEqual({ kind: 'positive', outcome: 'accepted', text: 'yes', relay: false, endsSession: false });

		for (const [event, name, expected] of [
			['invitationAccepted', 'Diego Siciliani', 'Diego Siciliani accepted the invitation'],
			['partyJoined', 'Diego Siciliani', 'Diego Siciliani joined the session'],
			['partyLeft', 'Kim (customer)', 'Kim (customer) left the session'],
			['sessionEnded', '', 'Customer chat session ended'],
		] as const) {
			const [announcement] = await run({ resource: 'conferencing', operation: 'announce', chatId: locator(chatId), event, name });
			expect(announcement.text).toBe(expected);
			expect(plain(chatMessages(emulator, chatId).at(-1)?.body?.content)).toBe(expected);
		}
	});

	it('reads NO, BYE and ordinary text (HTML stripped) and relays only the text', async () => {
		const [invitation] = await run({ resource: 'conferencing', operation: 'invite', userId: locator(SEED_USERS.diego.id) });
		const chatId = invitation.chatId as string;
		const replies = [await diegoSays(chatId, 'NO'), await diegoSays(chatId, '<div>Bye!</div>'), await diegoSays(chatId, '<p>What is the <b>order</b> number?</p>')];
		const readings = await runTeams(
			{ resource: 'conferencing', operation: 'interpretReply', reply: '={{ $json.body.content }}' },
			{ integration, inputItems: replies },
		);
		expect(outputJson(readings).map((reading) => [reading.outcome, reading.relay, reading.endsSession, reading.text])).toEqual([
			['declined', false, false, 'NO'],
			['left', false, true, 'Bye!'],
			['message', true, false, 'What is the order number?'],
		]);
	});

	it('uses configured texts and keywords', async () => {
		const templates = { invitation: '{inviterName} möchte Sie in den Chat {sessionName} holen. Annehmen ({positive}/{negative})?' };
		const keywords = { positive: 'JA', negative: 'NEIN', leave: 'TSCHÜSS' };
		const [invitation] = await run({
			resource: 'conferencing',
			operation: 'invite',
			userId: locator(SEED_USERS.adele.upn, 'upn'),
			inviterName: 'Agent Kim',
			sessionName: '#4711',
			templates,
			keywords,
		});
		expect(invitation.text).toBe('Agent Kim möchte Sie in den Chat #4711 holen. Annehmen (JA/NEIN)?');
		const [reading] = await run({ resource: 'conferencing', operation: 'interpretReply', reply: ' ja ', keywords });
		expect(reading.outcome).toBe('accepted');
		const [english] = await run({ resource: 'conferencing', operation: 'interpretReply', reply: 'YES', keywords });
		expect(english.outcome).toBe('message');
	});
});
