// A status handed to the other system counts as written only when that system shows it (read back in External
// Status) or the workflow confirms it (Confirm Written); a write that failed downstream is handed over again on
// the next run, not an hour later. And the sync forgets users no run has listed for the configured time.
import type { IDataObject } from 'n8n-workflow';

import { SEED_USERS } from '../../emulator';
import { outputJson } from './setup';
import { statusSyncFixture, statusSyncParameters, syncedUsers as users, type SyncDirection } from './syncFixture';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** Users by id; statuses short-lived no more (those tests have their own in sync.test.ts). */
function sync(direction: SyncDirection, options: IDataObject = {}) {
	return statusSyncParameters(direction, { user: '={{ $json.id }}', options: { shortStatusSeconds: 0, ...options } });
}

describe('Status sync: handovers to the other system', () => {
	const fixture = statusSyncFixture('perTest');

	it('hands a status over again when the other system does not show it on the next run', async () => {
		const { diego } = SEED_USERS;
		const first = await fixture.run(sync('both'), { inputItems: [{ id: diego.id, status: 'Away' }] });
		expect(outputJson(first)[0]).toMatchObject({ result: 'changed' });

		await fixture.clientPresence(diego.id, 'DoNotDisturb', 'DoNotDisturb');
		fixture.at(2 * MINUTE);
		const handed = await fixture.run(sync('both'), { inputItems: [{ id: diego.id, status: 'Away' }], staticData: first.staticData });
		expect(outputJson(handed)[0]).toMatchObject({ result: 'changed', externalStatus: 'Do not disturb' });

		// The write downstream failed: the other system still says Away.
		fixture.at(3 * MINUTE);
		const failed = await fixture.run(sync('both'), { inputItems: [{ id: diego.id, status: 'Away' }], staticData: handed.staticData });
		expect(outputJson(failed)[0]).toMatchObject({
			result: 'changed',
			externalStatus: 'Do not disturb',
			fromTeams: { result: 'changed', retry: true },
			toTeams: { result: 'skipped', reason: 'unchanged' },
		});

		// This time it was written: the other system shows it, and it is not sent back to Teams.
		fixture.at(4 * MINUTE);
		const shown = await fixture.run(sync('both'), { inputItems: [{ id: diego.id, status: 'Do not disturb' }], staticData: failed.staticData });
		expect(outputJson(shown)[0]).toMatchObject({ result: 'skipped', toTeams: { reason: 'echo' }, fromTeams: { reason: 'unchanged' } });
		expect(users(shown.staticData)[diego.id.toLowerCase()]).toMatchObject({ wroteExternal: 'do not disturb' });
		expect(users(shown.staticData)[diego.id.toLowerCase()].handedOver).toBeUndefined();
	});

	it('takes the workflow’s confirmation when the other system cannot be read back', async () => {
		const { alex, adele } = SEED_USERS;
		const first = await fixture.run(sync('fromTeams'), { inputItems: [{ id: alex.id }, { id: adele.id }] });
		expect(outputJson(first).map((row) => row.externalStatus)).toEqual(['On a call', 'Ready']);

		// The write to the other system succeeded for Alex only: Confirm Written runs for Alex.
		const confirm = await fixture.run(
			{ resource: 'statusSync', operation: 'confirm', user: '={{ $json.userId }}', externalStatus: '={{ $json.externalStatus }}' },
			{ inputItems: [outputJson(first)[0]], staticData: first.staticData },
		);
		expect(outputJson(confirm)[0]).toMatchObject({ user: alex.id, externalStatus: 'On a call', confirmed: true });

		fixture.at(MINUTE);
		const next = await fixture.run(sync('fromTeams'), { inputItems: [{ id: alex.id }, { id: adele.id }], staticData: confirm.staticData });
		const [alexRow, adeleRow] = outputJson(next);
		expect(alexRow).toMatchObject({ result: 'skipped', reason: 'unchanged' });
		expect(adeleRow).toMatchObject({ result: 'changed', externalStatus: 'Ready', fromTeams: { retry: true } });
		expect(next.staticData.presenceSyncConfirmed).toBeUndefined();
	});
});

describe('Status sync: state size', () => {
	const fixture = statusSyncFixture();

	it('forgets users no run has listed for the configured time', async () => {
		const { adele, diego } = SEED_USERS;
		const options = { forgetAfterDays: 7 };
		const both = await fixture.run(sync('both', options), { inputItems: [{ id: adele.id, status: 'Ready' }, { id: diego.id, status: 'Away' }] });
		expect(Object.keys(users(both.staticData)).sort()).toEqual([adele.id, diego.id].map((id) => id.toLowerCase()).sort());

		fixture.at(6 * DAY);
		const adeleOnly = await fixture.run(sync('both', options), { inputItems: [{ id: adele.id, status: 'Ready' }], staticData: both.staticData });
		expect(Object.keys(users(adeleOnly.staticData)).length).toBe(2);

		fixture.at(7 * DAY + MINUTE);
		const later = await fixture.run(sync('both', options), { inputItems: [{ id: adele.id, status: 'Ready' }], staticData: adeleOnly.staticData });
		expect(Object.keys(users(later.staticData))).toEqual([adele.id.toLowerCase()]);

		// 0 keeps everyone.
		const keepAll = await fixture.run(sync('both', { forgetAfterDays: 0 }), { inputItems: [{ id: adele.id, status: 'Ready' }], staticData: adeleOnly.staticData });
		expect(Object.keys(users(keepAll.staticData)).length).toBe(2);
	});
});
