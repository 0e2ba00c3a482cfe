// Where a sync run gets its state and puts it back: the node's static data, merged with this process's ledger of
// overlapping runs (syncLedger.ts), the workflow's confirmations (confirmations.ts), write times and pruning.
import type { IExecuteFunctions } from 'n8n-workflow';

import type { Confirmation } from './confirmations';
import { takeConfirmation } from './confirmations';
import { saveToLedger, startFromLedger, syncLedgerKey } from './syncLedger';
import type { PresenceSyncState } from './syncState';
import { nextWriteTime, pruneSyncState, readSyncState, writeSyncState } from './syncState';

export interface SyncStore {
	state: PresenceSyncState;
	/** The workflow's confirmation of a write for this user (by id or as the item named them), taken once. */
	takeConfirmation(userId: string, user: string): Confirmation | undefined;
	/** Stamps the users this run rewrote, merges with overlapping runs, prunes and saves. */
	save(rewritten: Iterable<string>): { users: number; pruned: number };
}

export function openSyncStore(ctx: IExecuteFunctions, now: number, pruneAfterMs: number): SyncStore {
	const staticData = ctx.getWorkflowStaticData('node');
	const globalData = ctx.getWorkflowStaticData('global');
	// Manual runs are not saved by n8n: they start from the saved state and leave the ledger alone.
	const ledgerKey = ctx.getMode() === 'manual' ? undefined : syncLedgerKey(ctx.getWorkflow().id, ctx.getNode().name);
	const stored = readSyncState(staticData, now);
	const state = ledgerKey === undefined ? stored : startFromLedger(ledgerKey, stored, now);
	return {
		state,
		takeConfirmation: (userId, user) => takeConfirmation(globalData, [userId, user], now),
		save(rewritten) {
			const writtenAt = Date.now();
			for (const userId of rewritten) {
				const record = state.users[userId];
				if (record) state.users[userId] = { ...record, updatedAt: nextWriteTime(record, writtenAt) };
			}
			let pruned = 0;
			const prune = (target: PresenceSyncState) => {
				pruned = pruneSyncState(target, writtenAt, pruneAfterMs);
			};
			const saved = ledgerKey === undefined ? (prune(state), state) : saveToLedger(ledgerKey, state, writtenAt, prune);
			writeSyncState(staticData, saved);
			return { users: Object.keys(saved.users).length, pruned };
		},
	};
}
