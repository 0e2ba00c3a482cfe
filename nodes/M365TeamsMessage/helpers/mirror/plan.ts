/**
 * What the Mirror operation does with one outside event, decided from the event and the mapping rows the
 * workflow looked up (pure: every rule testable without Graph).
 *
 * - created: no row yet → post (a reply in the mapped thread when the outside message is in a thread whose root
 *   is mapped); a row already there → the same event delivered again (or our own post coming back): skip.
 * - edited: a row → edit, unless the text is what the row says was mirrored last (a repeated delivery) or the
 *   Teams message is deleted (Teams refuses edits of deleted messages); no row → notMapped.
 * - deleted: a row → soft-delete, unless already deleted; no row → notMapped.
 * - a row of a message a Teams user wrote (mirrored out of Teams): never changed from outside (teamsAuthored).
 */
import type { MirrorRow } from './row';

export type MirrorEventType = 'created' | 'edited' | 'deleted';

export const MIRROR_EVENT_TYPES: MirrorEventType[] = ['created', 'edited', 'deleted'];

export interface MirrorEvent {
	type: MirrorEventType;
	platform: string;
	outsideId: string;
	/** The outside thread's root id; '' (or the message's own id) for a message not in a thread. */
	outsideThreadId: string;
	/** contentHash() of the text (created, edited). */
	contentHash: string;
}

export type SkipOutcome = 'duplicate' | 'unchanged' | 'alreadyDeleted' | 'deletedInTeams' | 'teamsAuthored' | 'notMapped';

export type MirrorPlan =
	| { action: 'post'; thread?: MirrorRow; threadNotMapped: boolean }
	| { action: 'edit'; row: MirrorRow }
	| { action: 'delete'; row: MirrorRow }
	| { action: 'skip'; outcome: SkipOutcome; row?: MirrorRow };

export function isInThread(event: Pick<MirrorEvent, 'outsideId' | 'outsideThreadId'>): boolean {
	return event.outsideThreadId !== '' && event.outsideThreadId !== event.outsideId;
}

export function planMirror(event: MirrorEvent, row: MirrorRow | undefined, threadRow: MirrorRow | undefined): MirrorPlan {
	if (event.type === 'created') {
		if (row) return { action: 'skip', outcome: 'duplicate', row };
		if (!isInThread(event)) return { action: 'post', threadNotMapped: false };
		if (threadRow) return { action: 'post', thread: threadRow, threadNotMapped: false };
		return { action: 'post', threadNotMapped: true };
	}
	if (!row) return { action: 'skip', outcome: 'notMapped' };
	// Mirrored out of Teams: a Teams user's own message, which only they can change or delete.
	if (row.postedAs === 'teamsUser') return { action: 'skip', outcome: row.deleted ? 'alreadyDeleted' : 'teamsAuthored', row };
	if (event.type === 'edited') {
		if (row.deleted) return { action: 'skip', outcome: 'deletedInTeams', row };
		if (row.contentHash !== '' && row.contentHash === event.contentHash) return { action: 'skip', outcome: 'unchanged', row };
		return { action: 'edit', row };
	}
	if (row.deleted) return { action: 'skip', outcome: 'alreadyDeleted', row };
	return { action: 'delete', row };
}
