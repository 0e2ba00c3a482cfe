// Finding changes without notifications: polling mode reads every target this way on each poll, and webhook mode
// does the same to catch up after Graph says notifications were missed or a subscription was removed.
// Mail and channel messages use Graph delta queries (channels with the date range Microsoft's Teams polling
// requirements ask for); chat messages are read with their documented date range (lastModifiedDateTime), and "all
// chats of an account" reads only the chats whose last message preview is in range; presence is read for all
// watched users at once and compared with what was last seen.
import type { Chat, ChatMessage, Message, Presence } from '@microsoft/microsoft-graph-types';

import { graphFailureOf, graphFor, type GraphFunctions, type GraphRequest } from '../shared/transport';
import type { ChangedResource } from './resourcePaths';
import type { TargetCursor } from './staticData';
import type { SubscriptionTarget, TargetKind } from './targets';

export interface ReadResult {
	changes: Array<{ changed: ChangedResource; changeType: string }>;
	cursor: TargetCursor;
}

/** Targets Graph offers no way to read without notifications (tenant-wide getAllMessages resources). */
export const KINDS_WITHOUT_READER: readonly TargetKind[] = ['allChannelMessages', 'allChatMessages'];

/** Chat pages are read newest first; this overlap re-reads a little so a message stored late is not skipped. */
const CHAT_OVERLAP_MS = 5 * 60_000;
/**
 * A cursor starts this much before Graph's "now" (graphClock): an item that arrived just before activation may count
 * as new (emitted once) rather than be skipped.
 */
const START_MARGIN_MS = 5 * 60_000;

/**
 * When Graph has dropped a mail delta sync state (410: expiry, or Exchange keeping only the newest generations, which
 * is what an older cursor restored after an n8n restart meets), a new round starts this long before the newest mail
 * read; the emitted ids in static data recognise the ones emitted already.
 */
const MAIL_RESYNC_OVERLAP_MS = 15 * 60_000;

type Removed = { '@removed'?: { reason?: string } };

function syncStateGone(error: unknown): boolean {
	const failure = graphFailureOf(error);
	return failure?.status === 410 || failure?.code === 'SyncStateNotFound' || failure?.code === 'resyncRequired';
}

function createdAtOrAfter(value: string | null | undefined, since: string | undefined): boolean {
	if (!since) return true;
	if (!value) return false;
	return Date.parse(value) >= Date.parse(since);
}

/**
 * Include Edits and Deletes: a message edited or deleted at or after `since` (its deletedDateTime or
 * lastEditedDateTime). Reactions change lastModifiedDateTime only, so they are not edits. emitChanges reads the
 * message again and emits each edit and delete once, by its version.
 */
function changedAtOrAfter(message: ChatMessage, since: string | undefined): boolean {
	const at = message.deletedDateTime ?? message.lastEditedDateTime;
	return Boolean(at) && (since === undefined || Date.parse(at as string) >= Date.parse(since));
}

function watchesChanges(target: SubscriptionTarget): boolean {
	return target.changeType.split(',').includes('updated');
}

function latest(a: string | undefined, b: string | null | undefined): string | undefined {
	if (!b) return a;
	if (!a) return b;
	return Date.parse(b) > Date.parse(a) ? b : a;
}

async function runDelta<T>(
	ctx: GraphFunctions,
	request: GraphRequest,
): Promise<{ items: Array<T & Removed>; deltaLink?: string }> {
	const items: Array<T & Removed> = [];
	let deltaLink: string | undefined;
	for await (const page of graphFor(ctx).pages<T & Removed>(request)) {
		items.push(...page.value);
		if (page.deltaLink) deltaLink = page.deltaLink;
	}
	return { items, deltaLink };
}

function mailDeltaRequest(credentialType: string, target: SubscriptionTarget, cursor: TargetCursor, from?: string): GraphRequest {
	if (cursor.deltaLink) return { credentialType, method: 'GET', url: cursor.deltaLink };
	// Graph has message delta per folder only; "all folders" is read through the inbox.
	const folder = target.folder && target.folder !== 'all' ? target.folder : 'inbox';
	return {
		credentialType,
		method: 'GET',
		url: `/users/${target.userId}/mailFolders/${folder}/messages/delta`,
		qs: {
			changeType: 'created',
			$select: 'id,receivedDateTime',
			...(from ? { $filter: `receivedDateTime ge ${from.replace(/\.\d{3}Z$/, 'Z')}` } : {}),
		},
		headers: { Prefer: 'odata.maxpagesize=50' },
	};
}

/** A mail delta round from the cursor; a new one (from before the newest mail read) when Graph dropped the old. */
async function readMailDelta(
	ctx: GraphFunctions,
	credentialType: string,
	target: SubscriptionTarget,
	cursor: TargetCursor,
): Promise<{ items: Array<Message & Removed>; deltaLink?: string }> {
	const outcome = await runDelta<Message>(ctx, mailDeltaRequest(credentialType, target, cursor)).then(
		(value) => ({ ok: true as const, value }),
		(error: unknown) => ({ ok: false as const, error }),
	);
	if (outcome.ok) return outcome.value;
	// The transport's own error (a NodeApiError) unless Graph only dropped the sync state.
	if (!cursor.deltaLink || !syncStateGone(outcome.error)) throw outcome.error;
	const newest = cursor.newest ? new Date(Date.parse(cursor.newest) - MAIL_RESYNC_OVERLAP_MS).toISOString() : undefined;
	const from = cursor.since && (!newest || Date.parse(newest) < Date.parse(cursor.since)) ? cursor.since : newest;
	ctx.logger.info(`Microsoft 365 Trigger: Graph dropped the delta state of ${target.resource}; reading again from ${from ?? 'the start'}`);
	return await runDelta<Message>(ctx, mailDeltaRequest(credentialType, target, {}, from));
}

/** The next `since`: just before the newest item seen (never earlier than now), so overlap re-reads little. */
function nextSince(since: string | undefined, newest: string | undefined, now: Date): string {
	const overlapped = newest ? new Date(Date.parse(newest) - CHAT_OVERLAP_MS).toISOString() : now.toISOString();
	return since && Date.parse(overlapped) < Date.parse(since) ? since : overlapped;
}

/** The channel-messages delta request: the saved deltaLink, or a first round with the date range Microsoft asks for. */
function channelDeltaRequest(credentialType: string, target: SubscriptionTarget, cursor: TargetCursor): GraphRequest {
	if (cursor.deltaLink) return { credentialType, method: 'GET', url: cursor.deltaLink };
	const qs: Record<string, string | number> = { $expand: 'replies', $top: 50 };
	if (cursor.since) qs.$filter = `lastModifiedDateTime gt ${cursor.since}`;
	return {
		credentialType,
		method: 'GET',
		url: `/teams/${target.teamId}/channels/${target.channelId}/messages/delta`,
		qs,
	};
}

type ThreadWithReplies = ChatMessage & { replies?: ChatMessage[]; 'replies@odata.nextLink'?: string };

/** All replies of a thread: the expanded ones, then the rest behind replies@odata.nextLink (Graph expands 200 or 1000). */
async function repliesOf(ctx: GraphFunctions, credentialType: string, root: ThreadWithReplies): Promise<ChatMessage[]> {
	const replies = [...(root.replies ?? [])];
	const more = root['replies@odata.nextLink'];
	if (more) replies.push(...(await graphFor(ctx).all<ChatMessage>({ credentialType, method: 'GET', url: more })));
	return replies;
}

/**
 * Channel messages and replies created since `since`, oldest first, from the channel-messages delta query: it
 * returns every reply chain created or changed since the last round (an edit or a reaction anywhere in a thread
 * brings the whole chain), so nothing is missed when threads reorder; what was already emitted is dropped later
 * by the emitted-ids window.
 */
async function readChannelMessages(
	ctx: GraphFunctions,
	credentialType: string,
	target: SubscriptionTarget,
	cursor: TargetCursor,
): Promise<{ messages: ChatMessage[]; edited: ChatMessage[]; deltaLink?: string }> {
	const found: ChatMessage[] = [];
	const edited: ChatMessage[] = [];
	const changes = watchesChanges(target);
	let deltaLink: string | undefined;
	for await (const page of graphFor(ctx).pages<ThreadWithReplies>(channelDeltaRequest(credentialType, target, cursor))) {
		if (page.deltaLink) deltaLink = page.deltaLink;
		for (const root of page.value) {
			if (root.id && createdAtOrAfter(root.createdDateTime, cursor.since)) found.push(withoutReplies(root));
			if (root.id && changes && changedAtOrAfter(root, cursor.since)) edited.push(withoutReplies(root));
			for (const reply of await repliesOf(ctx, credentialType, root)) {
				if (!reply.id) continue;
				if (changes && changedAtOrAfter(reply, cursor.since)) edited.push({ ...reply, replyToId: reply.replyToId ?? root.id });
				if (!createdAtOrAfter(reply.createdDateTime, cursor.since)) continue;
				found.push({ ...reply, replyToId: reply.replyToId ?? root.id });
			}
		}
	}
	found.sort((a, b) => Date.parse(a.createdDateTime ?? '') - Date.parse(b.createdDateTime ?? ''));
	return { messages: found, edited, deltaLink };
}

function withoutReplies(root: ThreadWithReplies): ChatMessage {
	const message: ThreadWithReplies = { ...root };
	delete message.replies;
	delete message['replies@odata.nextLink'];
	return message;
}

/**
 * A chat's messages changed since `since`, newest first: Graph's documented date range for chats is
 * `$filter=lastModifiedDateTime gt` with `$orderby=lastModifiedDateTime desc`, so every page is inside the range.
 */
async function readChatMessages(
	ctx: GraphFunctions,
	credentialType: string,
	chatId: string,
	since: string | undefined,
	withChanges = false,
): Promise<{ messages: ChatMessage[]; edited: ChatMessage[] }> {
	const qs: Record<string, string | number> = { $top: 50, $orderby: 'lastModifiedDateTime desc' };
	if (since) qs.$filter = `lastModifiedDateTime gt ${since}`;
	const found: ChatMessage[] = [];
	const edited: ChatMessage[] = [];
	for await (const page of graphFor(ctx).pages<ChatMessage>({ credentialType, method: 'GET', url: `/chats/${chatId}/messages`, qs })) {
		found.push(...page.value.filter((m) => createdAtOrAfter(m.createdDateTime, since)));
		if (withChanges) edited.push(...page.value.filter((m) => m.id && changedAtOrAfter(m, since)));
	}
	const newestFirst = (a: ChatMessage, b: ChatMessage) => Date.parse(b.createdDateTime ?? '') - Date.parse(a.createdDateTime ?? '');
	return { messages: found.sort(newestFirst), edited: edited.sort(newestFirst) };
}

async function presenceOf(ctx: GraphFunctions, credentialType: string, userIds: string[]): Promise<Presence[]> {
	const response = await graphFor(ctx).request<{ value?: Presence[] }>({
		credentialType,
		method: 'POST',
		url: '/communications/getPresencesByUserId',
		body: { ids: userIds },
		// A read expressed as POST: sending it twice changes nothing.
		idempotent: true,
	});
	return response?.value ?? [];
}

/**
 * Graph's clock when a Teams target starts: the Date header of a read of the chat, channel or account itself (not
 * of its messages, so no poll under Microsoft's Teams polling requirements). A cursor's `since` is compared with the
 * createdDateTime / lastModifiedDateTime Graph stamps, so it is placed by Graph's time, not n8n's, which can be
 * minutes off. n8n's clock when that read fails (for example without the permission to read the channel itself).
 */
async function graphClock(ctx: GraphFunctions, credentialType: string, target: SubscriptionTarget, fallback: Date): Promise<Date> {
	const url =
		target.kind === 'chatMessages'
			? `/chats/${target.chatId}`
			: target.kind === 'channelMessages'
				? `/teams/${target.teamId}/channels/${target.channelId}`
				: target.kind === 'userChatMessages'
					? `/users/${target.userId}`
					: undefined;
	if (!url) return fallback;
	try {
		const response = await graphFor(ctx).requestWithResponse<unknown>({ credentialType, method: 'GET', url, qs: { $select: 'id' } });
		const graphMs = Date.parse(response.headers.date ?? '');
		return Number.isNaN(graphMs) ? fallback : new Date(graphMs);
	} catch {
		return fallback;
	}
}

/** Where a target starts: now, without emitting what already exists. */
export async function startCursor(
	ctx: GraphFunctions,
	credentialType: string,
	target: SubscriptionTarget,
	now: Date,
): Promise<TargetCursor> {
	const since = new Date(now.getTime() - START_MARGIN_MS).toISOString();
	switch (target.kind) {
		case 'mail': {
			const { deltaLink } = await runDelta<Message>(ctx, mailDeltaRequest(credentialType, target, {}));
			return { deltaLink, since };
		}
		case 'presence': {
			const lastSeen: Record<string, string> = {};
			const lastSeenAt: Record<string, string> = {};
			for (const p of await presenceOf(ctx, credentialType, target.userIds ?? [])) {
				if (!p.id) continue;
				lastSeen[p.id] = `${p.availability ?? ''}/${p.activity ?? ''}`;
				lastSeenAt[p.id] = now.toISOString();
			}
			return { since, lastSeen, lastSeenAt };
		}
		default: {
			const graphNow = await graphClock(ctx, credentialType, target, now);
			return { since: new Date(graphNow.getTime() - START_MARGIN_MS).toISOString() };
		}
	}
}

/** The changes since the cursor, and the cursor to keep after they are emitted. */
export async function readChanges(
	ctx: GraphFunctions,
	credentialType: string,
	target: SubscriptionTarget,
	cursor: TargetCursor,
	now: Date,
): Promise<ReadResult> {
	switch (target.kind) {
		case 'mail': {
			const { items, deltaLink } = await readMailDelta(ctx, credentialType, target, cursor);
			const fresh = items.filter((m) => !m['@removed'] && m.id && createdAtOrAfter(m.receivedDateTime, cursor.since));
			const changes = fresh.map((m) => ({
				changed: { kind: 'mail' as const, userId: target.userId as string, messageId: m.id as string },
				changeType: 'created',
			}));
			const newest = fresh.reduce<string | undefined>((max, m) => latest(max, m.receivedDateTime), cursor.newest);
			return { changes, cursor: { ...cursor, deltaLink: deltaLink ?? cursor.deltaLink, ...(newest ? { newest } : {}) } };
		}
		case 'channelMessages': {
			const changes: ReadResult['changes'] = [];
			let newest = cursor.since;
			const { messages: found, edited, deltaLink } = await readChannelMessages(ctx, credentialType, target, cursor);
			const changedOf = (message: ChatMessage): ChangedResource =>
				message.replyToId
					? { kind: 'channelMessage', teamId: target.teamId!, channelId: target.channelId!, messageId: message.replyToId, replyId: message.id! }
					: { kind: 'channelMessage', teamId: target.teamId!, channelId: target.channelId!, messageId: message.id! };
			for (const message of found) {
				newest = latest(newest, message.createdDateTime);
				changes.push({ changed: changedOf(message), changeType: 'created' });
			}
			for (const message of edited) changes.push({ changed: changedOf(message), changeType: 'updated' });
			return { changes, cursor: { ...cursor, since: nextSince(cursor.since, newest, now), deltaLink: deltaLink ?? cursor.deltaLink } };
		}
		case 'chatMessages':
		case 'userChatMessages': {
			const chatIds =
				target.kind === 'chatMessages' ? [target.chatId as string] : await recentChatIds(ctx, credentialType, target, cursor.since);
			const changes: ReadResult['changes'] = [];
			let newest = cursor.since;
			for (const chatId of chatIds) {
				const { messages, edited } = await readChatMessages(ctx, credentialType, chatId, cursor.since, watchesChanges(target));
				// Newest first here; reversed below. An edit or delete comes after the message it changes.
				for (const message of edited) changes.push({ changed: { kind: 'chatMessage', chatId, messageId: message.id as string }, changeType: 'updated' });
				for (const message of messages) {
					if (!message.id) continue;
					newest = latest(newest, message.createdDateTime);
					changes.push({ changed: { kind: 'chatMessage', chatId, messageId: message.id }, changeType: 'created' });
				}
			}
			// Oldest first, the order they were written in.
			changes.reverse();
			return { changes, cursor: { ...cursor, since: nextSince(cursor.since, newest, now) } };
		}
		case 'presence': {
			const changes: ReadResult['changes'] = [];
			for (const p of await presenceOf(ctx, credentialType, target.userIds ?? [])) {
				if (!p.id) continue;
				if (cursor.lastSeen?.[p.id] === `${p.availability ?? ''}/${p.activity ?? ''}`) continue;
				changes.push({ changed: { kind: 'presence', userId: p.id }, changeType: 'updated' });
			}
			return { changes, cursor };
		}
		default:
			return { changes: [], cursor };
	}
}

/** The chats of an account with a message since `since` (all its chats when Graph gives no preview). */
async function recentChatIds(
	ctx: GraphFunctions,
	credentialType: string,
	target: SubscriptionTarget,
	since: string | undefined,
): Promise<string[]> {
	const chats = await graphFor(ctx).all<Chat>({
		credentialType,
		method: 'GET',
		url: `/users/${target.userId}/chats`,
		qs: { $expand: 'lastMessagePreview', $top: 50 },
	});
	return chats
		.filter((chat) => {
			const previewAt = chat.lastMessagePreview?.createdDateTime;
			return !previewAt || createdAtOrAfter(previewAt, since);
		})
		.map((chat) => chat.id)
		.filter((id): id is string => typeof id === 'string');
}
