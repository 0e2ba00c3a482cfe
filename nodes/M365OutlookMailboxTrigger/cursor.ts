import { createHash } from 'crypto';

import { compareOrdinal } from '../shared/identifiers';

/**
 * Where the trigger stands in one folder of one mailbox, kept in the workflow's static data.
 *
 * The stream of a folder has two parts split at `deltaFrom` (the activation time):
 *  - backfill: messages received in [backfill.nextFrom, deltaFrom), listed oldest first in bounded batches;
 *  - delta: messages created in the folder with receivedDateTime >= deltaFrom, followed with Graph delta
 *    queries (changeType=created). `deltaUrl` is the nextLink of a round in progress or the deltaLink of the
 *    last completed round; without it the next poll starts a round filtered from `deltaFrom`.
 * Both parts are disjoint by receivedDateTime, so nothing is emitted twice in normal operation; `recent` (hashed
 * ids of messages emitted lately) absorbs the replays of a resync after Graph dropped the delta sync state.
 *
 * Exchange stamps receivedDateTime on receipt, but transport delay and inbox rules make a message appear in a
 * folder later, with a time already in the past. Delta reports every message created in the folder, whatever its
 * time, as long as it matches the round's filter, so `deltaFrom` lies {@link DELIVERY_DELAY_SECONDS} before the
 * activation: mail received shortly before activation that shows up after it is still caught. What was already in
 * the folder when the trigger started is recorded as seen during the first round (`preexistingBefore`), not emitted.
 */
export interface FolderCursor {
	/** ISO time: the boundary between backfill and delta (inclusive lower bound of the delta round filter). */
	deltaFrom: string;
	/**
	 * ISO time, during the first delta round only: messages in that round received before it were in the folder
	 * before the trigger started (or before the backfill start), so they are recorded as seen and not emitted.
	 */
	preexistingBefore?: string;
	/** Whether the delta round filter is `gt` (exclusive) instead of `ge`. Set by a resync above a trimmed window. */
	deltaFromExclusive?: boolean;
	/**
	 * @odata.nextLink or @odata.deltaLink to follow next: relative to the version root, or only its query (`?…`)
	 * when its path is the folder's delta path (poll.ts compacts and expands it; older state holds absolute links).
	 */
	deltaUrl?: string;
	backfill?: BackfillCursor;
	/** Newest receivedDateTime emitted from this folder (ISO). */
	watermark?: string;
	/** Recently emitted messages: [hashed id, receivedDateTime as epoch seconds], oldest first. */
	recent: Array<[string, number]>;
	/** Newest receivedDateTime (epoch seconds) of an entry trimmed from `recent` because the window was full. */
	trimmedUpTo?: number;
}

export interface BackfillCursor {
	/** ISO time: list from here (inclusive, or exclusive with `pastNextFrom`). */
	nextFrom: string;
	/** Every message of the second `nextFrom` was seen: list from after it. */
	pastNextFrom?: boolean;
	/** Hashed ids of messages already seen whose receivedDateTime equals `nextFrom`. */
	boundaryIds: string[];
	/**
	 * Paging within the second `nextFrom`, which holds more messages than one page can carry (Graph lists at most
	 * 1,000 a page): `skip` is the offset of the next page of the pass over that second. A pass that found a message
	 * not seen before is followed by another one, so a message that an offset shift hid from one pass (mail moved
	 * out of the folder meanwhile) is found by the next; the second is left only after a pass finds nothing new.
	 */
	sweep?: { skip: number; foundNew: boolean };
}

export interface MailboxTriggerState {
	version: 1;
	/** Keyed by {@link cursorKey}. */
	cursors: Record<string, FolderCursor>;
	/** Mailboxes of the organisation (watch "all"), re-listed when older than an hour. */
	directory?: { fetchedAt: number; mailboxes: string[] };
	/** Resolved folders per mailbox (paths, child folders), re-resolved when older than an hour. */
	folders?: Record<string, { fetchedAt: number; folders: ResolvedFolder[] }>;
}

/** A folder to watch: `segment` goes into /mailFolders/{segment}; `label` is what output items show. */
export interface ResolvedFolder {
	label: string;
	segment: string;
}

export type StartPolicy =
	| { kind: 'now' }
	| { kind: 'date'; from: string }
	| { kind: 'days'; days: number };

/** The message fields the cursor logic needs. */
export interface MessageRef {
	id: string;
	receivedDateTime?: string | null;
}

/**
 * How long mail may take to become visible in a folder after its receivedDateTime (Exchange transport delay, inbox
 * rules moving it, a journaling or archiving hop) and still be caught across the trigger's activation. Microsoft
 * documents no upper bound; delivery normally takes seconds to a few minutes.
 */
export const DELIVERY_DELAY_SECONDS = 15 * 60;
/** How long before the watermark emitted ids stay in the dedupe window, and where a resync restarts. */
export const RESYNC_OVERLAP_SECONDS = 15 * 60;
/** Most entries kept in one folder's dedupe window. */
export const RECENT_WINDOW_LIMIT = 500;
/** Graph's $top maximum for listing messages. */
export const MAX_LIST_TOP = 1000;

export function cursorKey(mailbox: string, folder: string): string {
	return `${mailbox.trim().toLowerCase()}|${folder.trim().toLowerCase()}`;
}

/** Short, stable stand-in for a Graph message id (ids are ~150 characters; the window stores many). */
export function hashMessageId(id: string): string {
	return createHash('sha256').update(id).digest('base64url').slice(0, 16);
}

export function emptyState(): MailboxTriggerState {
	return { version: 1, cursors: {} };
}

/** Reads the state from static data, dropping anything not in the current shape. */
export function readState(staticData: Record<string, unknown>): MailboxTriggerState {
	const state = staticData.mailboxTrigger as MailboxTriggerState | undefined;
	if (!state || state.version !== 1 || typeof state.cursors !== 'object' || state.cursors === null) {
		return emptyState();
	}
	return state;
}

/** Start of the backfill for a start policy, or undefined when the trigger starts from now. */
export function backfillStart(policy: StartPolicy, now: Date): string | undefined {
	if (policy.kind === 'now') return undefined;
	if (policy.kind === 'date') return toGraphTime(new Date(policy.from));
	return toGraphTime(new Date(now.getTime() - policy.days * 24 * 60 * 60 * 1000));
}

/**
 * The cursor of a folder seen for the first time. Delta starts {@link DELIVERY_DELAY_SECONDS} before now; what the
 * first round finds there from before the start (now, or a backfill start inside that window) is not emitted.
 */
export function initialCursor(policy: StartPolicy, now: Date): FolderCursor {
	const activation = toGraphTime(now);
	const deltaFrom = toGraphTime(new Date(now.getTime() - DELIVERY_DELAY_SECONDS * 1000));
	const from = backfillStart(policy, now);
	if (from === undefined || from >= activation) return { deltaFrom, preexistingBefore: activation, recent: [] };
	if (from >= deltaFrom) return { deltaFrom, preexistingBefore: from, recent: [] };
	return { deltaFrom, backfill: { nextFrom: from, boundaryIds: [] }, recent: [] };
}

/** Graph's time format: ISO 8601 UTC with whole seconds. */
export function toGraphTime(date: Date): string {
	if (Number.isNaN(date.getTime())) throw new RangeError('Invalid date');
	return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function epochSeconds(iso: string | null | undefined): number {
	if (!iso) return 0;
	const ms = Date.parse(iso);
	return Number.isNaN(ms) ? 0 : Math.floor(ms / 1000);
}

/** What the next request for a folder is. */
export type FolderStep =
	| { kind: 'backfill'; filter: string; orderBy: string; top: number; skip?: number }
	| { kind: 'deltaStart'; filter: string }
	| { kind: 'deltaFollow'; url: string };

export function nextStep(cursor: FolderCursor, batchSize: number): FolderStep {
	const backfill = cursor.backfill;
	if (backfill?.sweep) {
		// One crowded second, page by page: [second, second + 1 s) holds exactly the messages stamped with it.
		const secondEnd = toGraphTime(new Date(Date.parse(backfill.nextFrom) + 1000));
		const until = secondEnd < cursor.deltaFrom ? secondEnd : cursor.deltaFrom;
		return {
			kind: 'backfill',
			filter: `receivedDateTime ge ${backfill.nextFrom} and receivedDateTime lt ${until}`,
			orderBy: 'receivedDateTime asc',
			top: Math.min(MAX_LIST_TOP, Math.max(1, batchSize)),
			skip: backfill.sweep.skip,
		};
	}
	if (backfill) {
		const top = Math.min(MAX_LIST_TOP, Math.max(1, batchSize) + backfill.boundaryIds.length);
		return {
			kind: 'backfill',
			filter: `receivedDateTime ${backfill.pastNextFrom ? 'gt' : 'ge'} ${backfill.nextFrom} and receivedDateTime lt ${cursor.deltaFrom}`,
			orderBy: 'receivedDateTime asc',
			top,
		};
	}
	if (cursor.deltaUrl) return { kind: 'deltaFollow', url: cursor.deltaUrl };
	return {
		kind: 'deltaStart',
		filter: `receivedDateTime ${cursor.deltaFromExclusive ? 'gt' : 'ge'} ${cursor.deltaFrom}`,
	};
}

export interface StepResult<T extends MessageRef> {
	/** Messages to emit, oldest first, without the ones emitted before. */
	emit: T[];
	cursor: FolderCursor;
	/** Whether the folder has more to fetch right now (a backfill page was full or a delta round continues). */
	more: boolean;
}

/** Applies one page of a backfill listing (ordered by receivedDateTime asc, requested with `requestedTop`). */
export function applyBackfillPage<T extends MessageRef>(
	cursor: FolderCursor,
	page: T[],
	requestedTop: number,
): StepResult<T> {
	const backfill = cursor.backfill;
	if (!backfill) throw new Error('applyBackfillPage called on a cursor without backfill');
	const boundary = new Set(backfill.boundaryIds);
	const fresh = page.filter((message) => !boundary.has(hashMessageId(message.id)));
	const emit = withoutRecent(cursor, sortOldestFirst(fresh));
	const next = recordEmitted(cursor, emit);
	const full = page.length >= requestedTop;
	if (backfill.sweep) {
		const seen = [...backfill.boundaryIds, ...fresh.map((message) => hashMessageId(message.id))];
		const foundNew = backfill.sweep.foundNew || fresh.length > 0;
		let sweep: BackfillCursor;
		if (full) sweep = { ...backfill, boundaryIds: seen, sweep: { skip: backfill.sweep.skip + page.length, foundNew } };
		else if (foundNew) sweep = { ...backfill, boundaryIds: seen, sweep: { skip: 0, foundNew: false } };
		// A whole pass over the second found nothing new: every message of it was seen.
		else sweep = { nextFrom: backfill.nextFrom, pastNextFrom: true, boundaryIds: [] };
		return { emit, cursor: { ...next, backfill: sweep }, more: true };
	}
	if (!full) {
		// The listing is exhausted up to deltaFrom: the delta part takes over.
		const handedOver = { ...next };
		delete handedOver.backfill;
		return { emit, cursor: handedOver, more: true };
	}
	const newest = page.reduce(
		(max, message) => ((message.receivedDateTime ?? '') > max ? (message.receivedDateTime ?? '') : max),
		backfill.nextFrom,
	);
	const atNewest = page
		.filter((message) => message.receivedDateTime === newest)
		.map((message) => hashMessageId(message.id));
	if (newest === backfill.nextFrom && !backfill.pastNextFrom) {
		// A full page without progress in time: the second holds more than a page. Page within it.
		const seen = [...new Set([...backfill.boundaryIds, ...atNewest])];
		return { emit, cursor: { ...next, backfill: { nextFrom: newest, boundaryIds: seen, sweep: { skip: 0, foundNew: false } } }, more: true };
	}
	return { emit, cursor: { ...next, backfill: { nextFrom: newest, boundaryIds: atNewest } }, more: true };
}

/** Applies one page of a delta round. Removed entries and messages emitted before are skipped. */
export function applyDeltaPage<T extends MessageRef & { '@removed'?: unknown }>(
	cursor: FolderCursor,
	page: { value: T[]; nextLink?: string; deltaLink?: string },
): StepResult<T> {
	const link = page.nextLink ?? page.deltaLink;
	if (!link) throw new Error('A delta page carries neither @odata.nextLink nor @odata.deltaLink');
	const present = page.value.filter((message) => message['@removed'] === undefined);
	const fresh = withoutRecent(cursor, sortOldestFirst(dedupeById(present)));
	const before = cursor.preexistingBefore;
	const emit = before === undefined ? fresh : fresh.filter((message) => (message.receivedDateTime ?? '') >= before);
	const next: FolderCursor = { ...recordEmitted(cursor, fresh), deltaUrl: link };
	if (page.deltaLink !== undefined && page.nextLink === undefined) delete next.preexistingBefore;
	return { emit, cursor: next, more: page.nextLink !== undefined };
}

/**
 * Graph dropped the sync state (410 SyncStateNotFound or a resync error): start a new round from the oldest
 * time the dedupe window still fully covers, so every message after the last sync is listed again and the
 * ones emitted already are recognised.
 */
export function resyncCursor(cursor: FolderCursor): FolderCursor {
	const rest = { ...cursor };
	delete rest.deltaUrl;
	const boundary = epochSeconds(cursor.deltaFrom);
	// Never restart before the original boundary: what lies before it belongs to the backfill.
	let floor = cursor.watermark
		? Math.max(boundary, epochSeconds(cursor.watermark) - RESYNC_OVERLAP_SECONDS)
		: boundary;
	let exclusive = floor === boundary ? cursor.deltaFromExclusive === true : false;
	if (cursor.trimmedUpTo !== undefined && cursor.trimmedUpTo >= floor) {
		floor = cursor.trimmedUpTo;
		exclusive = true;
	}
	const deltaFrom = floor === boundary ? cursor.deltaFrom : toGraphTime(new Date(floor * 1000));
	return { ...rest, deltaFrom, deltaFromExclusive: exclusive || undefined };
}

function dedupeById<T extends MessageRef>(messages: T[]): T[] {
	const seen = new Set<string>();
	return messages.filter((message) => {
		if (seen.has(message.id)) return false;
		seen.add(message.id);
		return true;
	});
}

export function sortOldestFirst<T extends MessageRef>(messages: T[]): T[] {
	return [...messages].sort((a, b) => {
		const byTime = compareOrdinal(a.receivedDateTime ?? '', b.receivedDateTime ?? '');
		return byTime !== 0 ? byTime : compareOrdinal(a.id, b.id);
	});
}

function withoutRecent<T extends MessageRef>(cursor: FolderCursor, messages: T[]): T[] {
	if (cursor.recent.length === 0) return messages;
	const recent = new Set(cursor.recent.map(([hash]) => hash));
	return messages.filter((message) => !recent.has(hashMessageId(message.id)));
}

/** Adds emitted messages to the dedupe window, moves the watermark and trims the window. */
export function recordEmitted(cursor: FolderCursor, emitted: MessageRef[]): FolderCursor {
	if (emitted.length === 0) return cursor;
	let watermark = cursor.watermark;
	const recent = [...cursor.recent];
	for (const message of emitted) {
		const received = message.receivedDateTime ?? undefined;
		if (received && (!watermark || received > watermark)) watermark = received;
		recent.push([hashMessageId(message.id), epochSeconds(received)]);
	}
	recent.sort((a, b) => a[1] - b[1]);
	const keepFrom = epochSeconds(watermark) - RESYNC_OVERLAP_SECONDS;
	let trimmedUpTo = cursor.trimmedUpTo;
	let start = 0;
	while (start < recent.length && recent[start][1] < keepFrom) start++;
	if (recent.length - start > RECENT_WINDOW_LIMIT) {
		const cut = recent.length - RECENT_WINDOW_LIMIT;
		trimmedUpTo = Math.max(trimmedUpTo ?? 0, recent[cut - 1][1]);
		start = cut;
	}
	return { ...cursor, watermark, recent: recent.slice(start), trimmedUpTo };
}
