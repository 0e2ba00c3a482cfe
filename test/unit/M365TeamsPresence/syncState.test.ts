import type { IDataObject } from 'n8n-workflow';
import {
	isForcedResyncDue,
	mergeSyncStates,
	nextWriteTime,
	pruneSyncState,
	readSyncState,
	writeSyncState,
} from '../../../nodes/M365TeamsPresence/syncState';
import type { PresenceSyncState } from '../../../nodes/M365TeamsPresence/syncState';

const NOW = Date.UTC(2026, 11, 4, 12, 0, 0);
const DAY = 86_400_000;

describe('sync state in static data', () => {
	it('starts empty and round-trips through the static data object', () => {
		const staticData: IDataObject = {};
		const state = readSyncState(staticData, NOW);
		expect(state).toEqual({ version: 1, users: {} });
		state.users['u1'] = {
			external: { value: 'ready', since: 1 },
			wroteTeams: 'Available/Available',
			handedOver: [{ value: 'away', teams: 'Away/Away', at: 3 }],
			updatedAt: 4,
		};
		state.lastForcedResyncAt = 5;
		writeSyncState(staticData, state);
		expect(readSyncState(JSON.parse(JSON.stringify(staticData)) as IDataObject, NOW)).toEqual(state);
	});

	it('drops malformed entries instead of trusting them', () => {
		const staticData: IDataObject = {
			presenceSync: {
				version: 1,
				lastForcedResyncAt: 'yesterday',
				users: {
					good: { teams: { value: 'Away/Away', since: 3 }, updatedAt: 7 },
					bad: 'x',
					half: { external: { value: 1 }, handedOver: [{ value: 'x' }, 'y'] },
				},
			},
		};
		// A record without a write time (saved before they existed) counts as written now.
		expect(readSyncState(staticData, NOW)).toEqual({
			version: 1,
			users: { good: { teams: { value: 'Away/Away', since: 3 }, updatedAt: 7 }, half: { updatedAt: NOW } },
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

describe('overlapping runs and pruning', () => {
	const record = (value: string, updatedAt: number) => ({ wroteTeams: value, updatedAt });

	it('write times only move forward, even when the clock goes back', () => {
		expect(nextWriteTime(undefined, NOW)).toBe(NOW);
		expect(nextWriteTime({ updatedAt: NOW - 5 }, NOW)).toBe(NOW);
		expect(nextWriteTime({ updatedAt: NOW + 60_000 }, NOW)).toBe(NOW + 60_001);
	});

	it('merges two copies per user by write time: neither run loses what it wrote', () => {
		// Both runs started from the same saved state; the slow one (mine) rewrote Adele, the fast one Diego.
		const base = { adele: record('Available/Available', NOW - DAY), diego: record('Available/Available', NOW - DAY) };
		const slow: PresenceSyncState = { version: 1, users: { ...base, adele: record('Busy/InACall', NOW + 2000) }, lastForcedResyncAt: NOW - DAY };
		const fast: PresenceSyncState = { version: 1, users: { ...base, diego: record('Busy/InACall', NOW + 1000) }, lastForcedResyncAt: NOW };
		const merged = mergeSyncStates(slow, fast);
		expect(merged.users).toEqual({ adele: record('Busy/InACall', NOW + 2000), diego: record('Busy/InACall', NOW + 1000) });
		expect(merged.lastForcedResyncAt).toBe(NOW);
		// Whichever copy is merged into which, the result is the same.
		expect(mergeSyncStates(fast, slow)).toEqual(merged);
		expect(mergeSyncStates(slow, undefined)).toBe(slow);
	});

	it('forgets users no run synced for the configured time, and nobody when it is 0', () => {
		const state: PresenceSyncState = {
			version: 1,
			users: { old: record('Away/Away', NOW - 31 * DAY), recent: record('Away/Away', NOW - 29 * DAY) },
		};
		expect(pruneSyncState(state, NOW, 0)).toBe(0);
		expect(Object.keys(state.users)).toEqual(['old', 'recent']);
		expect(pruneSyncState(state, NOW, 30 * DAY)).toBe(1);
		expect(Object.keys(state.users)).toEqual(['recent']);
	});
});
