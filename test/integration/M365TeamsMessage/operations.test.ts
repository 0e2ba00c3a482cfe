// Reply, edit, soft-delete, get and list for channels and chats, the chat "reply" that quotes, and chats.
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import { SEED_CHANNELS, SEED_CHATS, SEED_GUESTS, SEED_TEAMS, SEED_USERS, startEmulator, type Emulator } from '../../emulator';
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

const channel = { teamId: locator(SEED_TEAMS.sales.id), channelId: locator(SEED_CHANNELS.salesDeals.id) };
const run = async (parameters: IDataObject) => outputJson(await runTeams(parameters as never, { integration }));

describe('channel messages', () => {
	it('posts, replies, edits, gets, lists with replies, soft-deletes and restores', async () => {
		const [thread] = await run({ resource: 'channelMessage', operation: 'post', ...channel, contentType: 'text', content: 'Thread start' });
		const [reply] = await run({ resource: 'channelMessage', operation: 'reply', ...channel, messageId: thread.id, contentType: 'text', content: 'First reply' });
		expect(reply.replyToId).toBe(thread.id);
		expect(reply.postedAs).toMatchObject({ identity: 'integrationAccount' });

		const [edited] = await run({ resource: 'channelMessage', operation: 'edit', ...channel, messageId: thread.id, contentType: 'markdown', content: 'Thread *start* (edited)', actAs: 'integrationAccount' });
		expect(edited.body).toEqual({ contentType: 'html', content: '<p>Thread <em>start</em> (edited)</p>' });
		expect(edited.lastEditedDateTime).not.toBeNull();

		const [editedReply] = await run({ resource: 'channelMessage', operation: 'edit', ...channel, messageId: thread.id, replyId: reply.id, contentType: 'text', content: 'Reply v2', actAs: 'integrationAccount' });
		expect((editedReply.body as IDataObject).content).toBe('Reply v2');

		const [got] = await run({ resource: 'channelMessage', operation: 'get', ...channel, messageId: thread.id, replyId: reply.id });
		expect(got.id).toBe(reply.id);

		const listed = await run({ resource: 'channelMessage', operation: 'list', ...channel, returnAll: true, includeReplies: true });
		const listedThread = listed.find((message) => message.id === thread.id);
		expect((listedThread?.replies as IDataObject[]).map((message) => (message.body as IDataObject).content)).toEqual(['Reply v2']);

		const [deleted] = await run({ resource: 'channelMessage', operation: 'softDelete', ...channel, messageId: thread.id, undo: false, actAs: 'integrationAccount' });
		expect(deleted).toEqual({ id: thread.id, deleted: true, teamId: SEED_TEAMS.sales.id, channelId: SEED_CHANNELS.salesDeals.id });
		expect((await run({ resource: 'channelMessage', operation: 'get', ...channel, messageId: thread.id }))[0].deletedDateTime).not.toBeNull();
		await run({ resource: 'channelMessage', operation: 'softDelete', ...channel, messageId: thread.id, undo: true, actAs: 'integrationAccount' });
		expect((await run({ resource: 'channelMessage', operation: 'get', ...channel, messageId: thread.id }))[0]).toMatchObject({ deletedDateTime: null });
	});

	it('lists with a limit across pages', async () => {
		for (let index = 0; index < 3; index++) await run({ resource: 'channelMessage', operation: 'post', ...channel, contentType: 'text', content: `bulk ${index}` });
		const limited = await run({ resource: 'channelMessage', operation: 'list', ...channel, returnAll: false, limit: 2 });
		expect(limited.map((message) => (message.body as IDataObject).content)).toEqual(['bulk 2', 'bulk 1']);
	});

	it("refuses to edit someone else's message with Graph's 403", async () => {
		const seeded = emulator.state.data.channels[SEED_CHANNELS.salesGeneral.id].messages[0];
		const result = await runTeams(
			{ resource: 'channelMessage', operation: 'edit', teamId: locator(SEED_TEAMS.sales.id), channelId: locator(SEED_CHANNELS.salesGeneral.id), messageId: seeded.id, contentType: 'text', content: 'x', actAs: 'integrationAccount' },
			{ integration },
		);
		expect(result.error?.message).toBe('Only the sender of a message can update its content.');
	});
});

describe('chat messages', () => {
	const chat = { chatId: locator(SEED_CHATS.adeleIntegration.id) };

	it('posts, quotes in a reply, edits, lists newest first, gets and soft-deletes', async () => {
		const quoted = chatMessages(emulator, SEED_CHATS.adeleIntegration.id)[0];
		const [reply] = await run({ resource: 'chatMessage', operation: 'reply', ...chat, messageId: quoted.id, contentType: 'text', content: 'Here are the numbers' });
		expect((reply.body as IDataObject).content).toBe(`<attachment id="${quoted.id}"></attachment>Here are the numbers`);
		const reference = (reply.attachments as IDataObject[])[0];
		expect(reference).toMatchObject({ id: quoted.id, contentType: 'messageReference' });
		expect(JSON.parse(reference.content as string)).toMatchObject({ messageId: quoted.id, messagePreview: 'Hi, can you post the weekly numbers?' });

		const [edited] = await run({ resource: 'chatMessage', operation: 'edit', ...chat, messageId: reply.id, contentType: 'text', content: 'Numbers attached', actAs: 'integrationAccount' });
		expect((edited.body as IDataObject).content).toBe(`<attachment id="${quoted.id}"></attachment>Numbers attached`);
		expect((edited.attachments as IDataObject[]).map((attachment) => attachment.contentType)).toEqual(['messageReference']);

		const listed = await run({ resource: 'chatMessage', operation: 'list', ...chat, returnAll: false, limit: 1, order: 'createdDateTime' });
		expect(listed.map((message) => message.id)).toEqual([reply.id]);

		const [deleted] = await run({ resource: 'chatMessage', operation: 'softDelete', ...chat, messageId: reply.id, undo: false, actAs: 'integrationAccount' });
		expect(deleted).toEqual({ id: reply.id, deleted: true, chatId: SEED_CHATS.adeleIntegration.id });
		const [got] = await run({ resource: 'chatMessage', operation: 'get', ...chat, messageId: reply.id });
		expect(got.deletedDateTime).not.toBeNull();
	});

	it('accepts a chat given by its Teams link', async () => {
		const link = `https://teams.microsoft.com/l/chat/${encodeURIComponent(SEED_CHATS.projectFalcon.id)}/0?tenantId=${emulator.tenantId}`;
		const [message] = await run({ resource: 'chatMessage', operation: 'post', chatId: locator(link, 'url'), contentType: 'text', content: 'via link' });
		expect(message.chatId).toBe(SEED_CHATS.projectFalcon.id);
	});
});

describe('chats', () => {
	it('finds the existing 1:1 chat, creates a missing one once, and creates group chats', async () => {
		const [existing] = await run({ resource: 'chat', operation: 'findOrCreateOneOnOne', userId: locator(SEED_USERS.adele.upn, 'upn') });
		expect(existing.id).toBe(SEED_CHATS.adeleIntegration.id);
		const before = Object.keys(emulator.state.data.chats).length;
		const [created] = await run({ resource: 'chat', operation: 'findOrCreateOneOnOne', userId: locator(SEED_USERS.diego.id) });
		const [again] = await run({ resource: 'chat', operation: 'findOrCreateOneOnOne', userId: locator(SEED_USERS.diego.upn, 'upn') });
		expect(again.id).toBe(created.id);
		expect(Object.keys(emulator.state.data.chats).length).toBe(before + 1);

		const [group] = await run({ resource: 'chat', operation: 'createGroup', members: `${SEED_USERS.adele.upn}, ${SEED_USERS.alex.id}`, topic: 'Escalation' });
		expect(group).toMatchObject({ chatType: 'group', topic: 'Escalation' });
		expect(emulator.state.chat(group.id as string)?.members.map((member) => member.userId).sort()).toEqual(
			[SEED_USERS.adele.id, SEED_USERS.alex.id, SEED_USERS.integration.id].sort(),
		);
		const [guestChat] = await run({ resource: 'chat', operation: 'findOrCreateOneOnOne', userId: locator(SEED_GUESTS.jordan.mail, 'upn') });
		expect(emulator.state.chat(guestChat.id as string)?.members.map((member) => member.userId)).toContain(SEED_GUESTS.jordan.id);
		const tooSmall = await runTeams({ resource: 'chat', operation: 'createGroup', members: SEED_USERS.adele.upn, topic: '' }, { integration });
		expect(tooSmall.error?.message).toBe('A group chat needs at least two users besides the integration account');
	});
});
