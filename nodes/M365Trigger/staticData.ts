// What the trigger keeps in the workflow's static data (node scope), typed. n8n 2.40.7 writes it to its database
// at activation, after each webhook call, and after a poll (Microsoft 365 Polling Trigger) only when the poll
// emits, and each time only if its observed object saw an assignment (`__dataChanged`, set by assignments to the
// objects it wrapped when it loaded the static data; an object created later, such as this state's bucket on a
// first activation, is plain and changes inside it go unseen): a poll's state is therefore committed by assigning
// the whole bucket (commitTriggerState). What idle polls change (a newer delta link) lives in memory until the
// next emitting poll, so after a restart a cursor from the last emitting poll comes back. Every reader copes with
// that (an old delta link Graph dropped starts a new round; the emitted ids recognise what was emitted already).
// It is shared by main, webhook and worker processes in queue mode, and holds no secret: subscriptions'
// clientStates are derived (clientState.ts).
import { createHash, randomUUID } from 'crypto';

import type { IDataObject } from 'n8n-workflow';

import type { SubscriptionTarget } from './targets';

export interface StoredSubscription {
	id: string;
	/** What the subscription watches, kept whole so a notification can be handled without re-reading Graph. */
	target: SubscriptionTarget;
	/**
	 * Names the key its clientState was derived from (clientState.ts; the secret itself is never stored). Absent in
	 * state written before clientStates were derived: such a subscription is replaced like one of a rotated key.
	 */
	keyId?: string;
	expirationDateTime: string;
	/** When the trigger last renewed it (ISO), so repeated lifecycle events do not each cost a Graph call. */
	renewedAt?: string;
	/** The notification URL it was created with; a different one (moved n8n, test vs production) means recreate. */
	notificationUrl: string;
}

/** Where a target's catch-up or polling stands. */
export interface TargetCursor {
	/** Graph deltaLink, for targets read through delta queries. */
	deltaLink?: string;
	/** ISO time: only items created at or after it are new. */
	since?: string;
	/** Mail: the newest receivedDateTime read, where a new delta round starts (minus an overlap) if Graph drops the old. */
	newest?: string;
	/** Last seen state per id (presence: "availability/activity"). */
	lastSeen?: Record<string, string>;
	/**
	 * Presence: when the trigger recorded each user's last seen state (ISO; at activation, then at each change it
	 * emitted). A presence item's trigger.dedupKey names it, so copies of one change share a key while the same
	 * state coming back later gets another.
	 */
	lastSeenAt?: Record<string, string>;
	/** Set when notifications may have been lost while no webhook call could emit (a subscription recreated at
	 * n8n start); the next webhook call catches up. */
	catchUpPending?: boolean;
}

export interface TriggerStaticData {
	subscriptions: Record<string, StoredSubscription>;
	cursors: Record<string, TargetCursor>;
	/** Ids already emitted per target, newest last, so catch-up and polling never emit an item twice. */
	emitted: Record<string, string[]>;
	/** Names this activation's state, for the process-wide emission ledger (emissionLedger.ts). */
	instanceId: string;
}

/** How many emitted ids to remember per target: well above what arrives between two catch-ups or polls. */
export const EMITTED_IDS_KEPT = 1000;

/**
 * The node's state. Test runs ("Listen for test event") keep theirs apart: their subscriptions point at the test
 * URL, and deleting them when the test ends must not touch the active workflow's subscriptions.
 */
export function triggerState(staticData: IDataObject, testRun: boolean): TriggerStaticData {
	const bucket = testRun ? 'test' : 'production';
	staticData[bucket] ??= {};
	const state = staticData[bucket] as unknown as Partial<TriggerStaticData>;
	state.subscriptions ??= {};
	state.cursors ??= {};
	state.emitted ??= {};
	state.instanceId ??= randomUUID();
	return state as TriggerStaticData;
}

/**
 * Commits a finished poll's state: the whole bucket is assigned on the node's static data, which n8n always
 * observes, so n8n sees the change and saves it with the poll's items. Assigning inside the bucket is not enough:
 * on a first activation the bucket is a plain object n8n does not watch (n8n wraps only what it loaded), and the
 * state of every emitting poll until the next n8n start would never be saved.
 */
export function commitTriggerState(staticData: IDataObject, testRun: boolean, next: TriggerStaticData): void {
	staticData[testRun ? 'test' : 'production'] = next as unknown as IDataObject;
}

/** Ids longer than this are kept as a hash: a mail id is about 150 characters, 1,000 of them 150 KB per mailbox. */
const LONGEST_KEPT_AS_IS = 24;

/** How an emitted id is kept: short ids (Teams message ids, presence) as they are, long ones as a 16-character hash. */
export function storedIdOf(id: string): string {
	return id.length <= LONGEST_KEPT_AS_IS ? id : `#${createHash('sha256').update(id).digest('base64url').slice(0, 16)}`;
}

export function wasEmitted(state: TriggerStaticData, targetKey: string, id: string): boolean {
	const kept = state.emitted[targetKey] ?? [];
	// State written before ids were hashed holds them whole.
	return kept.includes(storedIdOf(id)) || kept.includes(id);
}

export function rememberEmitted(state: TriggerStaticData, targetKey: string, ids: string[]): void {
	if (ids.length === 0) return;
	const kept = [...(state.emitted[targetKey] ?? []), ...ids.map(storedIdOf)];
	state.emitted[targetKey] = kept.slice(Math.max(0, kept.length - EMITTED_IDS_KEPT));
}

/** Drops everything kept for targets the node no longer watches. */
export function forgetTargetsExcept(state: TriggerStaticData, keep: Set<string>): void {
	for (const key of Object.keys(state.cursors)) if (!keep.has(key)) delete state.cursors[key];
	for (const key of Object.keys(state.emitted)) if (!keep.has(key)) delete state.emitted[key];
}
