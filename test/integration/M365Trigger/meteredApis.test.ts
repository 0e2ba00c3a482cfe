// Teams' metered getAllMessages subscriptions (teams-licenses): the payment model is sent, a changed model
// re-creates the subscription, evaluation mode stops notifying once its quota is spent (as Graph does, silently),
// /users/{id}/chats/getAllMessages takes model B only, and getAllMessages is refused outside the Global cloud.
import { SEED_APPS, SEED_CHANNELS, SEED_TEAMS, SEED_USERS, type Emulator } from '../../emulator';
import { buildChatMessage } from '../../emulator/state/builders';
import { emulatorRequest } from '../../emulator/testClient';
import { activateWebhookTrigger } from '../../harness';
import { tenantAppCredentialData } from '../../support/emulatorCredentials';
import { activate, approveProtectedApis, emittedItems, graphCalls, liveSubscriptions, settled, startTenant, trackedTrigger } from './setup';

const GENERAL = SEED_CHANNELS.salesGeneral;
let sequence = 0;

function channelMessage(emulator: Emulator, content: string) {
	return emulator.state.addChannelMessage(
		SEED_TEAMS.sales.id,
		GENERAL.id,
		buildChatMessage({
			createdDateTime: emulator.clock.now().toISOString(),
			from: emulator.state.user(SEED_USERS.adele.id)!,
			content,
			channel: { teamId: SEED_TEAMS.sales.id, channelId: GENERAL.id },
			sequence: ++sequence,
		}),
	);
}

const allTeams = (paymentModel: string) => ({ authentication: 'm365TenantAppApi', event: 'newChannelMessage', channelScope: 'tenant', paymentModel });

describe('Microsoft 365 Trigger: metered getAllMessages subscriptions', () => {
	let emulator: Emulator;
	beforeEach(async () => {
		emulator = await startTenant();
		await approveProtectedApis(emulator);
	});
	afterEach(async () => {
		await emulator.close();
	});

	it('sends the payment model and re-creates the subscription when it changes', async () => {
		const first = await activate(emulator, allTeams('evaluation'));
		try {
			expect(liveSubscriptions(emulator).map((s) => s.resource)).toEqual(['/teams/getAllMessages']);
			const oldId = liveSubscriptions(emulator)[0].id;
			// n8n starts again with the saved static data and the model changed to B.
			const second = await activate(emulator, allTeams('B'), { staticData: first.staticData, activation: 'init' });
			try {
				expect(liveSubscriptions(emulator).map((s) => s.resource)).toEqual(['/teams/getAllMessages?model=B']);
				expect(liveSubscriptions(emulator)[0].id).not.toBe(oldId);
				const message = channelMessage(emulator, 'billed under model B');
				expect((await emittedItems(emulator, second)).map((i) => i.id)).toEqual([message.id]);
			} finally {
				await settled(emulator);
				await second.deactivate();
			}
		} finally {
			await first.deactivate();
		}
	});

	it('stops notifying in evaluation mode once the monthly quota is spent, and not with a payment model', async () => {
		emulator.rules.set({ meteredApis: { evaluationQuota: 2 } });
		const evaluation = await activate(emulator, allTeams('evaluation'));
		let sent: string[];
		try {
			sent = [channelMessage(emulator, 'one').id, channelMessage(emulator, 'two').id, channelMessage(emulator, 'three').id];
			// Graph sends the first two and nothing after, without an error or a lifecycle event.
			expect((await emittedItems(emulator, evaluation)).map((i) => i.id)).toEqual(sent.slice(0, 2));
		} finally {
			await settled(emulator);
			await evaluation.deactivate();
		}
		const billed = await activate(emulator, allTeams('B'));
		try {
			const four = channelMessage(emulator, 'four');
			expect((await emittedItems(emulator, billed)).map((i) => i.id)).toEqual([four.id]);
		} finally {
			await settled(emulator);
			await billed.deactivate();
		}
		const usage = await emulatorRequest(`${emulator.graphUrl}/_emulator/metered`);
		expect(Object.values(usage.json)).toEqual([2]);
	});

	it('refuses model A for the chats of one account, in the node and in Graph', async () => {
		await expect(
			activate(emulator, { authentication: 'm365TenantAppApi', event: 'newChatMessage', chatScope: 'user', chatUser: { __rl: true, mode: 'id', value: SEED_USERS.adele.id }, paymentModel: 'A' }),
		).rejects.toThrow(/only payment model B/);
		expect(emulator.requests.count({ route: 'POST /subscriptions' })).toBe(0);
		const token = emulator.tokens.issueAppToken(SEED_APPS.main.appId);
		const refused = await emulatorRequest(`${emulator.graphUrl}/v1.0/subscriptions`, {
			method: 'POST',
			token,
			json: { changeType: 'created', notificationUrl: 'https://127.0.0.1:1/x', resource: `/users/${SEED_USERS.adele.id}/chats/getAllMessages?model=A`, expirationDateTime: new Date(emulator.clock.nowMs() + 3600_000).toISOString() },
		});
		expect(refused.status).toBe(400);
		expect(refused.json.error.message).toContain("Payment model 'A' is not supported");
	});

	it('refuses getAllMessages outside the Global cloud before any Graph call, naming the cloud', async () => {
		emulator.requests.reset();
		await expect(
			activateWebhookTrigger({
				nodeType: trackedTrigger(),
				parameters: allTeams('B'),
				credentials: { m365TenantAppApi: tenantAppCredentialData(emulator, 'main', { cloud: 'usGov' }) } as never,
			}),
		).rejects.toThrow(/Microsoft does not offer .*getAllMessages.* in the US Government L4 \(GCC High\) cloud/);
		// Nothing asked of Graph but n8n's clean-up after a refused activation: is a subscription left on this node's URL?
		expect(graphCalls(emulator)).toEqual(['GET /v1.0/subscriptions']);
	});
});
