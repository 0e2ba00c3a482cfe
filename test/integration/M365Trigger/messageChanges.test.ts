// Include Edits and Deletes (webhook): edited and deleted channel messages, replies and chat messages start the
// workflow with trigger.change, each edit once however often Graph announces it; reactions are not edits.
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { SEED_CHANNELS, SEED_CHATS, SEED_TEAMS, SEED_USERS, type Emulator } from '../../emulator';
import { buildChatMessage } from '../../emulator/state/builders';
import { activateWebhookTrigger } from '../../harness';
import { integrationAccountCredentialData } from '../../support/emulatorCredentials';
import { outputJson, runTeams } from '../M365TeamsMessage/setup';
import { activate, approveProtectedApis, DAILY, emittedItems, liveSubscriptions, Poller, settled, startTenant, trackedTrigger } from './setup';

const SALES = SEED_TEAMS.sales.id;
const GENERAL = SEED_CHANNELS.salesGeneral.id;
const CHAT = SEED_CHATS.adeleIntegration.id;
let sequence = 0;

function post(emulator: Emulator, content: string, replyToId?: string) {
	return emulator.state.addChannelMessage(
		SALES,
		GENERAL,
		buildChatMessage({
			createdDateTime: emulator.clock.now().toISOString(),
			from: emulator.state.user(SEED_USERS.adele.id)!,
			content,
			channel: { teamId: SALES, channelId: GENERAL },
			replyToId,
			sequence: ++sequence,
		}),
	);
}

/** An edit as Teams stores it: new body, lastEditedDateTime (announced as `updated`). */
function edit(emulator: Emulator, messageId: string, content: string) {
	emulator.clock.advance(60);
	const now = emulator.clock.now().toISOString();
	emulator.state.updateChannelMessage(SALES, GENERAL, messageId, { body: { contentType: 'html', content }, lastEditedDateTime: now, lastModifiedDateTime: now });
}

const parameters = (extra: INodeParameters = {}): INodeParameters => ({
	authentication: 'm365TenantAppApi',
	event: 'newChannelMessage',
	channelScope: 'channel',
	teamId: { __rl: true, mode: 'id', value: SALES },
	channelId: { __rl: true, mode: 'id', value: GENERAL },
	includeReplies: true,
	includeChanges: true,
	...extra,
});

const summary = (items: IDataObject[]) =>
	items.map((item) => [(item.trigger as IDataObject).change, item.id, (item.body as IDataObject | undefined)?.content ?? null]);

describe('M365 Trigger (webhook): Include Edits and Deletes', () => {
	let emulator: Emulator;
	beforeEach(async () => {
		emulator = await startTenant();
		await approveProtectedApis(emulator);
	});
	afterEach(async () => {
		await emulator.close();
	});

	it('subscribes to created, updated and deleted, and emits each edit once, deletes, and no reactions', async () => {
		const trigger = await activate(emulator, parameters());
		try {
			expect(liveSubscriptions(emulator).map((s) => s.changeType)).toEqual(['created,updated,deleted']);
			const root = post(emulator, '<p>Price is 10</p>');
			const reply = post(emulator, '<p>OK</p>', root.id);
			await settled(emulator);
			edit(emulator, root.id, '<p>Price is 12</p>');
			await settled(emulator);
			// Graph announces the same state again (a repeated delivery): nothing new.
			emulator.state.updateChannelMessage(SALES, GENERAL, root.id, {});
			// A reaction changes the message but is not an edit.
			emulator.state.updateChannelMessage(SALES, GENERAL, reply.id, {
				reactions: [{ reactionType: 'like', createdDateTime: emulator.clock.now().toISOString(), user: { user: { id: SEED_USERS.alex.id } } } as never],
			});
			await settled(emulator);
			emulator.clock.advance(60);
			emulator.state.updateChannelMessage(SALES, GENERAL, reply.id, { deletedDateTime: emulator.clock.now().toISOString(), body: { contentType: 'html', content: '' } });
			const items = await emittedItems(emulator, trigger);
			expect(summary(items)).toEqual([
				['created', root.id, '<p>Price is 10</p>'],
				['created', reply.id, '<p>OK</p>'],
				['edited', root.id, '<p>Price is 12</p>'],
				['deleted', reply.id, ''],
			]);
			// Each version its own deduplication key; the create's and the edit's differ, repeats of one edit do not exist.
			expect(items.map((item) => (item.trigger as IDataObject).dedupKey)).toEqual([
				`channel:${SALES}:${GENERAL}|created|${root.id}`,
				`channel:${SALES}:${GENERAL}|created|${root.id}/${reply.id}`,
				`channel:${SALES}:${GENERAL}|edited:${items[2].lastEditedDateTime as string}|${root.id}`,
				`channel:${SALES}:${GENERAL}|deleted|${root.id}/${reply.id}`,
			]);
			const edited = items[2];
			expect(edited).toMatchObject({ lastEditedDateTime: expect.any(String), trigger: { event: 'newChannelMessage', changeType: 'updated', teamId: SALES, channelId: GENERAL } });
			expect(items[3]).toMatchObject({ replyToId: root.id, deletedDateTime: expect.any(String), trigger: { changeType: 'deleted' } });
		} finally {
			await settled(emulator);
			await trigger.deactivate();
		}
	});

	it('leaves edits out by default, as before', async () => {
		const trigger = await activate(emulator, parameters({ includeChanges: false }));
		try {
			expect(liveSubscriptions(emulator).map((s) => s.changeType)).toEqual(['created']);
			const root = post(emulator, '<p>v1</p>');
			await settled(emulator);
			edit(emulator, root.id, '<p>v2</p>');
			const items = await emittedItems(emulator, trigger);
			expect(items).toHaveLength(1);
			expect(items[0].trigger).toMatchObject({ event: 'newChannelMessage', changeType: 'created', teamId: SALES, channelId: GENERAL });
			expect(items[0].trigger).not.toHaveProperty('change');
			expect(items[0].trigger).toMatchObject({ dedupKey: `channel:${SALES}:${GENERAL}|created|${root.id}` });
		} finally {
			await settled(emulator);
			await trigger.deactivate();
		}
	});

	it('emits edited and deleted chat messages', async () => {
		const trigger = await activate(emulator, { authentication: 'm365TenantAppApi', event: 'newChatMessage', chatScope: 'chat', chatId: { __rl: true, mode: 'id', value: CHAT }, includeChanges: true });
		try {
			const message = emulator.state.addChatMessage(
				CHAT,
				buildChatMessage({ createdDateTime: emulator.clock.now().toISOString(), from: emulator.state.user(SEED_USERS.adele.id)!, content: 'v1', contentType: 'text', chatId: CHAT, sequence: ++sequence }),
			);
			await settled(emulator);
			emulator.clock.advance(60);
			const now = emulator.clock.now().toISOString();
			emulator.state.updateChatMessage(CHAT, message.id, { body: { contentType: 'text', content: 'v2' }, lastEditedDateTime: now });
			await settled(emulator);
			emulator.clock.advance(60);
			emulator.state.updateChatMessage(CHAT, message.id, { deletedDateTime: emulator.clock.now().toISOString(), body: { contentType: 'text', content: '' } });
			const items = await emittedItems(emulator, trigger);
			expect(summary(items)).toEqual([
				['created', message.id, 'v1'],
				['edited', message.id, 'v2'],
				['deleted', message.id, ''],
			]);
			expect(items.every((item) => (item.trigger as IDataObject).chatId === CHAT)).toBe(true);
		} finally {
			await settled(emulator);
			await trigger.deactivate();
		}
	});

	it('polling emits the same edits and deletes of channel messages and replies as the webhook', async () => {
		const trigger = await activate(emulator, parameters());
		const poller = new Poller(emulator, { ...parameters(), pollTimes: DAILY });
		try {
			expect(await poller.poll()).toEqual([]);
			emulator.clock.advance(60);
			const root = post(emulator, '<p>v1</p>');
			const reply = post(emulator, '<p>reply</p>', root.id);
			await settled(emulator);
			expect(summary(await poller.poll())).toEqual([
				['created', root.id, '<p>v1</p>'],
				['created', reply.id, '<p>reply</p>'],
			]);
			// A day later (Teams' polling policy: one poll a day): an edit, a reaction, a delete.
			emulator.clock.advance(86_400);
			edit(emulator, root.id, '<p>v2</p>');
			emulator.state.updateChannelMessage(SALES, GENERAL, root.id, {
				reactions: [{ reactionType: 'like', createdDateTime: emulator.clock.now().toISOString(), user: { user: { id: SEED_USERS.alex.id } } } as never],
			});
			emulator.clock.advance(60);
			emulator.state.updateChannelMessage(SALES, GENERAL, reply.id, { deletedDateTime: emulator.clock.now().toISOString(), body: { contentType: 'html', content: '' } });
			const pushed = await emittedItems(emulator, trigger);
			const polled = await poller.poll();
			expect(summary(polled)).toEqual([
				['edited', root.id, '<p>v2</p>'],
				['deleted', reply.id, ''],
			]);
			expect(polled.map((item) => item.trigger)).toEqual(pushed.slice(2).map((item) => ({ ...(item.trigger as IDataObject), changeType: 'updated' })));
			emulator.clock.advance(86_400);
			expect(await poller.poll()).toEqual([]);
		} finally {
			await settled(emulator);
			await trigger.deactivate();
		}
	});

	it('polling emits edits and deletes of chat messages', async () => {
		const chatParameters = { authentication: 'm365TenantAppApi', event: 'newChatMessage', chatScope: 'chat', chatId: { __rl: true, mode: 'id', value: CHAT }, includeChanges: true, pollTimes: DAILY };
		const poller = new Poller(emulator, chatParameters);
		expect(await poller.poll()).toEqual([]);
		emulator.clock.advance(60);
		const message = emulator.state.addChatMessage(
			CHAT,
			buildChatMessage({ createdDateTime: emulator.clock.now().toISOString(), from: emulator.state.user(SEED_USERS.adele.id)!, content: 'v1', contentType: 'text', chatId: CHAT, sequence: ++sequence }),
		);
		expect(summary(await poller.poll())).toEqual([['created', message.id, 'v1']]);
		emulator.clock.advance(86_400);
		const now = emulator.clock.now().toISOString();
		emulator.state.updateChatMessage(CHAT, message.id, { body: { contentType: 'text', content: 'v2' }, lastEditedDateTime: now, lastModifiedDateTime: now });
		expect(summary(await poller.poll())).toEqual([['edited', message.id, 'v2']]);
		emulator.clock.advance(86_400);
		const deletedAt = emulator.clock.now().toISOString();
		emulator.state.updateChatMessage(CHAT, message.id, { deletedDateTime: deletedAt, lastModifiedDateTime: deletedAt, body: { contentType: 'text', content: '' } });
		expect(summary(await poller.poll())).toEqual([['deleted', message.id, '']]);
		emulator.clock.advance(86_400);
		expect(await poller.poll()).toEqual([]);
	});

	it("Ignore Messages Posted by This Package leaves out the mirror's posts, edits and deletes, and keeps Teams users' messages", async () => {
		const integration = await integrationAccountCredentialData(emulator);
		const trigger = await activateWebhookTrigger({
			nodeType: trackedTrigger(),
			parameters: { ...parameters(), authentication: 'm365IntegrationAccountOAuth2Api', dropOwnPosts: true },
			credentials: { m365IntegrationAccountOAuth2Api: integration } as never,
		});
		const mirror = async (extra: IDataObject) =>
			outputJson(
				await runTeams(
					{
						resource: 'channelMessage', operation: 'mirror', teamId: { __rl: true, mode: 'id', value: SALES }, channelId: { __rl: true, mode: 'id', value: GENERAL },
						platform: 'slack', contentType: 'text', attribution: { senderName: 'Kim', platform: 'Slack' }, ...extra,
					} as never,
					{ integration },
				),
			)[0];
		try {
			const posted = await mirror({ eventType: 'created', outsideId: 'S1', content: 'from Slack' });
			const row = JSON.stringify(posted.row);
			await settled(emulator);
			const adeleMessage = post(emulator, '<p>from Teams</p>');
			await settled(emulator);
			expect((await mirror({ eventType: 'edited', outsideId: 'S1', content: 'from Slack, edited', mappingRow: row })).outcome).toBe('edited');
			await settled(emulator);
			expect((await mirror({ eventType: 'deleted', outsideId: 'S1', mappingRow: row })).outcome).toBe('deleted');
			const items = await emittedItems(emulator, trigger);
			expect(summary(items)).toEqual([['created', adeleMessage.id, '<p>from Teams</p>']]);
			expect(items[0]).toMatchObject({ postedByThisPackage: false, postedByIntegrationAccount: false });
		} finally {
			await settled(emulator);
			await trigger.deactivate();
		}
	});
});
