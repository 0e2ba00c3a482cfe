// "Confirm Written": the workflow's word that the other system took a status the sync handed over, for workflows
// that cannot read the other system's statuses back into External Status. The Confirm Written operation (placed
// after the node that writes to the other system, so it runs only for writes that succeeded) records it in the
// workflow's global static data, which n8n saves with the sync's own state at the end of the same execution; the
// sync takes it on its next run as it takes a read-back. Pure: reads and returns plain objects.
import type { IDataObject } from 'n8n-workflow';

import { HANDOVER_KEEP_MS } from './syncState';

const KEY = 'presenceSyncConfirmed';

export interface Confirmation {
	/** The external status written (normalized). */
	value: string;
	at: number;
}

type Confirmations = Record<string, Confirmation>;

function isConfirmation(value: unknown): value is Confirmation {
	return typeof value === 'object' && value !== null && typeof (value as Confirmation).value === 'string' && typeof (value as Confirmation).at === 'number';
}

function read(globalData: IDataObject): Confirmations {
	const raw = globalData[KEY];
	const result: Confirmations = {};
	if (typeof raw !== 'object' || raw === null) return result;
	for (const [user, value] of Object.entries(raw as Record<string, unknown>)) if (isConfirmation(value)) result[user] = { ...value };
	return result;
}

/** Records that `user` (the sync's userId, or the same user value the sync got) now shows `value`. */
export function recordConfirmation(globalData: IDataObject, user: string, value: string, now: number): void {
	const confirmations = read(globalData);
	confirmations[user.trim().toLowerCase()] = { value, at: now };
	globalData[KEY] = confirmations as unknown as IDataObject;
}

/**
 * The confirmation for a user of this run (by id or by the value the item gave), removed from the global data.
 * Confirmations older than a handover is kept are dropped on the way.
 */
export function takeConfirmation(globalData: IDataObject, keys: string[], now: number): Confirmation | undefined {
	if (globalData[KEY] === undefined) return undefined;
	const confirmations = read(globalData);
	let found: Confirmation | undefined;
	for (const key of keys.map((k) => k.trim().toLowerCase())) {
		const confirmation = confirmations[key];
		if (confirmation === undefined) continue;
		if (found === undefined || confirmation.at > found.at) found = confirmation;
		delete confirmations[key];
	}
	let changed = found !== undefined;
	for (const [key, confirmation] of Object.entries(confirmations)) {
		if (now - confirmation.at < HANDOVER_KEEP_MS) continue;
		delete confirmations[key];
		changed = true;
	}
	if (!changed) return undefined;
	if (Object.keys(confirmations).length === 0) delete globalData[KEY];
	else globalData[KEY] = confirmations as unknown as IDataObject;
	return found;
}
