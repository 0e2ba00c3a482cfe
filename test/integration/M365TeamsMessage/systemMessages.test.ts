// Teams messages that are not a person's: system events (member added, chat renamed) and app/bot posts, as the
// emulator produces them (graph/systemMessages.ts). The list operations leave system events out unless asked and
// say who sent each message; the reply interpreter does not take a system event or a bot's "YES" as the user's.
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import { SEED_CHANNELS, SEED_CHATS, SEED_USERS, startEmulator, type Emulator } from '../../emulator';
import { emulatorRequest } from '../../emulator/testClient';
import { locator, outputJson, runTeams, signedIn } from './setup';

let emulator: Emulator;
let integration: ICredentialDataDecryptedObject;
beforeAll(async () => {
	emulator = await startEmulator();
	integration = await signedIn(emulator, 'integration');
});
afterAll(async () => {
	await emulator.close();
});

const control = async (path: string, json: unknown) => {
	const response = await emulatorRequest(`${emulator.graphUrl}/_emulator${path}`, { method: 'POST', json });
	expect(response.status).toBe(201);
	return response.json as IDataObject;
};
const run = async (parameters: IDataObject, inputItems?: IDataObject[]) => outputJson(await runTeams(parameters as never, { integration, inputItems }));

describe('system event messages and app senders', () => {
	it('the emulator produces them in Graph shape', async () => {
		const event = await control('/teams/systemEvent', { chatId: SEED_CHATS.projectFalcon.id, event: 'membersAdded', initiator: SEED_USERS.megan.id, members: [SEED_USERS.diego.id] });
		expect(event).toMatchObject({
			messageType: 'unknownFutureValue',
			from: null,
			body: { contentType: 'html', content: '<systemEventMessage/>' },
			eventDetail: { '@odata.type': '#microsoft.graph.membersAddedEventMessageDetail', members: [{ id: SEED_USERS.diego.id }], initiator: { user: { id: SEED_USERS.megan.id } } },
		});
		const bot = await control('/teams/botMessage', { chatId: SEED_CHATS.projectFalcon.id, content: 'YES', displayName: 'Survey Bot' });
		expect(bot).toMatchObject({ messageType: 'message', from: { user: null, application: { displayName: 'Survey Bot', applicationIdentityType: 'bot' } } });
	});

	it('list operations leave system events out by default, include them when asked, and name each sender type', async () => {
		const chatId = SEED_CHATS.projectFalcon.id;
		await control('/teams/systemEvent', { chatId, event: 'chatRenamed', initiator: SEED_USERS.megan.id, chatDisplayName: 'Falcon' });
		await control('/teams/botMessage', { chatId, content: 'Build passed' });
		const listed = await run({ resource: 'chatMessage', operation: 'list', chatId: locator(chatId), returnAll: true });
		expect(listed.some((m) => m.body && (m.body as IDataObject).content === '<systemEventMessage/>')).toBe(false);
		expect(listed.find((m) => (m.body as IDataObject).content === 'Build passed')?.senderType).toBe('application');
		expect(listed.filter((m) => m.senderType === 'user').length).toBeGreaterThan(0);
		const all = await run({ resource: 'chatMessage', operation: 'list', chatId: locator(chatId), returnAll: true, includeSystemEvents: true });
		expect(all.filter((m) => m.senderType === 'system').length).toBeGreaterThanOrEqual(1);

		const channel = SEED_CHANNELS.salesGeneral;
		await control('/teams/systemEvent', { teamId: channel.teamId, channelId: channel.id, event: 'membersAdded', members: [SEED_USERS.alex.id] });
		const channelList = await run({ resource: 'channelMessage', operation: 'list', teamId: locator(channel.teamId), channelId: locator(channel.id), returnAll: true });
		expect(channelList.every((m) => m.senderType !== 'system')).toBe(true);
	});

	it("the reply interpreter does not take a system event or a bot's YES as the Teams user's answer", async () => {
		const chatId = SEED_CHATS.projectFalcon.id;
		const event = await control('/teams/systemEvent', { chatId, event: 'membersAdded', members: [SEED_USERS.diego.id] });
		const bot = await control('/teams/botMessage', { chatId, content: 'YES' });
		const readings = await run({ resource: 'conferencing', operation: 'interpretReply', reply: '={{ $json.body.content }}' }, [event, bot, { messageType: 'message', from: { user: { id: SEED_USERS.diego.id } }, body: { contentType: 'html', content: 'YES' } }]);
		expect(readings.map((r) => [r.outcome, r.senderType])).toEqual([
			['ignored', 'system'],
			['ignored', 'application'],
			['accepted', undefined],
		]);
		// Plain text items (not Teams messages) are read as before.
		expect((await run({ resource: 'conferencing', operation: 'interpretReply', reply: 'no' }, [{ text: 'no' }])).map((r) => r.outcome)).toEqual([
			'declined',
		]);
	});
});
