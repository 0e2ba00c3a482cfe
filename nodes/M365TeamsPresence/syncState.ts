// The status sync's memory between runs. It lives in the workflow's static data, so it survives restarts and is
// shared by every worker in queue mode. n8n saves static data whole when a run ends (the last run saved wins), so
// every user's record carries a monotonic write time and copies are merged per user (mergeSyncStates): the newer
// record wins, nothing else is lost. Pure: reads and returns plain objects.
import type { IDataObject } from 'n8n-workflow';

/** A value seen on one side (normalized) and since when it has held, in epoch milliseconds. */
export interface ObservedValue {
	value: string;
	since: number;
}

/** A status handed to the external system that it has not yet shown back (or the workflow confirmed). */
export interface HandOver {
	/** The external status (normalized). */
	value: string;
	/** The Teams presence it was mapped from ("Availability/Activity"), if Teams was read. */
	teams?: string;
	/** When it was handed over (epoch ms). */
	at: number;
}

export interface UserSyncRecord {
	/** Last external status seen (normalized, see normalizeExternalStatus). */
	external?: ObservedValue;
	/** Last Teams presence seen, as "Availability/Activity". */
	teams?: ObservedValue;
	/** The external status whose mapping was last written to Teams; unset once the external status moves on. */
	sentToTeams?: string;
	/** The Teams presence whose mapping was last handed to the external system; unset once Teams moves on. */
	sentToExternal?: string;
	/** What this sync last wrote to Teams ("Busy/InACall" or "clear"): seeing it come back is an echo. */
	wroteTeams?: string;
	/** When that write happened (epoch ms): Available sessions fade unless re-sent within 5 minutes. */
	wroteTeamsAt?: number;
	/**
	 * The last status this sync handed to the external system that the external system then showed (read back in
	 * External Status) or the workflow confirmed (Confirm Written): seeing it come back is an echo.
	 */
	wroteExternal?: string;
	/** Handed over, not yet read back or confirmed, oldest first (at most MAX_HANDOVERS, none older than HANDOVER_KEEP_MS). */
	handedOver?: HandOver[];
	/**
	 * Monotonic write time (epoch ms): when a run last rewrote this record, always above the time of the record it
	 * replaced. Overlapping runs keep, per user, the record with the later time; it is also when the user was
	 * last synced, for pruning.
	 */
	updatedAt?: number;
}

export interface PresenceSyncState {
	version: 1;
	users: Record<string, UserSyncRecord>;
	lastForcedResyncAt?: number;
}

const STATE_KEY = 'presenceSync';

function isObservedValue(value: unknown): value is ObservedValue {
	return (
		typeof value === 'object' &&
		value !== null &&
		typeof (value as ObservedValue).value === 'string' &&
		typeof (value as ObservedValue).since === 'number'
	);
}

/** Handovers kept per user while they wait to be read back: enough for a status changing every run. */
export const MAX_HANDOVERS = 3;
/** A handover not read back within this time is taken as not written (the other system refused or overwrote it). */
export const HANDOVER_KEEP_MS = 60 * 60_000;

function isHandOver(value: unknown): value is HandOver {
	if (typeof value !== 'object' || value === null) return false;
	const entry = value as HandOver;
	return typeof entry.value === 'string' && typeof entry.at === 'number' && (entry.teams === undefined || typeof entry.teams === 'string');
}

function cleanRecord(raw: unknown, now: number): UserSyncRecord | undefined {
	if (typeof raw !== 'object' || raw === null) return undefined;
	const source = raw as Record<string, unknown>;
	const record: UserSyncRecord = {};
	if (isObservedValue(source.external)) record.external = { ...source.external };
	if (isObservedValue(source.teams)) record.teams = { ...source.teams };
	for (const key of ['sentToTeams', 'sentToExternal', 'wroteTeams', 'wroteExternal'] as const) {
		if (typeof source[key] === 'string') record[key] = source[key] as string;
	}
	if (typeof source.wroteTeamsAt === 'number') record.wroteTeamsAt = source.wroteTeamsAt;
	if (Array.isArray(source.handedOver)) {
		const handedOver = source.handedOver.filter(isHandOver).map((entry) => ({ ...entry }));
		if (handedOver.length > 0) record.handedOver = handedOver;
	}
	// Records from before write times existed count as written now (they are kept, then pruned by age as usual).
	record.updatedAt = typeof source.updatedAt === 'number' ? source.updatedAt : now;
	return record;
}

/** Reads the sync state from the node's static data; anything malformed is dropped rather than trusted. */
export function readSyncState(staticData: IDataObject, now: number = Date.now()): PresenceSyncState {
	const raw = staticData[STATE_KEY] as Record<string, unknown> | undefined;
	const state: PresenceSyncState = { version: 1, users: {} };
	if (typeof raw !== 'object' || raw === null || raw.version !== 1) return state;
	if (typeof raw.lastForcedResyncAt === 'number') state.lastForcedResyncAt = raw.lastForcedResyncAt;
	const users = raw.users;
	if (typeof users === 'object' && users !== null) {
		for (const [userId, value] of Object.entries(users as Record<string, unknown>)) {
			const record = cleanRecord(value, now);
			if (record !== undefined) state.users[userId] = record;
		}
	}
	return state;
}

/** Writes the state back into the static data object n8n persists after the execution. */
export function writeSyncState(staticData: IDataObject, state: PresenceSyncState): void {
	staticData[STATE_KEY] = state as unknown as IDataObject;
}

/** A forced resync is due when none has happened yet or the interval has passed. 0 disables it. */
export function isForcedResyncDue(
	state: PresenceSyncState,
	now: number,
	intervalMs: number,
): boolean {
	if (intervalMs <= 0) return false;
	return state.lastForcedResyncAt === undefined || now - state.lastForcedResyncAt >= intervalMs;
}

/** The write time for a record that replaces `previous`: the clock, but always above the previous write time. */
export function nextWriteTime(previous: UserSyncRecord | undefined, now: number): number {
	return Math.max(now, (previous?.updatedAt ?? 0) + 1);
}

/**
 * Two copies of the state (this run's and what another run saved): per user the record with the later write
 * time; the later forced resync. Ties keep `mine`.
 */
export function mergeSyncStates(mine: PresenceSyncState, theirs: PresenceSyncState | undefined): PresenceSyncState {
	if (theirs === undefined) return mine;
	const users: Record<string, UserSyncRecord> = { ...theirs.users };
	for (const [userId, record] of Object.entries(mine.users)) {
		const other = users[userId];
		if (other === undefined || (record.updatedAt ?? 0) >= (other.updatedAt ?? 0)) users[userId] = record;
	}
	const merged: PresenceSyncState = { version: 1, users };
	const forced = Math.max(mine.lastForcedResyncAt ?? -Infinity, theirs.lastForcedResyncAt ?? -Infinity);
	if (Number.isFinite(forced)) merged.lastForcedResyncAt = forced;
	return merged;
}

/** Forgets users no run has synced for `maxAgeMs` (0: never). Returns how many were forgotten. */
export function pruneSyncState(state: PresenceSyncState, now: number, maxAgeMs: number): number {
	if (maxAgeMs <= 0) return 0;
	let pruned = 0;
	for (const [userId, record] of Object.entries(state.users)) {
		if ((record.updatedAt ?? now) < now - maxAgeMs) {
			delete state.users[userId];
			pruned++;
		}
	}
	return pruned;
}
