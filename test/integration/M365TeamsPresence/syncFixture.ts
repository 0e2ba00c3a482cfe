// The Status Sync tests' fixture (sync.test.ts, handover.test.ts, overlappingRuns.test.ts): an emulator for a
// describe block (or for each test), the sync's clock, a user clicking in Teams, and the node's parameters.
//
// The sync measures time with Date.now(); tests move that clock (`at`) instead of waiting. It starts at real time
// with every emulator the fixture starts, and is real time again once the block is over.
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { startEmulator, type Emulator } from '../../emulator';
import { emulatorRequest } from '../../emulator/testClient';
import type { RunNodeResult } from '../../harness';
import { runPresence } from './setup';

export type SyncDirection = 'toTeams' | 'fromTeams' | 'both';

/**
 * Status Sync's parameters: `user` and `externalStatus` read the item's `email` and `status` unless given
 * (`user: '={{ $json.id }}'`); anything else (options, maps, set mode) as given.
 */
export function statusSyncParameters(direction: SyncDirection, extra: IDataObject = {}): INodeParameters {
	return { resource: 'statusSync', operation: 'sync', direction, user: '={{ $json.email }}', externalStatus: '={{ $json.status ?? "" }}', ...extra } as INodeParameters;
}

/** The users the sync keeps in the workflow's static data, by lower-cased id. */
export function syncedUsers(staticData: IDataObject): Record<string, IDataObject> {
	return ((staticData['node:Teams Presence'] as IDataObject).presenceSync as { users: Record<string, IDataObject> }).users;
}

export interface StatusSyncFixture {
	/** The emulator of the running test. */
	readonly emulator: Emulator;
	/** Sets the sync's clock (Date.now) to `ms` after the real time; 0 at the start. */
	at(ms: number): void;
	/** The user sets a presence in their own Teams client (the emulator's control API). */
	clientPresence(userId: string, availability: string, activity: string): Promise<void>;
	/** Runs Teams Presence against the fixture's emulator (setup.ts `runPresence`). */
	run(parameters: INodeParameters, options?: Parameters<typeof runPresence>[2]): Promise<RunNodeResult>;
}

/** Registers the fixture's hooks in the calling describe block (`perTest`: a fresh emulator for every test). */
export function statusSyncFixture(lifetime: 'perBlock' | 'perTest' = 'perBlock'): StatusSyncFixture {
	let emulator: Emulator | undefined;
	let offsetMs = 0;
	let clock: jest.SpyInstance<number, []> | undefined;
	const realNow = Date.now.bind(Date);
	const before = lifetime === 'perTest' ? beforeEach : beforeAll;
	const after = lifetime === 'perTest' ? afterEach : afterAll;
	before(async () => {
		offsetMs = 0;
		clock = jest.spyOn(Date, 'now').mockImplementation(() => realNow() + offsetMs);
		emulator = await startEmulator();
	});
	after(async () => {
		clock?.mockRestore();
		await emulator?.close();
		emulator = undefined;
	});
	const current = (): Emulator => {
		if (!emulator) throw new Error('statusSyncFixture: no emulator outside a test of its describe block');
		return emulator;
	};
	return {
		get emulator() {
			return current();
		},
		at(ms) {
			offsetMs = ms;
		},
		async clientPresence(userId, availability, activity) {
			const response = await emulatorRequest(`${current().graphUrl}/_emulator/presence/${userId}`, { method: 'POST', json: { availability, activity } });
			expect(response.status).toBe(200);
		},
		run: async (parameters, options) => await runPresence(current(), parameters, options),
	};
}
