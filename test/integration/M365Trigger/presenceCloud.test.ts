// Microsoft offers no presence API in China (21Vianet) (presence-get, cloudcommunications-getpresencesbyuserid:
// "national cloud deployments"): the trigger's presence events, webhook or polling, are refused there before any
// Graph call.
import { M365PollingTrigger } from '../../../nodes/M365PollingTrigger/M365PollingTrigger.node';
import { SEED_USERS, type Emulator } from '../../emulator';
import { activateWebhookTrigger, runPoll } from '../../harness';
import { tenantAppCredentialData } from '../../support/emulatorCredentials';
import { graphCalls, presenceParameters, startTenant, trackedTrigger } from './setup';

describe('M365 Trigger: presence events and national clouds', () => {
	let emulator: Emulator;
	beforeAll(async () => {
		emulator = await startTenant();
	});
	afterAll(async () => {
		await emulator.close();
	});

	it('refuses presence events in China before any Graph call, naming the cloud', async () => {
		emulator.requests.reset();
		await expect(
			activateWebhookTrigger({
				nodeType: trackedTrigger(),
				parameters: presenceParameters([SEED_USERS.adele.id]),
				credentials: { m365TenantAppApi: tenantAppCredentialData(emulator, 'main', { cloud: 'china' }) } as never,
			}),
		).rejects.toThrow('Microsoft does not offer the Teams presence API (reading, setting and clearing presence) in the China (Operated by 21Vianet) cloud');
		// Nothing asked of Graph but n8n's clean-up after a refused activation: is a subscription left on this node's URL?
		expect(graphCalls(emulator)).toEqual(['GET /v1.0/subscriptions']);
	});

	it('refuses polling presence in China before any Graph call', async () => {
		emulator.requests.reset();
		const result = await runPoll({
			nodeType: new M365PollingTrigger(),
			parameters: presenceParameters([SEED_USERS.adele.id]),
			credentials: { m365TenantAppApi: tenantAppCredentialData(emulator, 'main', { cloud: 'china' }) } as never,
		});
		expect(result.error?.message).toBe('Microsoft does not offer the Teams presence API (reading, setting and clearing presence) in the China (Operated by 21Vianet) cloud');
		expect(emulator.requests.count({ host: 'graph' })).toBe(0);
		const global = await runPoll({ nodeType: new M365PollingTrigger(), parameters: presenceParameters([SEED_USERS.adele.id]), credentials: { m365TenantAppApi: tenantAppCredentialData(emulator) } as never });
		expect(global.error).toBeUndefined();
	});
});
