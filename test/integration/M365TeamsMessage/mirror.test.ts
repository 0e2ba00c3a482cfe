// The Mirror operation against the emulator: outside events (created / edited / deleted) carried into a channel
// and a chat, with the mapping rows a workflow's Data table lookup would pass in.
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import { SEED_CHANNELS, SEED_CHATS, SEED_TEAMS, SEED_USERS, startEmulator, type Emulator } from '../../emulator';
import { setTeamMessagingSettings } from '../../emulator/graph/teamMessagingSettings';
import { messageFingerprint } from '../../../nodes/shared/teamsText';
import { channelMessages, chatMessages, locator, outputJson, runTeams, signedIn } from './setup';

let emulator: Emulator;
let integration: ICredentialDataDecryptedObject;
let adele: ICredentialDataDecryptedObject;
beforeAll(async () => {
	emulator = await startEmulator();
	integration = await signedIn(emulator, 'integration');
	adele = await signedIn(emulator, 'adele');
});
afterAll(async () => {
	await emulator.close();
});

const channel = { teamId: locator(SEED_TEAMS.sales.id), channelId: locator(SEED_CHANNELS.salesDeals.id) };
const chat = { chatId: locator(SEED_CHATS.adeleIntegration.id) };

interface MirrorCall {
	eventType: 'created' | 'edited' | 'deleted';
	outsideId: string;
	outsideThreadId?: string;
	text?: string;
	row?: IDataObject | null;
	threadRow?: IDataObject | null;
}

function parameters(resource: 'channelMessage' | 'chatMessage', call: MirrorCall, extra: IDataObject = {}): IDataObject {
	return {
		resource,
		operation: 'mirror',
		...(resource === 'channelMessage' ? channel : chat),
		eventType: call.eventType,
		platform: 'slack',
		outsideId: call.outsideId,
		outsideThreadId: call.outsideThreadId ?? '',
		mappingRow: call.row ? JSON.stringify(call.row) : '',
		threadMappingRow: call.threadRow ? JSON.stringify(call.threadRow) : '',
		contentType: 'text',
		content: call.text ?? '',
		attribution: { senderName: 'Kim Lee', platform: 'Slack' },
		...extra,
	};
}

async function mirror(resource: 'channelMessage' | 'chatMessage', call: MirrorCall, run: { sender?: ICredentialDataDecryptedObject; extra?: IDataObject } = {}) {
	const [output] = outputJson(await runTeams(parameters(resource, call, run.extra) as never, { integration, sender: run.sender }));
	return output;
}

/** Message text without invisible characters (the duplicate marker of this version). */
const visible = (content: string | null | undefined) => (content ?? '').replace(/[\u200B-\u200D\u2060-\u2063]/g, '');
const deals = () => channelMessages(emulator, SEED_CHANNELS.salesDeals.id);
const byId = (id: unknown) => deals().find((message) => message.id === id);

describe('Mirror into a channel', () => {
	it('posts, replies in the mapped thread, edits keeping the attribution, skips repeats and soft-deletes', async () => {
		const posted = await mirror('channelMessage', { eventType: 'created', outsideId: 'S1', text: 'Deal closed' });
		expect(posted.outcome).toBe('posted');
		const row = posted.row as IDataObject;
		expect(row).toEqual({
			platform: 'slack', outsideId: 'S1', outsideThreadId: '', teamsMessageId: (posted.teamsMessage as IDataObject).id, teamsThreadId: '',
			teamId: SEED_TEAMS.sales.id, channelId: SEED_CHANNELS.salesDeals.id, chatId: '', origin: 'outside', postedAs: 'integrationAccount',
			teamsAuthorId: SEED_USERS.integration.id, contentHash: expect.stringMatching(/^[0-9a-f]{32}$/), teamsEditedAt: '', deleted: false,
			teamsFingerprint: messageFingerprint(byId((posted.teamsMessage as IDataObject).id)?.body),
		});
		expect(row.teamsFingerprint).toMatch(/^[0-9a-f]{32}$/);
		expect(byId(row.teamsMessageId)?.body?.content).toContain('<b>Kim Lee</b> (external, via Slack):<br>Deal closed');

		// The same event again, after the workflow stored the row: nothing is posted.
		const before = deals().length;
		const again = await mirror('channelMessage', { eventType: 'created', outsideId: 'S1', text: 'Deal closed', row });
		// An existing row's save leaves `deleted` as it is (no key): a delete saved meanwhile is not undone.
		const { deleted: wasDeleted, ...kept } = row;
		expect(wasDeleted).toBe(false);
		expect(again).toMatchObject({ outcome: 'duplicate', row: kept });
		expect(again.row).not.toHaveProperty('deleted');
		expect(deals()).toHaveLength(before);

		// A reply in the outside thread lands in the Teams thread; a reply to that thread again in the same thread.
		const reply = await mirror('channelMessage', { eventType: 'created', outsideId: 'S2', outsideThreadId: 'S1', text: 'Congrats', threadRow: row });
		expect(reply.outcome).toBe('replied');
		expect(reply.row).toMatchObject({ outsideThreadId: 'S1', teamsThreadId: row.teamsMessageId });
		expect(byId((reply.row as IDataObject).teamsMessageId)?.replyToId).toBe(row.teamsMessageId);

		// Edit: the integration account edits its own message and keeps the attribution line.
		const edited = await mirror('channelMessage', { eventType: 'edited', outsideId: 'S1', text: 'Deal closed: 40 seats', row });
		expect(edited.outcome).toBe('edited');
		const stored = byId(row.teamsMessageId);
		expect(stored?.body?.content).toContain('<b>Kim Lee</b> (external, via Slack):<br>Deal closed: 40 seats');
		expect(stored?.lastEditedDateTime).not.toBeNull();
		const editedRow = edited.row as IDataObject;
		expect(editedRow.teamsEditedAt).toBe(stored?.lastEditedDateTime);
		expect(editedRow.contentHash).not.toBe(row.contentHash);
		// No `deleted` key: saved with 'deleted' left as it is, so a delete saved meanwhile is not undone.
		expect(editedRow).not.toHaveProperty('deleted');
		expect(editedRow.teamsFingerprint).toBe(messageFingerprint(stored?.body));
		expect(editedRow.teamsFingerprint).not.toBe(row.teamsFingerprint);

		// The same edit delivered again: no second edit.
		const repeatEdit = await mirror('channelMessage', { eventType: 'edited', outsideId: 'S1', text: 'Deal closed: 40 seats', row: editedRow });
		expect(repeatEdit.outcome).toBe('unchanged');
		expect(byId(row.teamsMessageId)?.lastEditedDateTime).toBe(stored?.lastEditedDateTime);

		// Edit of the reply goes to the reply (a message inside the thread).
		const editedReply = await mirror('channelMessage', { eventType: 'edited', outsideId: 'S2', text: 'Congrats all', row: reply.row as IDataObject });
		expect(editedReply.outcome).toBe('edited');
		expect(byId((reply.row as IDataObject).teamsMessageId)?.body?.content).toContain('Congrats all');

		const deleted = await mirror('channelMessage', { eventType: 'deleted', outsideId: 'S1', row: editedRow });
		expect(deleted).toMatchObject({ outcome: 'deleted', row: { ...editedRow, deleted: true } });
		expect(byId(row.teamsMessageId)?.deletedDateTime).not.toBeNull();
		expect(await mirror('channelMessage', { eventType: 'deleted', outsideId: 'S1', row: deleted.row as IDataObject })).toMatchObject({ outcome: 'alreadyDeleted' });
		// Teams refuses edits of deleted messages: the node does not try.
		expect(await mirror('channelMessage', { eventType: 'edited', outsideId: 'S1', text: 'too late', row: deleted.row as IDataObject })).toMatchObject({ outcome: 'deletedInTeams' });
	});

	it('reports an edit or delete without a mapping row, or fails that item when asked, without losing the others', async () => {
		expect(await mirror('channelMessage', { eventType: 'edited', outsideId: 'unknown', text: 'x' })).toMatchObject({ outcome: 'notMapped', row: null });
		expect(await mirror('channelMessage', { eventType: 'deleted', outsideId: 'unknown' })).toMatchObject({ outcome: 'notMapped', row: null });

		const inputItems = [
			{ type: 'edited', id: 'unknown-2', text: 'x' },
			{ type: 'created', id: 'S-ok', text: 'still posted' },
		];
		const result = await runTeams(
			{
				...parameters('channelMessage', { eventType: 'created', outsideId: '' }),
				eventType: '={{ $json.type }}',
				outsideId: '={{ $json.id }}',
				content: '={{ $json.text }}',
				mirrorOptions: { unmapped: 'fail' },
			} as never,
			{ integration, continueOnFail: true, inputItems },
		);
		const [failed, posted] = outputJson(result);
		expect(failed.error).toMatch(/No mapping row for slack message 'unknown-2': cannot mirror its edit/);
		expect(posted.outcome).toBe('posted');
	});

	it('mirrors the same event once when it comes twice in one run', async () => {
		const before = deals().length;
		const inputItems = [{ id: 'S-twice' }, { id: 'S-twice' }];
		const result = await runTeams(
			{ ...parameters('channelMessage', { eventType: 'created', outsideId: '', text: 'only once' }), outsideId: '={{ $json.id }}' } as never,
			{ integration, inputItems },
		);
		const [first, second] = outputJson(result);
		expect(first.outcome).toBe('posted');
		expect(second).toMatchObject({ outcome: 'duplicate', row: first.row });
		expect(second.teamsMessage).toBeUndefined();
		expect(deals()).toHaveLength(before + 1);
	});

	it("edits through the sender's own credential when the sender posted, and falls back to an attributed reply when it cannot", async () => {
		const posted = await mirror('channelMessage', { eventType: 'created', outsideId: 'A1', text: 'From Adele' }, { sender: adele });
		expect(posted.row).toMatchObject({ postedAs: 'sender', teamsAuthorId: SEED_USERS.adele.id });
		const row = posted.row as IDataObject;
		expect(visible(byId(row.teamsMessageId)?.body?.content)).toBe('From Adele');

		const edited = await mirror('channelMessage', { eventType: 'edited', outsideId: 'A1', text: 'From Adele, edited', row }, { sender: adele });
		expect(edited.outcome).toBe('edited');
		expect(byId(row.teamsMessageId)).toMatchObject({ body: { content: 'From Adele, edited' }, from: { user: { id: SEED_USERS.adele.id } } });

		// The sender's sign-in is gone: the integration account cannot edit Adele's message, so the new text is
		// posted in its thread, attributed; the mapping still points at the original.
		const notSignedIn = { ...adele };
		delete notSignedIn.oauthTokenData;
		const fallback = await mirror('channelMessage', { eventType: 'edited', outsideId: 'A1', text: 'From Adele, edited twice', row: edited.row as IDataObject }, { sender: notSignedIn });
		expect(fallback.outcome).toBe('editPostedAsReply');
		expect(fallback.row).toMatchObject({ teamsMessageId: row.teamsMessageId, postedAs: 'sender' });
		const fallbackMessage = byId((fallback.teamsMessage as IDataObject).id);
		expect(fallbackMessage).toMatchObject({ replyToId: row.teamsMessageId, from: { user: { id: SEED_USERS.integration.id } } });
		expect(fallbackMessage?.body?.content).toContain('<b>Kim Lee</b> (external, via Slack):<br>From Adele, edited twice');
		expect(visible(byId(row.teamsMessageId)?.body?.content)).toBe('From Adele, edited');

		// Nobody else may delete it: the item fails with what to do, and the message stays.
		const result = await runTeams(parameters('channelMessage', { eventType: 'deleted', outsideId: 'A1', row: edited.row as IDataObject }) as never, { integration });
		expect(result.error?.message).toBe(`Cannot delete Teams message ${String(row.teamsMessageId)}: it was posted with the sender credential and the node has no sender credential`);
		expect(byId(row.teamsMessageId)?.deletedDateTime).toBeNull();
		const deleted = await mirror('channelMessage', { eventType: 'deleted', outsideId: 'A1', row: edited.row as IDataObject }, { sender: adele });
		expect(deleted.outcome).toBe('deleted');
		expect(byId(row.teamsMessageId)?.deletedDateTime).not.toBeNull();
	});

	it('never changes a message a Teams user wrote (a row mirrored out of Teams)', async () => {
		const seeded = channelMessages(emulator, SEED_CHANNELS.salesGeneral.id)[0];
		const row = { platform: 'slack', outsideId: 'T-copy', teamsMessageId: seeded.id, teamId: SEED_TEAMS.sales.id, channelId: SEED_CHANNELS.salesGeneral.id, origin: 'teams', postedAs: 'teamsUser', deleted: false };
		expect(await mirror('channelMessage', { eventType: 'edited', outsideId: 'T-copy', text: 'changed in Slack', row })).toMatchObject({ outcome: 'teamsAuthored' });
		expect(await mirror('channelMessage', { eventType: 'deleted', outsideId: 'T-copy', row })).toMatchObject({ outcome: 'teamsAuthored' });
		expect(seeded.deletedDateTime).toBeNull();
	});

	it("fails the item with Graph's refusal when the team does not let users edit or delete their messages", async () => {
		const posted = await mirror('channelMessage', { eventType: 'created', outsideId: 'P1', text: 'policy test' });
		const row = posted.row as IDataObject;
		setTeamMessagingSettings(emulator.state, SEED_TEAMS.sales.id, { allowUserEditMessages: false, allowUserDeleteMessages: false });
		try {
			const edit = await runTeams(parameters('channelMessage', { eventType: 'edited', outsideId: 'P1', text: 'policy test, edited', row }) as never, { integration, continueOnFail: true });
			expect(outputJson(edit)[0].error).toMatch(/allowUserEditMessages is false/);
			const remove = await runTeams(parameters('channelMessage', { eventType: 'deleted', outsideId: 'P1', row }) as never, { integration, continueOnFail: true });
			expect(outputJson(remove)[0].error).toMatch(/allowUserDeleteMessages is false/);
			expect(byId(row.teamsMessageId)).toMatchObject({ deletedDateTime: null, lastEditedDateTime: null });
		} finally {
			setTeamMessagingSettings(emulator.state, SEED_TEAMS.sales.id, { allowUserEditMessages: true, allowUserDeleteMessages: true });
		}
	});

	it("refuses a mapping row that is not a row, naming the field", async () => {
		const result = await runTeams(parameters('channelMessage', { eventType: 'edited', outsideId: 'S1', text: 'x' }, { mappingRow: '{not json' }) as never, { integration });
		expect(result.error?.message).toBe("'Mapping Row' is not JSON: give the row the Data table node found, e.g. {{ $json }}");
	});
});

describe('Mirror into a chat', () => {
	const messages = () => chatMessages(emulator, SEED_CHATS.adeleIntegration.id);
	const chatById = (id: unknown) => messages().find((message) => message.id === id);

	it('posts, replies by quoting the mapped message, edits and deletes', async () => {
		const posted = await mirror('chatMessage', { eventType: 'created', outsideId: 'C1', text: 'Customer: my order is late' });
		const row = posted.row as IDataObject;
		expect(posted.outcome).toBe('posted');
		expect(row).toMatchObject({ chatId: SEED_CHATS.adeleIntegration.id, teamId: '', channelId: '', teamsThreadId: '', postedAs: 'integrationAccount' });

		const reply = await mirror('chatMessage', { eventType: 'created', outsideId: 'C2', outsideThreadId: 'C1', text: 'Order 1234', threadRow: row });
		expect(reply.outcome).toBe('replied');
		const replyMessage = chatById((reply.row as IDataObject).teamsMessageId);
		expect(replyMessage?.attachments?.[0]).toMatchObject({ id: row.teamsMessageId, contentType: 'messageReference' });

		const edited = await mirror('chatMessage', { eventType: 'edited', outsideId: 'C2', text: 'Order 12345', row: reply.row as IDataObject });
		expect(edited.outcome).toBe('edited');
		const editedMessage = chatById((reply.row as IDataObject).teamsMessageId);
		// The quote stays, the attribution stays, the text is new.
		expect(editedMessage?.body?.content).toContain(`<attachment id="${String(row.teamsMessageId)}"></attachment>`);
		expect(editedMessage?.body?.content).toContain('Order 12345');
		expect(editedMessage?.body?.content).toContain('<b>Kim Lee</b>');

		const deleted = await mirror('chatMessage', { eventType: 'deleted', outsideId: 'C1', row });
		expect(deleted.outcome).toBe('deleted');
		expect(chatById(row.teamsMessageId)?.deletedDateTime).not.toBeNull();

		// A reply to a deleted message: posted without a quote, and says so.
		const late = await mirror('chatMessage', { eventType: 'created', outsideId: 'C3', outsideThreadId: 'C1', text: 'still there?', threadRow: deleted.row as IDataObject });
		expect(late).toMatchObject({ outcome: 'replied', threadNotMapped: true });
		expect(chatById((late.row as IDataObject).teamsMessageId)?.attachments).toEqual([]);
	});
});
