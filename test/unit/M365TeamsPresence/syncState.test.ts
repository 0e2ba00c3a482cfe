import type { IDataObject } from 'n8n-workflow';
import {
	isForcedResyncDue,
	readSyncState,
	writeSyncState,
} from '../../../nodes/M365TeamsPresence/syncState';

describe('sync state in static data', () => {
	it('starts empty and round-trips through the static data object', () => {
		const staticData: IDataObject = {};
		const state = readSyncState(staticData);
		expect(state).toEqual({ version: 1, users: {} });
		state.users['u1'] = { external: { value: 'ready', since: 1 }, wroteTeams: 'Available/Available' };
		state.lastForcedResyncAt = 5;
		writeSyncState(staticData, state);
		expect(readSyncState(JSON.parse(JSON.stringify(staticData)) as IDataObject)).toEqual(state);
	});

	it('drops malformed entries instead of trusting them', () => {
		const staticData: IDataObject = {
			presenceSync: {
				version: 1,
				lastForcedResyncAt: 'yesterday',
				users: { good: { teams: { value: 'Away/Away', since: 3 } }, bad: 'x', half: { external: { value: 1 } } },
			},
		};
		expect(readSyncState(staticData)).toEqual({
			version: 1,
			users: { good: { teams: { value: 'Away/Away', since: 3 } }, half: {} },
		});
		expect(readSyncState({ presenceSync: { version: 2, users: {} } })).toEqual({ version: 1, users: {} });
	});

	it('decides when a forced resync is due', () => {
		const hour = 3_600_000;
		expect(isForcedResyncDue({ version: 1, users: {} }, 1000, hour)).toBe(true);
		expect(isForcedResyncDue({ version: 1, users: {}, lastForcedResyncAt: 0 }, hour - 1, hour)).toBe(false);
		expect(isForcedResyncDue({ version: 1, users: {}, lastForcedResyncAt: 0 }, hour, hour)).toBe(true);
		expect(isForcedResyncDue({ version: 1, users: {} }, 1000, 0)).toBe(false);
	});
});
