// Echo flags on the trigger's message items: a relay workflow drops its own posts by postedByThisPackage /
// postedByIntegrationAccount (by user id), not by comparing display names.
import { SEED_CHANNELS, SEED_CHATS, SEED_TEAMS, SEED_USERS, type Emulator } from '../../emulator';
import { buildChatMessage } from '../../emulator/state/builders';
import { activateWebhookTrigger } from '../../harness';
import { integrationAccountCredentialData } from '../../support/emulatorCredentials';
import { activate, approveProtectedApis, emittedItems, settled, startTenant, trackedTrigger } from './setup';

let sequence = 1000;
function chatMessage(emulator: Emulator, chatId: string, fromUserId: string, content: string) {
	return emulator.state.addChatMessage(
		chatId,
		buildChatMessage({ createdDateTime: emulator.clock.now().toISOString(), from: emulator.state.user(fromUserId)!, content, chatId, sequence: ++sequence }),
	);
}

describe('M365 Trigger: echo flags on Teams messages', () => {
	let emulator: Emulator;
	beforeEach(async () => {
		emulator = await startTenant();
	});
	afterEach(async () => {
		await emulator.close();
	});

	it("says which chat messages the integration account posted, by user id, even when a user is named 'Integration Account'", async () => {
		emulator.state.updateUser(SEED_USERS.adele.id, { displayName: 'Integration Account' });
		const delegated = await integrationAccountCredentialData(emulator);
		const trigger = await activateWebhookTrigger({
			nodeType: trackedTrigger(),
			parameters: { authentication: 'm365IntegrationAccountOAuth2Api', event: 'newChatMessage', chatScope: 'user' },
			credentials: { m365IntegrationAccountOAuth2Api: delegated } as never,
		});
		try {
			const own = chatMessage(emulator, SEED_CHATS.adeleIntegration.id, SEED_USERS.integration.id, 'Customer: hello');
			const answer = chatMessage(emulator, SEED_CHATS.adeleIntegration.id, SEED_USERS.adele.id, 'YES');
			const items = await emittedItems(emulator, trigger);
			const byId = new Map(items.map((item) => [item.id, item]));
			expect(byId.get(own.id)).toMatchObject({ postedByThisPackage: true, postedByIntegrationAccount: true });
			expect(byId.get(answer.id)).toMatchObject({ postedByThisPackage: false, postedByIntegrationAccount: false });
		} finally {
			await settled(emulator);
			await trigger.deactivate();
		}
	});

	it('with the tenant app, postedByIntegrationAccount is null (unknown), never a guess', async () => {
		await approveProtectedApis(emulator);
		const trigger = await activate(emulator, {
			authentication: 'm365TenantAppApi',
			event: 'newChannelMessage',
			channelScope: 'channel',
			teamId: { __rl: true, mode: 'id', value: SEED_TEAMS.sales.id },
			channelId: { __rl: true, mode: 'id', value: SEED_CHANNELS.salesGeneral.id },
		});
		try {
			const message = emulator.state.addChannelMessage(
				SEED_TEAMS.sales.id,
				SEED_CHANNELS.salesGeneral.id,
				buildChatMessage({
					createdDateTime: emulator.clock.now().toISOString(),
					from: emulator.state.user(SEED_USERS.megan.id)!,
					content: 'Hi',
					channel: { teamId: SEED_TEAMS.sales.id, channelId: SEED_CHANNELS.salesGeneral.id },
					sequence: ++sequence,
				}),
			);
			const [item] = await emittedItems(emulator, trigger);
			expect(item).toMatchObject({ id: message.id, postedByThisPackage: false, postedByIntegrationAccount: null });
		} finally {
			await settled(emulator);
			await trigger.deactivate();
		}
	});
});
