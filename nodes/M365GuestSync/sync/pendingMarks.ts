/**
 * Guests this sync invited but could not mark (Entra had not replicated them within the retries, or the run stopped):
 * remembered in the node's workflow static data and marked at the start of the next run, before this source's guests
 * are read, so they are its own again without Adopt Existing Guests. An unmarked guest would otherwise fall out of
 * every later update and removal.
 *
 * n8n saves a node's static data after executions of an active workflow (not after manual test runs), which is how a
 * scheduled sync runs. A pending mark is dropped once done, once the guest carries a marker (adopted or marked by
 * hand), once it no longer answers to the email, or when the guest is gone a day after the invitation.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { isSuccess, patchUserRequest, runBatched, toDirectoryUser, userSelect, type GraphUserWithMarker } from '../directory';
import { addressesOf, isGuest } from '../plan';
import { sendWhileReplicating } from '../replication';
import type { SyncSettings } from './settings';

export interface PendingMark {
	userId: string;
	email: string;
	/** ISO time of the invitation. */
	invitedAt: string;
}

const KEY = 'pendingMarks';
const GONE_AFTER_MS = 24 * 3600 * 1000;

function store(this: IExecuteFunctions): Record<string, PendingMark[]> {
	const data = this.getWorkflowStaticData('node') as IDataObject;
	if (typeof data[KEY] !== 'object' || data[KEY] === null || Array.isArray(data[KEY])) data[KEY] = {};
	return data[KEY] as unknown as Record<string, PendingMark[]>;
}

/** Remembers guests invited by this run that are still without the marker. */
export function rememberUnmarked(this: IExecuteFunctions, sourceName: string, marks: PendingMark[]): void {
	if (marks.length === 0) return;
	const pending = store.call(this);
	const known = new Set((pending[sourceName] ?? []).map((mark) => mark.userId));
	pending[sourceName] = [...(pending[sourceName] ?? []), ...marks.filter((mark) => !known.has(mark.userId))];
}

/** Marks the guests a previous run could not; returns how many were marked now. A dry run only counts them. */
export async function finishPendingMarks(this: IExecuteFunctions, settings: SyncSettings): Promise<number> {
	const pending = store.call(this);
	const marks = pending[settings.sourceName] ?? [];
	if (marks.length === 0) return 0;
	const reads = await runBatched.call(
		this,
		marks.map((mark, index) => ({ id: String(index + 1), method: 'GET', url: `/users/${mark.userId}?$select=${userSelect(settings.markerAttribute)}` })),
	);
	const toMark: PendingMark[] = [];
	const keep: PendingMark[] = [];
	reads.forEach((read, index) => {
		const mark = marks[index];
		if (read.status === 404) {
			if (Date.now() - Date.parse(mark.invitedAt) < GONE_AFTER_MS) keep.push(mark);
			return;
		}
		if (!isSuccess(read)) {
			keep.push(mark);
			return;
		}
		const user = toDirectoryUser(read.body as GraphUserWithMarker, settings.markerAttribute);
		if (!user.marker && isGuest(user) && addressesOf(user).includes(mark.email)) toMark.push(mark);
	});
	if (settings.dryRun) return toMark.length;
	const writes = await sendWhileReplicating.call(
		this,
		toMark.map((mark, index) => patchUserRequest(String(index + 1), mark.userId, { [settings.markerAttribute]: settings.sourceName })),
	);
	let marked = 0;
	writes.forEach((write, index) => {
		if (isSuccess(write)) marked += 1;
		else keep.push(toMark[index]);
	});
	if (keep.length > 0) pending[settings.sourceName] = keep;
	else delete pending[settings.sourceName];
	return marked;
}
