// `contentFingerprint` on the triggers' message items is the fingerprint the Mirror operation puts in its row
// (`teamsFingerprint`) for the same message: one function (nodes/shared/teamsText.ts) over the posted HTML and over
// the message as Graph returns it after Teams re-serialised it. A two-way bridge matches a post made with a sender
// credential by it before the post's mapping row is saved (docs/nodes/M365TeamsMessage.md, "No echoes").
import type { ICredentialDataDecryptedObject, IDataObject, INodeParameters } from 'n8n-workflow';

import { SEED_CHANNELS, SEED_TEAMS, SEED_USERS, type Emulator } from '../../emulator';
import { contentToHtml } from '../../../nodes/M365TeamsMessage/helpers/draft';
import { channelMessages, locator, outputJson, runTeams, signedIn } from '../M365TeamsMessage/setup';
import { activate, approveProtectedApis, DAILY, emittedItems, Poller, settled, startTenant } from './setup';

const SALES = SEED_TEAMS.sales.id;
const DEALS = SEED_CHANNELS.salesDeals.id;
const TEXT = "**Deal** closed: it's done & shipped\u00a0✓ <https://x.example/?a=1&b=2>";

const triggerParameters: INodeParameters = {
	authentication: 'm365TenantAppApi',
	event: 'newChannelMessage',
	channelScope: 'channel',
	teamId: locator(SALES),
	channelId: locator(DEALS),
	includeReplies: true,
	includeChanges: true,
};

describe('M365 Trigger and Polling Trigger: contentFingerprint', () => {
	let emulator: Emulator;
	let integration: ICredentialDataDecryptedObject;
	let adele: ICredentialDataDecryptedObject;
	beforeAll(async () => {
		emulator = await startTenant();
		await approveProtectedApis(emulator);
		integration = await signedIn(emulator, 'integration');
		adele = await signedIn(emulator, 'adele');
	});
	afterAll(async () => {
		await emulator.close();
	});

	async function mirror(eventType: 'created' | 'edited' | 'deleted', text: string, row?: IDataObject, options: { prepareOnly?: boolean; outsideId?: string; sender?: boolean } = {}): Promise<IDataObject> {
		const [output] = outputJson(
			await runTeams(
				{
					resource: 'channelMessage',
					operation: 'mirror',
					teamId: locator(SALES),
					channelId: locator(DEALS),
					eventType,
					platform: 'slack',
					outsideId: options.outsideId ?? 'S1',
					outsideThreadId: '',
					mappingRow: row ? JSON.stringify(row) : '',
					threadMappingRow: '',
					contentType: 'markdown',
					content: text,
					attribution: { senderName: 'Adele (Slack)', platform: 'Slack' },
					mirrorOptions: options.prepareOnly ? { prepareOnly: true } : {},
				} as never,
				{ integration, sender: options.sender === false ? undefined : adele },
			),
		);
		return output;
	}

	it("equals the Mirror row's teamsFingerprint for a sender's post and its edit, in webhook and polling items; null once deleted", async () => {
		const trigger = await activate(emulator, triggerParameters);
		const poller = new Poller(emulator, { ...triggerParameters, pollTimes: DAILY });
		try {
			expect(await poller.poll()).toEqual([]);
			emulator.clock.advance(60);
			// Markdown with entities, a non-breaking space and a link: Teams stores re-serialised HTML.
			const posted = await mirror('created', TEXT);
			const row = posted.row as IDataObject;
			expect(row).toMatchObject({ postedAs: 'sender', teamsAuthorId: SEED_USERS.adele.id, teamsFingerprint: expect.stringMatching(/^[0-9a-f]{32}$/) });
			// Teams stored other HTML than the node sent (re-serialised): the fingerprint is not a hash of the HTML.
			const stored = channelMessages(emulator, DEALS).find((message) => message.id === row.teamsMessageId)!;
			expect(stored.body?.content).not.toBe(contentToHtml('markdown', TEXT));
			await settled(emulator);
			const [created] = (await emittedItems(emulator, trigger)).filter((item) => item.id === row.teamsMessageId);
			expect(created).toMatchObject({ contentFingerprint: row.teamsFingerprint, trigger: { change: 'created' } });
			const [polled] = (await poller.poll()).filter((item) => item.id === row.teamsMessageId);
			expect(polled).toMatchObject({ contentFingerprint: row.teamsFingerprint });

			// The mirror's edit (with the sender's credential): the edited item carries the edited row's fingerprint.
			emulator.clock.advance(60);
			const edited = await mirror('edited', 'Deal closed: **45** seats', row);
			expect(edited.outcome).toBe('edited');
			const editedRow = edited.row as IDataObject;
			expect(editedRow.teamsFingerprint).not.toBe(row.teamsFingerprint);
			await settled(emulator);
			const editItems = (await emittedItems(emulator, trigger)).filter((item) => item.id === row.teamsMessageId && (item.trigger as IDataObject).change === 'edited');
			expect(editItems).toHaveLength(1);
			expect(editItems[0].contentFingerprint).toBe(editedRow.teamsFingerprint);

			// Deleted: no text, no fingerprint.
			emulator.clock.advance(60);
			emulator.state.updateChannelMessage(SALES, DEALS, String(row.teamsMessageId), { deletedDateTime: emulator.clock.now().toISOString(), body: { contentType: 'html', content: '' } });
			await settled(emulator);
			const deleted = (await emittedItems(emulator, trigger)).filter((item) => item.id === row.teamsMessageId && (item.trigger as IDataObject).change === 'deleted');
			expect(deleted).toHaveLength(1);
			expect(deleted[0].contentFingerprint).toBeNull();
		} finally {
			await settled(emulator);
			await trigger.deactivate();
		}
	});

	it('Prepare Only: the pending row (author, fingerprint) matches the trigger item of the post and of the edit that follow, marks a delete; nothing changes in Teams', async () => {
		const trigger = await activate(emulator, triggerParameters);
		try {
			const text = 'Contoso & Fabrikam: **renewal** signed <today>';
			const before = channelMessages(emulator, DEALS).length;
			const prepared = await mirror('created', text, undefined, { prepareOnly: true, outsideId: 'S2' });
			expect(prepared).toMatchObject({ outcome: 'pending', outsideId: 'S2' });
			const pending = prepared.row as IDataObject;
			expect(pending).toMatchObject({
				platform: 'slack', outsideId: 'S2', teamsMessageId: '', teamId: SALES, channelId: DEALS, origin: 'outside', postedAs: 'sender',
				teamsAuthorId: SEED_USERS.adele.id, teamsFingerprint: expect.stringMatching(/^[0-9a-f]{32}$/), deleted: false,
			});
			expect(channelMessages(emulator, DEALS)).toHaveLength(before);
			await settled(emulator);
			expect((await emittedItems(emulator, trigger)).length).toBe(0);

			// The post itself: the trigger's item is recognisable by the pending row before any mapping row exists.
			const posted = await mirror('created', text, undefined, { outsideId: 'S2' });
			await settled(emulator);
			const [item] = (await emittedItems(emulator, trigger)).filter((emitted) => emitted.id === (posted.row as IDataObject).teamsMessageId);
			expect(item.contentFingerprint).toBe(pending.teamsFingerprint);
			expect(((item.from as IDataObject).user as IDataObject).id).toBe(pending.teamsAuthorId);
			expect((posted.row as IDataObject).teamsFingerprint).toBe(pending.teamsFingerprint);

			// An edit with the sender credential: the pending row carries the new text's fingerprint, nothing else changes.
			const row = posted.row as IDataObject;
			const preparedEdit = await mirror('edited', 'Contoso & Fabrikam: renewal signed, 45 seats', row, { prepareOnly: true, outsideId: 'S2' });
			// Without `deleted`: saved with 'deleted' left as it is, so a delete saved meanwhile is not undone.
			const { deleted: wasDeleted, ...kept } = row;
			expect(wasDeleted).toBe(false);
			expect(preparedEdit).toMatchObject({ outcome: 'pending', row: { ...kept, teamsFingerprint: expect.stringMatching(/^[0-9a-f]{32}$/) } });
			expect(preparedEdit.row).not.toHaveProperty('deleted');
			expect((preparedEdit.row as IDataObject).teamsFingerprint).not.toBe(row.teamsFingerprint);
			expect(channelMessages(emulator, DEALS).find((message) => message.id === row.teamsMessageId)?.lastEditedDateTime).toBeFalsy();
			emulator.clock.advance(60);
			await mirror('edited', 'Contoso & Fabrikam: renewal signed, 45 seats', row, { outsideId: 'S2' });
			await settled(emulator);
			const [edit] = (await emittedItems(emulator, trigger)).filter((emitted) => emitted.id === row.teamsMessageId && (emitted.trigger as IDataObject).change === 'edited');
			expect(edit.contentFingerprint).toBe((preparedEdit.row as IDataObject).teamsFingerprint);

			// A delete with the sender credential: the pending row says the mirror is deleting it; Teams still has it.
			const preparedDelete = await mirror('deleted', '', { ...row, teamsFingerprint: (preparedEdit.row as IDataObject).teamsFingerprint }, { prepareOnly: true, outsideId: 'S2' });
			expect(preparedDelete).toMatchObject({ outcome: 'pending', row: { teamsMessageId: row.teamsMessageId, teamsFingerprint: 'deleting' } });
			expect(preparedDelete.row).not.toHaveProperty('deleted');
			expect(channelMessages(emulator, DEALS).find((message) => message.id === row.teamsMessageId)?.deletedDateTime).toBeFalsy();
			// Not where the integration account would act (it is known by author), nor where the sender credential cannot.
			expect(await mirror('deleted', '', { ...row, postedAs: 'integrationAccount' }, { prepareOnly: true, outsideId: 'S2' })).toMatchObject({ outcome: 'noPendingRow', row: null });
			expect(await mirror('deleted', '', row, { prepareOnly: true, outsideId: 'S2', sender: false })).toMatchObject({ outcome: 'noPendingRow', row: null });

			// No pending row where none is needed: the integration account posts (no sender credential), a repeat.
			expect(await mirror('created', 'From Kim', undefined, { prepareOnly: true, outsideId: 'S3', sender: false })).toMatchObject({ outcome: 'noPendingRow', row: null });
			expect(await mirror('created', text, row, { prepareOnly: true, outsideId: 'S2' })).toMatchObject({ outcome: 'noPendingRow', row: null });
		} finally {
			await settled(emulator);
			await trigger.deactivate();
		}
	});
});
