// Turns changed resources into the trigger's output items: each resource fetched in full from Graph (a notification
// is never trusted for content), filtered to the chosen event, never emitted twice. Webhook and polling mode both
// end here, which is what makes their output identical.
import type { ChatMessage, Message, Presence } from '@microsoft/microsoft-graph-types';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { echoFlags, integrationAccountIdFor } from '../shared/teamsEcho';
import { contentFingerprintOf } from '../shared/teamsText';
import { dedupKeyOf } from '../shared/triggerDedupKey';
import { graphFor, type BatchRequestItem, type GraphFunctions } from '../shared/transport';
import { fetchUrlFor, type ChangedResource } from './resourcePaths';
import { isSystemEventMessage, teamsSenderType, type TeamsSenderType } from '../shared/teamsMessageKinds';
import { emissionLedger } from './emissionLedger';
import { rememberEmitted, wasEmitted, type TriggerStaticData } from './staticData';
import type { SubscriptionTarget, TriggerEvent } from './targets';

export interface EventFilter {
	event: TriggerEvent;
	includeReplies: boolean;
	/** Channel and chat messages: also emit edits and deletes (`trigger.change`). */
	includeChanges?: boolean;
	/**
	 * Channel and chat messages: leave out what this package posted (postedByThisPackage) and edits and deletes of
	 * the integration account's messages (only this package acts as it), so a two-way bridge never hears itself.
	 */
	dropOwnPosts?: boolean;
	/** Teams system event messages (member added, chat renamed, ...) start the workflow too; off by default. */
	includeSystemEvents?: boolean;
}

/** What happened to a message, as a two-way bridge needs it. */
export type MessageChange = 'created' | 'edited' | 'deleted';

/** What every output item says about where it came from, under `trigger`. */
export interface TriggerInfo extends IDataObject {
	event: TriggerEvent;
	changeType: string;
	teamId?: string;
	channelId?: string;
	chatId?: string;
	mailbox?: string;
	userId?: string;
	/** Only with Include Edits and Deletes: created, edited or deleted. */
	change?: MessageChange;
	/** Teams messages: who sent it, 'user', 'application' (an app or bot: not a person) or 'system' (an event). */
	senderType?: TeamsSenderType;
	/**
	 * The same for every copy of one change, whichever n8n process, activation or mode (webhook or polling)
	 * emitted it, and different for every other change (an edit has one per version): the value to deduplicate
	 * on with n8n's Remove Duplicates or Redis nodes when several processes receive the webhooks
	 * (nodes/shared/triggerDedupKey.ts). Presence items name the state instead (a state, not a change with an id:
	 * the same state can legitimately come back), below.
	 */
	dedupKey?: string;
}

type FetchedResource = ChatMessage | Message | Presence;

/** The id that makes an item unique within its target (presence is tracked by state, not by id). */
export function emittedIdOf(changed: ChangedResource): string | undefined {
	switch (changed.kind) {
		case 'channelMessage':
			return changed.replyId ? `${changed.messageId}/${changed.replyId}` : changed.messageId;
		case 'chatMessage':
			return `${changed.chatId}/${changed.messageId}`;
		case 'mail':
			return changed.messageId;
		case 'presence':
			return undefined;
	}
}

function presenceState(presence: Presence): string {
	return `${presence.availability ?? ''}/${presence.activity ?? ''}`;
}

function wanted(filter: EventFilter, changed: ChangedResource, resource: FetchedResource): boolean {
	if (changed.kind !== 'channelMessage' && changed.kind !== 'chatMessage') return true;
	if (!filter.includeSystemEvents && isSystemEventMessage(resource as ChatMessage)) return false;
	if (changed.kind !== 'channelMessage') return true;
	const message = resource as ChatMessage;
	const isReply = Boolean(changed.replyId ?? message.replyToId);
	if (filter.event === 'newChannelReply') return isReply;
	return filter.includeReplies || !isReply;
}

function isMessage(changed: ChangedResource): boolean {
	return changed.kind === 'channelMessage' || changed.kind === 'chatMessage';
}

/**
 * An `updated` or `deleted` notification of a message, classified from the message as Graph returns it now:
 * deleted (soft: deletedDateTime set; hard: gone) or edited (lastEditedDateTime set), each with the version that
 * makes it unique, so one edit is emitted once however often Graph announces it. Anything else (a reaction, a
 * policy tip) is not an edit: undefined.
 */
export function classifyMessageChange(
	changeType: string,
	message: ChatMessage | undefined,
): { change: 'edited' | 'deleted'; version: string } | undefined {
	if (message === undefined) return changeType === 'deleted' ? { change: 'deleted', version: 'deleted' } : undefined;
	if (message.deletedDateTime) return { change: 'deleted', version: 'deleted' };
	if (message.lastEditedDateTime) return { change: 'edited', version: `edited:${message.lastEditedDateTime}` };
	return undefined;
}

/** The item for a message Graph no longer has (hard delete): its ids, nothing else is known. */
function goneMessage(changed: ChangedResource): IDataObject {
	if (changed.kind === 'channelMessage') {
		return changed.replyId
			? { id: changed.replyId, replyToId: changed.messageId, deletedDateTime: null, channelIdentity: { teamId: changed.teamId, channelId: changed.channelId } }
			: { id: changed.messageId, replyToId: null, deletedDateTime: null, channelIdentity: { teamId: changed.teamId, channelId: changed.channelId } };
	}
	return { id: (changed as { messageId: string }).messageId, chatId: (changed as { chatId: string }).chatId, deletedDateTime: null };
}

function triggerInfo(filter: EventFilter, changeType: string, target: SubscriptionTarget, changed: ChangedResource): TriggerInfo {
	const info: TriggerInfo = { event: filter.event, changeType };
	switch (changed.kind) {
		case 'channelMessage':
			info.teamId = changed.teamId;
			info.channelId = changed.channelId;
			break;
		case 'chatMessage':
			info.chatId = changed.chatId;
			break;
		case 'mail':
			info.mailbox = target.userId;
			break;
		case 'presence':
			info.userId = changed.userId;
			break;
	}
	return info;
}

/**
 * Fetches the changed resources (one $batch per 20), drops what is not the chosen event or was emitted before,
 * and returns the output items. Resources deleted before they could be read (404) are skipped. `onFailure` is
 * called once for each resource that could not be read (nothing emitted for it, its claim given back): nobody
 * else will bring it back (Graph delivered its notification, a poll's cursor moves on), so the caller must read
 * it again later (webhook.ts: a catch-up; poll.ts: the cursor stays).
 */
export async function emitChanges(
	ctx: GraphFunctions,
	credentialType: string,
	filter: EventFilter,
	target: SubscriptionTarget,
	changes: Array<{ changed: ChangedResource; changeType: string }>,
	state: TriggerStaticData,
	onFailure: (message: string) => void,
): Promise<INodeExecutionData[]> {
	const ledger = emissionLedger(state.instanceId);
	const fresh: Array<{ changed: ChangedResource; changeType: string; requestId: string }> = [];
	const seen = new Set<string>();
	for (const { changed, changeType } of changes) {
		const id = emittedIdOf(changed);
		if (changeType !== 'created' && isMessage(changed)) {
			// An edit or delete: unique by the version read below, not by the message id (that was emitted when created).
			if (!filter.includeChanges || seen.has(`change:${id}`)) continue;
			seen.add(`change:${id}`);
			fresh.push({ changed, changeType, requestId: String(fresh.length + 1) });
			continue;
		}
		const dedupeKey = id ?? `presence:${(changed as { userId: string }).userId}`;
		if (seen.has(dedupeKey)) continue;
		// Claimed here, before any await: an overlapping call of this process then drops the same id.
		if (id !== undefined && (wasEmitted(state, target.key, id) || !ledger.claim(target.key, id))) continue;
		seen.add(dedupeKey);
		fresh.push({ changed, changeType, requestId: String(fresh.length + 1) });
	}
	const topUp = () => {
		// What overlapping calls emitted, so that this copy of the static data holds it whichever is saved last.
		rememberEmitted(state, target.key, ledger.emitted(target.key).filter((id) => !wasEmitted(state, target.key, id)));
		const lastSeen = ledger.lastPresence(target.key);
		if (Object.keys(lastSeen).length > 0) {
			const cursor = (state.cursors[target.key] ??= {});
			cursor.lastSeen = { ...cursor.lastSeen, ...lastSeen };
			cursor.lastSeenAt = { ...cursor.lastSeenAt, ...ledger.lastPresenceAt(target.key) };
		}
	};
	if (fresh.length === 0) {
		topUp();
		return [];
	}

	const requests: BatchRequestItem[] = fresh.map((f) => ({ id: f.requestId, method: 'GET', url: fetchUrlFor(f.changed) }));
	const release = (changed: ChangedResource) => {
		const id = emittedIdOf(changed);
		if (id !== undefined) ledger.release(target.key, id);
	};
	let responses: Awaited<ReturnType<typeof fetchOne>>[] | undefined;
	try {
		responses =
			requests.length === 1
				? [await fetchOne(ctx, credentialType, requests[0])]
				: await graphFor(ctx).batch<FetchedResource>(credentialType, requests);
	} finally {
		// Nothing read, nothing emitted: the claims go back so a retry or a catch-up can emit these.
		if (responses === undefined) for (const f of fresh) release(f.changed);
	}
	const byId = new Map(responses.map((r) => [r.id, r]));
	// Echo flags on messages (postedByThisPackage, postedByIntegrationAccount): the integration account's id, when
	// this trigger reads as the integration account; a failed lookup leaves postedByIntegrationAccount null.
	const integrationAccountId = fresh.some((f) => isMessage(f.changed))
		? await integrationAccountIdFor(ctx, credentialType).catch(() => undefined)
		: undefined;

	const items: INodeExecutionData[] = [];
	const emittedIds: string[] = [];
	const cursor = (state.cursors[target.key] ??= {});
	for (const f of fresh) {
		const response = byId.get(f.requestId);
		if (f.changeType !== 'created' && isMessage(f.changed)) {
			const item = changedMessageItem(filter, f, response, target, state, ledger, onFailure);
			if (item) {
				const message = response?.body as ChatMessage | undefined;
				const flags = message ? echoFlags(message, integrationAccountId) : undefined;
				if (flags) Object.assign(item.item.json, flags);
				item.item.json.contentFingerprint = message ? contentFingerprintOf(message) : null;
				// Recorded as emitted either way, so a catch-up does not bring it back.
				emittedIds.push(item.version);
				if (filter.dropOwnPosts && flags?.postedByIntegrationAccount === true) continue;
				items.push(item.item);
			}
			continue;
		}
		if (response?.status === 404) {
			// Gone before it could be read: nothing to emit, and nothing held against a later copy.
			release(f.changed);
			continue;
		}
		if (!response || response.status < 200 || response.status >= 300) {
			// Not emitted: the caller reads it back (onFailure), and that read must be able to emit it.
			release(f.changed);
			onFailure(
				`Could not read ${fetchUrlFor(f.changed)}: ${response?.status ?? 'no answer'} ${response?.error?.code ?? ''} ${response?.error?.message ?? ''}`.trim(),
			);
			continue;
		}
		const resource = response.body as FetchedResource;
		let presenceKey: string | undefined;
		if (f.changed.kind === 'presence') {
			const { userId } = f.changed;
			const lastSeen = (cursor.lastSeen ??= {});
			const lastSeenAt = (cursor.lastSeenAt ??= {});
			// The state this change leaves, named by when it was recorded (state written before that was kept: the
			// activation's instance id). Every process reading the same static data names it the same way.
			const previousAt = lastSeenAt[userId] ?? state.instanceId;
			const current = presenceState(resource as Presence);
			const at = new Date().toISOString();
			const changedNow = ledger.presenceChanged(target.key, userId, current, lastSeen[userId], at);
			lastSeen[userId] = current;
			if (!changedNow) continue;
			lastSeenAt[userId] = at;
			// Not the target's key: a presence target names up to 650 users.
			presenceKey = dedupKeyOf('presence', `${current}@${previousAt}`, userId);
		}
		if (!wanted(filter, f.changed, resource)) continue;
		const id = emittedIdOf(f.changed);
		if (id !== undefined) emittedIds.push(id);
		const trigger = triggerInfo(filter, f.changeType, target, f.changed);
		if (filter.includeChanges && isMessage(f.changed)) trigger.change = 'created';
		if (f.changed.kind === 'channelMessage' || f.changed.kind === 'chatMessage') trigger.senderType = teamsSenderType(resource as ChatMessage);
		if (id !== undefined) trigger.dedupKey = dedupKeyOf(target.key, 'created', id);
		if (presenceKey !== undefined) trigger.dedupKey = presenceKey;
		const flags = isMessage(f.changed) ? echoFlags(resource as ChatMessage, integrationAccountId) : {};
		if (filter.dropOwnPosts && (flags as { postedByThisPackage?: boolean }).postedByThisPackage === true) continue;
		// Messages: the fingerprint of their text (nodes/shared/teamsText.ts), which a two-way bridge matches against
		// the pending row the Mirror operation prepared before posting as the sender.
		const fingerprint = isMessage(f.changed) ? { contentFingerprint: contentFingerprintOf(resource as ChatMessage) } : {};
		items.push({ json: { ...(resource as IDataObject), ...flags, ...fingerprint, trigger } });
	}
	ledger.markEmitted(target.key, emittedIds);
	rememberEmitted(state, target.key, emittedIds);
	topUp();
	return items;
}

type Fetched = Awaited<ReturnType<typeof fetchOne>>;

/** The item for an `updated` / `deleted` message notification, or undefined (not an edit, emitted before, unreadable). */
function changedMessageItem(
	filter: EventFilter,
	f: { changed: ChangedResource; changeType: string },
	response: Fetched | undefined,
	target: SubscriptionTarget,
	state: TriggerStaticData,
	ledger: ReturnType<typeof emissionLedger>,
	onFailure: (message: string) => void,
): { item: INodeExecutionData; version: string } | undefined {
	const gone = response?.status === 404;
	if (!response || (!gone && (response.status < 200 || response.status >= 300))) {
		onFailure(
			`Could not read ${fetchUrlFor(f.changed)}: ${response?.status ?? 'no answer'} ${response?.error?.code ?? ''} ${response?.error?.message ?? ''}`.trim(),
		);
		return undefined;
	}
	const message = gone ? undefined : (response.body as ChatMessage);
	const classified = classifyMessageChange(f.changeType, message);
	if (!classified) return undefined;
	const resource = message ?? (goneMessage(f.changed) as ChatMessage);
	if (!wanted(filter, f.changed, resource)) return undefined;
	const id = emittedIdOf(f.changed) as string;
	const version = `${id}@${classified.version}`;
	if (wasEmitted(state, target.key, version) || !ledger.claim(target.key, version)) return undefined;
	const trigger = triggerInfo(filter, f.changeType, target, f.changed);
	trigger.change = classified.change;
	trigger.dedupKey = dedupKeyOf(target.key, classified.version, id);
	return { item: { json: { ...(resource as IDataObject), trigger } }, version };
}

async function fetchOne(
	ctx: GraphFunctions,
	credentialType: string,
	request: BatchRequestItem,
): Promise<{ id: string; status: number; body: unknown; error?: { code: string; message: string } }> {
	try {
		const body = await graphFor(ctx).request<FetchedResource>({ credentialType, method: 'GET', url: request.url });
		return { id: request.id, status: 200, body };
	} catch (error) {
		const context = (error as { context?: { status?: unknown; graphCode?: unknown } }).context;
		const status = Number(context?.status ?? (error as { httpCode?: string }).httpCode ?? 500);
		return {
			id: request.id,
			status,
			body: undefined,
			error: { code: String(context?.graphCode ?? 'Error'), message: (error as Error).message },
		};
	}
}
