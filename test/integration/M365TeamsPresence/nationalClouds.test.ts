// Microsoft offers the presence API in the Global service and US Government L4/L5, not in China (21Vianet)
// (presence-get, cloudcommunications-getpresencesbyuserid, presence-setpresence, presence-setuserpreferredpresence,
// ... "national cloud deployments"). The node refuses there before any call, naming the cloud.
import { SEED_USERS, startEmulator, type Emulator } from '../../emulator';
import { outputJson, runPresence } from './setup';

describe('Teams presence in national clouds', () => {
	let emulator: Emulator;
	beforeAll(async () => {
		emulator = await startEmulator();
	});
	afterAll(async () => {
		await emulator.close();
	});

	const operations = [
		{ resource: 'presence', operation: 'get', users: SEED_USERS.adele.id },
		{ resource: 'presence', operation: 'setPresence', userId: { __rl: true, mode: 'id', value: SEED_USERS.adele.id }, status: 'Busy/InACall' },
		{ resource: 'presence', operation: 'setPreferredPresence', userId: { __rl: true, mode: 'id', value: SEED_USERS.adele.id }, status: 'Busy/Busy' },
		{ resource: 'statusSync', operation: 'sync', direction: 'both', user: SEED_USERS.adele.id, externalStatus: 'Ready' },
	];

	it.each(operations)('refuses $operation in China (21Vianet) before any Graph call', async (parameters) => {
		emulator.requests.reset();
		const result = await runPresence(emulator, parameters, { cloud: 'china' });
		expect(result.error?.message).toBe('Microsoft does not offer the Teams presence API (reading, setting and clearing presence) in the China (Operated by 21Vianet) cloud');
		expect(result.error?.description).toBe(
			"The credential's National Cloud is China (Operated by 21Vianet); Microsoft offers this in Global (Microsoft 365, GCC), US Government L4 (GCC High), US Government L5 (DoD) only. Nothing was sent to Microsoft Graph.",
		);
		expect(emulator.requests.count({ host: 'graph' })).toBe(0);
	});

	it('works in US Government L4 (the calls Microsoft offers there)', async () => {
		const result = await runPresence(emulator, operations[0], { cloud: 'usGov' });
		expect(outputJson(result)[0]).toMatchObject({ userId: SEED_USERS.adele.id, availability: 'Available' });
	});

	it('Confirm Written makes no Graph call and works anywhere', async () => {
		const result = await runPresence(emulator, { resource: 'statusSync', operation: 'confirm', user: SEED_USERS.adele.id, externalStatus: 'Ready' }, { cloud: 'china' });
		expect(outputJson(result)[0]).toMatchObject({ confirmed: true });
	});
});
