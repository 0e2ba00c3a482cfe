import type { IDataObject } from 'n8n-workflow';

import { recordConfirmation, takeConfirmation } from '../../../nodes/M365TeamsPresence/confirmations';
import { forgetSyncLedgers, saveToLedger, startFromLedger, syncLedgerKey } from '../../../nodes/M365TeamsPresence/syncLedger';
import type { PresenceSyncState } from '../../../nodes/M365TeamsPresence/syncState';
import { pruneSyncState } from '../../../nodes/M365TeamsPresence/syncState';

const NOW = Date.UTC(2026, 11, 4, 12, 0, 0);
const DAY = 86_400_000;
const state = (users: PresenceSyncState['users']): PresenceSyncState => ({ version: 1, users });

describe('sync ledger (overlapping runs of one process)', () => {
	afterEach(() => forgetSyncLedgers());

	it('gives the run that is saved last every record the others saved, per workflow and node', () => {
		const key = syncLedgerKey('wf', 'Sync');
		const base = state({ a: { wroteTeams: 'Available/Available', updatedAt: 1 }, b: { wroteTeams: 'Available/Available', updatedAt: 1 } });
		// B ends first, having rewritten b.
		const savedB = saveToLedger(key, state({ ...base.users, b: { wroteTeams: 'Busy/InACall', updatedAt: 3 } }), NOW);
		expect(savedB.users.b.wroteTeams).toBe('Busy/InACall');
		// A (started from the same copy) ends later, having rewritten a: its saved copy holds both.
		const savedA = saveToLedger(key, state({ ...base.users, a: { wroteTeams: 'Busy/InACall', updatedAt: 4 } }), NOW);
		expect(savedA.users).toEqual({ a: { wroteTeams: 'Busy/InACall', updatedAt: 4 }, b: { wroteTeams: 'Busy/InACall', updatedAt: 3 } });
		// A run starting from an old copy starts from the merged state; another node or workflow does not see it.
		expect(startFromLedger(key, base, NOW).users.b.updatedAt).toBe(3);
		expect(startFromLedger(syncLedgerKey('wf', 'Other'), base, NOW)).toBe(base);
		expect(startFromLedger(syncLedgerKey('wf2', 'Sync'), base, NOW)).toBe(base);
	});

	it('prunes the merged state, so a user one run pruned does not come back from the other', () => {
		const key = syncLedgerKey('wf', 'Sync');
		saveToLedger(key, state({ old: { updatedAt: NOW - 40 * DAY }, kept: { updatedAt: NOW } }), NOW);
		const saved = saveToLedger(key, state({ kept: { updatedAt: NOW } }), NOW, (merged) => pruneSyncState(merged, NOW, 30 * DAY));
		expect(Object.keys(saved.users)).toEqual(['kept']);
	});

	it('forgets a ledger no run used for a day', () => {
		const key = syncLedgerKey('wf', 'Sync');
		saveToLedger(key, state({ a: { updatedAt: 5 } }), NOW);
		const base = state({});
		expect(startFromLedger(key, base, NOW + DAY - 1).users.a).toBeDefined();
		expect(startFromLedger(key, base, NOW + 2 * DAY).users.a).toBeUndefined();
	});
});

describe('confirmations (Confirm Written)', () => {
	it('are taken once, by id or by the user value the item gave, and expire after an hour', () => {
		const global: IDataObject = {};
		recordConfirmation(global, 'Adele@Contoso.com', 'ready', NOW);
		recordConfirmation(global, 'id-2', 'away', NOW - 2 * 3_600_000);
		expect(takeConfirmation(global, ['id-1', 'adele@contoso.com'], NOW)).toEqual({ value: 'ready', at: NOW });
		// Taken, and the stale one dropped on the way: nothing left.
		expect(global.presenceSyncConfirmed).toBeUndefined();
		expect(takeConfirmation(global, ['id-1', 'adele@contoso.com'], NOW)).toBeUndefined();
	});
});
