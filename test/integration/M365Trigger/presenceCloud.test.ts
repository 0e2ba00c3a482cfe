// Microsoft offers no presence API in China (21Vianet) (presence-get, cloudcommunications-getpresencesbyuserid:
// "national cloud deployments"): the trigger's presence events are refused there before any Graph call.
import { SEED_USERS, type Emulator } from '../../emulator';
import { activateWebhookTrigger } from '../../harness';
import { tenantAppCredentialData } from '../../support/emulatorCredentials';
import { presenceParameters, startTenant, trackedTrigger } from './setup';

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
		expect(emulator.requests.count({ host: 'graph' })).toBe(0);
	});
});
