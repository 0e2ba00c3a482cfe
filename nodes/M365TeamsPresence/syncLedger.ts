// Why this exists: n8n hands every execution its own copy of the workflow's static data, read when it starts and
// saved whole when it ends; the last execution saved wins. A slow sync run (a $batch round waiting on throttling)
// overlaps the next scheduled or webhook-started run, and whichever ends last would overwrite the records the other
// wrote: what it wrote to Teams and handed to the other system, so the next run would send the sync's own writes
// back (an echo; with maps that are not inverses, a flip-flop).
//
// Within one n8n process this ledger is the memory those copies lack: every run of a sync node merges its state
// into the ledger when it ends (per user, the record with the later write time wins: mergeSyncStates) and saves
// the merged state, so whichever copy n8n saves last holds every run's records; a run also starts from its copy
// merged with the ledger. Static data stays the durable record (after a restart the ledger starts empty). Keyed
// by workflow id and node name (n8n keys node static data by node name too). Runs on different processes (queue
// mode workers) each keep their own ledger: docs/nodes/M365TeamsPresence.md says what that means.
import type { PresenceSyncState } from './syncState';
import { mergeSyncStates } from './syncState';

/** A ledger no run used for this long is dropped (the workflow was deactivated or deleted). */
const IDLE_MS = 24 * 60 * 60_000;

interface Entry {
	state: PresenceSyncState;
	usedAt: number;
}

const ledgers = new Map<string, Entry>();

export function syncLedgerKey(workflowId: string | undefined, nodeName: string): string {
	return `${workflowId ?? ''}\u0000${nodeName}`;
}

function dropIdle(now: number): void {
	for (const [key, entry] of ledgers) if (now - entry.usedAt >= IDLE_MS) ledgers.delete(key);
}

function copy(state: PresenceSyncState): PresenceSyncState {
	return structuredClone(state);
}

/** The state a run starts from: its copy of the static data merged with what runs of this process saved. */
export function startFromLedger(key: string, state: PresenceSyncState, now: number): PresenceSyncState {
	dropIdle(now);
	const entry = ledgers.get(key);
	return entry ? mergeSyncStates(state, copy(entry.state)) : state;
}

/**
 * When a run ends: its state merged with the ledger becomes the ledger and is what the run saves. `finish` runs on
 * the merged state before it is kept (pruning), so the ledger and the saved copy agree.
 */
export function saveToLedger(
	key: string,
	state: PresenceSyncState,
	now: number,
	finish: (merged: PresenceSyncState) => void = () => undefined,
): PresenceSyncState {
	const entry = ledgers.get(key);
	const merged = mergeSyncStates(state, entry ? copy(entry.state) : undefined);
	finish(merged);
	ledgers.set(key, { state: copy(merged), usedAt: now });
	return merged;
}

/** For tests: forget every ledger (as a restart of n8n does). */
export function forgetSyncLedgers(): void {
	ledgers.clear();
}
