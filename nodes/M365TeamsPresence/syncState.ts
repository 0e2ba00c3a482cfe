// The status sync's memory between runs. It lives in the workflow's static data (never in module state), so it
// survives restarts and is shared by every worker in queue mode. Pure: reads and returns plain objects.
import type { IDataObject } from 'n8n-workflow';

/** A value seen on one side (normalized) and since when it has held, in epoch milliseconds. */
export interface ObservedValue {
	value: string;
	since: number;
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
	/** What this sync last told the external system to take (normalized): seeing it come back is an echo. */
	wroteExternal?: string;
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

function cleanRecord(raw: unknown): UserSyncRecord | undefined {
	if (typeof raw !== 'object' || raw === null) return undefined;
	const source = raw as Record<string, unknown>;
	const record: UserSyncRecord = {};
	if (isObservedValue(source.external)) record.external = { ...source.external };
	if (isObservedValue(source.teams)) record.teams = { ...source.teams };
	for (const key of ['sentToTeams', 'sentToExternal', 'wroteTeams', 'wroteExternal'] as const) {
		if (typeof source[key] === 'string') record[key] = source[key] as string;
	}
	if (typeof source.wroteTeamsAt === 'number') record.wroteTeamsAt = source.wroteTeamsAt;
	return record;
}

/** Reads the sync state from the node's static data; anything malformed is dropped rather than trusted. */
export function readSyncState(staticData: IDataObject): PresenceSyncState {
	const raw = staticData[STATE_KEY] as Record<string, unknown> | undefined;
	const state: PresenceSyncState = { version: 1, users: {} };
	if (typeof raw !== 'object' || raw === null || raw.version !== 1) return state;
	if (typeof raw.lastForcedResyncAt === 'number') state.lastForcedResyncAt = raw.lastForcedResyncAt;
	const users = raw.users;
	if (typeof users === 'object' && users !== null) {
		for (const [userId, value] of Object.entries(users as Record<string, unknown>)) {
			const record = cleanRecord(value);
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
