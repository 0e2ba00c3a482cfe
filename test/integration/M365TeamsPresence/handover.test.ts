// A status handed to the other system counts as written only when that system shows it (read back in External
// Status) or the workflow confirms it (Confirm Written); a write that failed downstream is handed over again on
// the next run, not an hour later. And the sync forgets users no run has listed for the configured time.
import type { IDataObject } from 'n8n-workflow';

import { SEED_USERS, startEmulator, type Emulator } from '../../emulator';
import { outputJson, runPresence } from './setup';

const realNow = Date.now.bind(Date);
let offsetMs = 0;
beforeAll(() => {
	jest.spyOn(Date, 'now').mockImplementation(() => realNow() + offsetMs);
});
afterAll(() => {
	jest.restoreAllMocks();
});

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

async function clientPresence(emulator: Emulator, userId: string, availability: string, activity: string): Promise<void> {
	const response = await fetch(`${emulator.graphUrl}/_emulator/presence/${userId}`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify({ availability, activity }),
	});
	expect(response.status).toBe(200);
}

function sync(direction: 'both' | 'fromTeams', options: IDataObject = {}) {
	return { resource: 'statusSync', operation: 'sync', direction, user: '={{ $json.id }}', externalStatus: '={{ $json.status ?? "" }}', options: { shortStatusSeconds: 0, ...options } };
}

function users(staticData: IDataObject): Record<string, IDataObject> {
	return ((staticData['node:Teams Presence'] as IDataObject).presenceSync as { users: Record<string, IDataObject> }).users;
}

describe('Status sync: handovers to the other system', () => {
	let emulator: Emulator;
	beforeEach(async () => {
		emulator = await startEmulator();
		offsetMs = 0;
	});
	afterEach(async () => {
		await emulator.close();
	});

	it('hands a status over again when the other system does not show it on the next run', async () => {
		const { diego } = SEED_USERS;
		const first = await runPresence(emulator, sync('both'), { inputItems: [{ id: diego.id, status: 'Away' }] });
		expect(outputJson(first)[0]).toMatchObject({ result: 'changed' });

		await clientPresence(emulator, diego.id, 'DoNotDisturb', 'DoNotDisturb');
		offsetMs = 2 * MINUTE;
		const handed = await runPresence(emulator, sync('both'), { inputItems: [{ id: diego.id, status: 'Away' }], staticData: first.staticData });
		expect(outputJson(handed)[0]).toMatchObject({ result: 'changed', externalStatus: 'Do not disturb' });

		// The write downstream failed: the other system still says Away.
		offsetMs = 3 * MINUTE;
		const failed = await runPresence(emulator, sync('both'), { inputItems: [{ id: diego.id, status: 'Away' }], staticData: handed.staticData });
		expect(outputJson(failed)[0]).toMatchObject({
			result: 'changed',
			externalStatus: 'Do not disturb',
			fromTeams: { result: 'changed', retry: true },
			toTeams: { result: 'skipped', reason: 'unchanged' },
		});

		// This time it was written: the other system shows it, and it is not sent back to Teams.
		offsetMs = 4 * MINUTE;
		const shown = await runPresence(emulator, sync('both'), { inputItems: [{ id: diego.id, status: 'Do not disturb' }], staticData: failed.staticData });
		expect(outputJson(shown)[0]).toMatchObject({ result: 'skipped', toTeams: { reason: 'echo' }, fromTeams: { reason: 'unchanged' } });
		expect(users(shown.staticData)[diego.id.toLowerCase()]).toMatchObject({ wroteExternal: 'do not disturb' });
		expect(users(shown.staticData)[diego.id.toLowerCase()].handedOver).toBeUndefined();
	});

	it('takes the workflow’s confirmation when the other system cannot be read back', async () => {
		const { alex, adele } = SEED_USERS;
		const first = await runPresence(emulator, sync('fromTeams'), { inputItems: [{ id: alex.id }, { id: adele.id }] });
		expect(outputJson(first).map((row) => row.externalStatus)).toEqual(['On a call', 'Ready']);

		// The write to the other system succeeded for Alex only: Confirm Written runs for Alex.
		const confirm = await runPresence(
			emulator,
			{ resource: 'statusSync', operation: 'confirm', user: '={{ $json.userId }}', externalStatus: '={{ $json.externalStatus }}' },
			{ inputItems: [outputJson(first)[0]], staticData: first.staticData },
		);
		expect(outputJson(confirm)[0]).toMatchObject({ user: alex.id, externalStatus: 'On a call', confirmed: true });

		offsetMs = MINUTE;
		const next = await runPresence(emulator, sync('fromTeams'), { inputItems: [{ id: alex.id }, { id: adele.id }], staticData: confirm.staticData });
		const [alexRow, adeleRow] = outputJson(next);
		expect(alexRow).toMatchObject({ result: 'skipped', reason: 'unchanged' });
		expect(adeleRow).toMatchObject({ result: 'changed', externalStatus: 'Ready', fromTeams: { retry: true } });
		expect(next.staticData.presenceSyncConfirmed).toBeUndefined();
	});
});

describe('Status sync: state size', () => {
	let emulator: Emulator;
	beforeAll(async () => {
		emulator = await startEmulator();
		offsetMs = 0;
	});
	afterAll(async () => {
		await emulator.close();
	});

	it('forgets users no run has listed for the configured time', async () => {
		const { adele, diego } = SEED_USERS;
		const options = { forgetAfterDays: 7 };
		const both = await runPresence(emulator, sync('both', options), { inputItems: [{ id: adele.id, status: 'Ready' }, { id: diego.id, status: 'Away' }] });
		expect(Object.keys(users(both.staticData)).sort()).toEqual([adele.id, diego.id].map((id) => id.toLowerCase()).sort());

		offsetMs = 6 * DAY;
		const adeleOnly = await runPresence(emulator, sync('both', options), { inputItems: [{ id: adele.id, status: 'Ready' }], staticData: both.staticData });
		expect(Object.keys(users(adeleOnly.staticData)).length).toBe(2);

		offsetMs = 7 * DAY + MINUTE;
		const later = await runPresence(emulator, sync('both', options), { inputItems: [{ id: adele.id, status: 'Ready' }], staticData: adeleOnly.staticData });
		expect(Object.keys(users(later.staticData))).toEqual([adele.id.toLowerCase()]);

		// 0 keeps everyone.
		const keepAll = await runPresence(emulator, sync('both', { forgetAfterDays: 0 }), { inputItems: [{ id: adele.id, status: 'Ready' }], staticData: adeleOnly.staticData });
		expect(Object.keys(users(keepAll.staticData)).length).toBe(2);
	});
});
