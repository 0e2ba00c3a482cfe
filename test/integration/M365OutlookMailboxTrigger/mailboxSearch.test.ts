import { runListSearch } from '../../harness';
import type { Emulator } from '../../emulator';
import { SEED_USERS } from '../../emulator';
import { M365OutlookMailboxTrigger } from '../../../nodes/M365OutlookMailboxTrigger/M365OutlookMailboxTrigger.node';
import { startTenant, tenantCredential } from './setup';

describe('mailbox search (resource locator list)', () => {
	let emulator: Emulator;
	beforeAll(async () => {
		emulator = await startTenant();
	});
	afterAll(async () => {
		await emulator.close();
	});

	it('finds shared and user mailboxes by the start of their name or address, without guests', async () => {
		const search = (filter?: string) =>
			runListSearch({
				nodeType: new M365OutlookMailboxTrigger(),
				method: 'searchMailboxes',
				parameters: { authentication: 'm365TenantAppApi' },
				credentials: { m365TenantAppApi: tenantCredential(emulator) as never },
				filter,
			});
		const support = await search('supp');
		expect(support.results).toEqual([{ name: `Support (${SEED_USERS.support.mail})`, value: SEED_USERS.support.upn }]);
		const all = await search();
		const values = all.results.map((result) => result.value);
		expect(values).toEqual(expect.arrayContaining([SEED_USERS.support.upn, SEED_USERS.salesDesk.upn, SEED_USERS.adele.upn]));
		expect(values.some((value) => String(value).includes('#EXT#'))).toBe(false);
	});
});
