// Channel messages, replies and chat messages through the webhook trigger, with both credentials; chat polling
// parity. Messages are written into the emulator's tenant as Teams would store them (state.add*Message), which
// announces the change the subscriptions area delivers.
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { SEED_APPS, SEED_CHANNELS, SEED_CHATS, SEED_TEAMS, SEED_USERS, type Emulator } from '../../emulator';
import { buildChatMessage } from '../../emulator/state/builders';
import { addBotMessage, addSystemEventMessage } from '../../emulator/graph/systemMessages';
import { activateWebhookTrigger } from '../../harness';
import { integrationAccountCredentialData, tenantAppCredentialData } from '../../support/emulatorCredentials';
import { activate, approveProtectedApis, control, DAILY, emittedItems, liveSubscriptions, Poller, settled, startTenant, trackedTrigger } from './setup';

const SALES = SEED_TEAMS.sales.id;
const GENERAL = SEED_CHANNELS.salesGeneral;
let sequence = 0;

function channelMessage(emulator: Emulator, content: string, replyToId?: string) {
	const adele = emulator.state.user(SEED_USERS.adele.id)!;
	return emulator.state.addChannelMessage(
		SALES,
		GENERAL.id,
		buildChatMessage({
			createdDateTime: emulator.clock.now().toISOString(),
			from: adele,
			content,
			channel: { teamId: SALES, channelId: GENERAL.id },
			replyToId,
			sequence: ++sequence,
		}),
	);
}

function chatMessage(emulator: Emulator, chatId: string, fromUserId: string, content: string) {
	return emulator.state.addChatMessage(
		chatId,
		buildChatMessage({
			createdDateTime: emulator.clock.now().toISOString(),
			from: emulator.state.user(fromUserId)!,
			content,
			chatId,
			sequence: ++sequence,
		}),
	);
}

const channelParameters = (event: string, extra: INodeParameters = {}): INodeParameters => ({
	authentication: 'm365TenantAppApi',
	event,
	channelScope: 'channel',
	teamId: { __rl: true, mode: 'id', value: SALES },
	channelId: { __rl: true, mode: 'id', value: GENERAL.id },
	...extra,
});

describe('M365 Trigger (webhook): Teams channel and chat messages', () => {
	let emulator: Emulator;
	beforeEach(async () => {
		emulator = await startTenant();
		// The tenant app reads the notified messages app-only: Microsoft must have approved it (teams-protected-apis).
		await approveProtectedApis(emulator);
	});
	afterEach(async () => {
		await emulator.close();
	});

	it('emits a new top-level channel message in full, and not its replies unless asked', async () => {
		const trigger = await activate(emulator, channelParameters('newChannelMessage'));
		try {
			expect(liveSubscriptions(emulator).map((s) => s.resource)).toEqual([`/teams/${SALES}/channels/${GENERAL.id}/messages`]);
			const root = channelMessage(emulator, '<p>Quarterly numbers are in</p>');
			channelMessage(emulator, '<p>Great!</p>', root.id);
			const items = await emittedItems(emulator, trigger);
			expect(items).toEqual([
				expect.objectContaining({
					id: root.id,
					body: { contentType: 'html', content: '<p>Quarterly numbers are in</p>' },
					from: expect.objectContaining({ user: expect.objectContaining({ id: SEED_USERS.adele.id }) }),
					trigger: {
						event: 'newChannelMessage',
						changeType: 'created',
						teamId: SALES,
						channelId: GENERAL.id,
						senderType: 'user',
						dedupKey: `channel:${SALES}:${GENERAL.id}|created|${root.id}`,
					},
				}),
			]);
		} finally {
			await settled(emulator);
			await trigger.deactivate();
		}
	});

	it('watches every channel of a team for replies only', async () => {
		const trigger = await activate(emulator, {
			authentication: 'm365TenantAppApi',
			event: 'newChannelReply',
			channelScope: 'team',
			teamId: { __rl: true, mode: 'id', value: SALES },
		});
		try {
			const channelIds = emulator.state.channelsOf(SALES).map((c) => c.channel.id).sort();
			expect(liveSubscriptions(emulator).map((s) => s.resource).sort()).toEqual(
				channelIds.map((id) => `/teams/${SALES}/channels/${id}/messages`).sort(),
			);
			const root = channelMessage(emulator, '<p>Question</p>');
			const reply = channelMessage(emulator, '<p>Answer</p>', root.id);
			const items = await emittedItems(emulator, trigger);
			expect(items.map((i) => [i.id, i.replyToId])).toEqual([[reply.id, root.id]]);
		} finally {
			await settled(emulator);
			await trigger.deactivate();
		}
	});

	it('refuses all teams with the integration account, and subscribes /teams/getAllMessages with the tenant app', async () => {
		const delegated = await integrationAccountCredentialData(emulator);
		await expect(
			activateWebhookTrigger({
				nodeType: trackedTrigger(),
				parameters: { authentication: 'm365IntegrationAccountOAuth2Api', event: 'newChannelMessage', channelScope: 'tenant' },
				credentials: { m365IntegrationAccountOAuth2Api: delegated } as never,
			}),
		).rejects.toThrow(/Tenant App credential/);
		const trigger = await activate(emulator, { authentication: 'm365TenantAppApi', event: 'newChannelMessage', channelScope: 'tenant' });
		try {
			expect(liveSubscriptions(emulator).map((s) => s.resource)).toEqual(['/teams/getAllMessages']);
			const root = channelMessage(emulator, '<p>Anywhere</p>');
			expect((await emittedItems(emulator, trigger)).map((i) => i.id)).toEqual([root.id]);
		} finally {
			await settled(emulator);
			await trigger.deactivate();
		}
	});

	it("emits the answers Teams users type in the integration account's chats (delegated), and nothing from other chats", async () => {
		const delegated = await integrationAccountCredentialData(emulator);
		const trigger = await activateWebhookTrigger({
			nodeType: trackedTrigger(),
			parameters: { authentication: 'm365IntegrationAccountOAuth2Api', event: 'newChatMessage', chatScope: 'user' },
			credentials: { m365IntegrationAccountOAuth2Api: delegated } as never,
		});
		try {
			expect(liveSubscriptions(emulator).map((s) => s.resource)).toEqual([`/users/${SEED_USERS.integration.id}/chats/getAllMessages`]);
			const yes = chatMessage(emulator, SEED_CHATS.adeleIntegration.id, SEED_USERS.adele.id, 'YES');
			chatMessage(emulator, SEED_CHATS.alexMegan.id, SEED_USERS.alex.id, 'not for the integration account');
			const items = await emittedItems(emulator, trigger);
			expect(items).toEqual([
				expect.objectContaining({
					id: yes.id,
					body: { contentType: 'html', content: 'YES' },
					trigger: {
						event: 'newChatMessage',
						changeType: 'created',
						chatId: SEED_CHATS.adeleIntegration.id,
						senderType: 'user',
						dedupKey: `chats:user:${SEED_USERS.integration.id}|created|${SEED_CHATS.adeleIntegration.id}/${yes.id}`,
					},
				}),
			]);
		} finally {
			await settled(emulator);
			await trigger.deactivate();
		}
	});

	it('leaves Teams system events out unless asked, and marks app and bot senders', async () => {
		const chatId = SEED_CHATS.projectFalcon.id;
		const parameters: INodeParameters = { authentication: 'm365TenantAppApi', event: 'newChatMessage', chatScope: 'chat', chatId: { __rl: true, mode: 'id', value: chatId } };
		for (const includeSystemEvents of [false, true]) {
			const trigger = await activate(emulator, { ...parameters, includeSystemEvents });
			try {
				const event = addSystemEventMessage(emulator.state, { chatId }, { kind: 'membersAdded', members: [SEED_USERS.diego.id] }, emulator.clock.now().toISOString());
				const bot = addBotMessage(emulator.state, { chatId }, { content: 'Build passed' }, emulator.clock.now().toISOString());
				const person = chatMessage(emulator, chatId, SEED_USERS.adele.id, 'hello');
				const items = await emittedItems(emulator, trigger);
				expect(items.map((i) => [i.id, (i.trigger as IDataObject).senderType])).toEqual([
					...(includeSystemEvents ? [[event.id, 'system']] : []),
					[bot.id, 'application'],
					[person.id, 'user'],
				]);
			} finally {
				await settled(emulator);
				await trigger.deactivate();
			}
		}
	});

	it("fetches notified channel messages with the integration account's delegated reads when chosen: no approval needed", async () => {
		await control(emulator, `/apps/${SEED_APPS.main.appId}/protectedApiAccess`, { approved: false });
		const trigger = await activateWebhookTrigger({
			nodeType: trackedTrigger(),
			parameters: channelParameters('newChannelMessage', { authentication: 'tenantAppDelegatedReads' }),
			credentials: { m365TenantAppApi: tenantAppCredentialData(emulator), m365IntegrationAccountOAuth2Api: await integrationAccountCredentialData(emulator) } as never,
		});
		try {
			const root = channelMessage(emulator, '<p>Read delegated</p>');
			expect((await emittedItems(emulator, trigger)).map((i) => i.id)).toEqual([root.id]);
			// The tenant app holds the subscription; no app-only message read was refused.
			expect(liveSubscriptions(emulator).map((s) => (s.emulator as { principalKind: string }).principalKind)).toEqual(['app']);
			expect(emulator.requests.count({ status: 403 })).toBe(0);
		} finally {
			await settled(emulator);
			await trigger.deactivate();
		}
	});

	it('polling gives the same chat items as the webhook', async () => {
		const parameters: INodeParameters = {
			authentication: 'm365TenantAppApi',
			event: 'newChatMessage',
			chatScope: 'chat',
			chatId: { __rl: true, mode: 'id', value: SEED_CHATS.projectFalcon.id },
		};
		const trigger = await activate(emulator, parameters);
		const poller = new Poller(emulator, { ...parameters, pollTimes: DAILY });
		try {
			expect(await poller.poll()).toEqual([]);
			emulator.clock.advance(60);
			chatMessage(emulator, SEED_CHATS.projectFalcon.id, SEED_USERS.adele.id, 'first');
			emulator.clock.advance(1);
			chatMessage(emulator, SEED_CHATS.projectFalcon.id, SEED_USERS.megan.id, 'second');
			const pushed = await emittedItems(emulator, trigger);
			const polled = await poller.poll();
			expect(polled.map((m) => (m.body as IDataObject).content)).toEqual(['first', 'second']);
			expect(polled).toEqual(pushed);
			expect(await poller.poll()).toEqual([]);
		} finally {
			await settled(emulator);
			await trigger.deactivate();
		}
	});

	it('polling gives the same channel messages and replies as the webhook', async () => {
		const parameters = channelParameters('newChannelMessage', { includeReplies: true });
		const trigger = await activate(emulator, parameters);
		const poller = new Poller(emulator, { ...parameters, pollTimes: DAILY });
		try {
			expect(await poller.poll()).toEqual([]);
			emulator.clock.advance(60);
			const root = channelMessage(emulator, '<p>Root</p>');
			emulator.clock.advance(1);
			const reply = channelMessage(emulator, '<p>Reply</p>', root.id);
			const pushed = await emittedItems(emulator, trigger);
			const polled = await poller.poll();
			expect(polled.map((m) => m.id)).toEqual([root.id, reply.id]);
			expect(polled).toEqual(pushed);
			expect(await poller.poll()).toEqual([]);
		} finally {
			await settled(emulator);
			await trigger.deactivate();
		}
	});

	it("polls the integration account's own chats (delegated) like the webhook", async () => {
		const credentials = { m365IntegrationAccountOAuth2Api: await integrationAccountCredentialData(emulator) };
		const parameters: INodeParameters = { authentication: 'm365IntegrationAccountOAuth2Api', event: 'newChatMessage', chatScope: 'user' };
		const poller = new Poller(emulator, { ...parameters, pollTimes: DAILY }, credentials);
		expect(await poller.poll()).toEqual([]);
		emulator.clock.advance(60);
		const yes = chatMessage(emulator, SEED_CHATS.adeleIntegration.id, SEED_USERS.adele.id, 'YES');
		chatMessage(emulator, SEED_CHATS.alexMegan.id, SEED_USERS.alex.id, 'elsewhere');
		const bye = chatMessage(emulator, SEED_CHATS.projectFalcon.id, SEED_USERS.megan.id, 'BYE');
		const polled = await poller.poll();
		expect(polled.map((m) => [m.id, (m.trigger as IDataObject).chatId])).toEqual(
			expect.arrayContaining([
				[yes.id, SEED_CHATS.adeleIntegration.id],
				[bye.id, SEED_CHATS.projectFalcon.id],
			]),
		);
		expect(polled).toHaveLength(2);
		expect(await poller.poll()).toEqual([]);
	});
});
