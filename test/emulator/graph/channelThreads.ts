// Channel threads as Graph serves them (rule `channelThreads`, default on):
// - channel-list-messages.md: root messages "sorted by the last modified date of the entire reply chain" (newest
//   first), so an edit of an old thread or a new reply moves it to the front;
// - with `$expand=replies`, at most 200 replies per root inline (newest first), the rest behind
//   `replies@odata.nextLink` (a link to `.../messages/{id}/replies` with a $skiptoken);
// - chatmessage-delta.md: `GET .../messages/delta` returns reply chains created or changed since the last round,
//   `$filter` only `lastModifiedDateTime gt <time>`, `$top` up to 50, `$expand` only `replies` (up to 1000 inline,
//   then `replies@odata.nextLink`), then an `@odata.deltaLink` for the next round. State tokens are opaque.
// With the rule off: roots newest created first and every reply inline (the emulator's old simplification).
import type { ChannelRecord, GraphChatMessage, TeamRecord } from '../state/types';
import { encodeSkipToken } from '../odata/query';
import { GraphError, graphError } from './errors';
import type { GraphContext, GraphResult, GraphRouter } from './router';
import { newestFirst } from './teamsMessages';

export const CHANNEL_THREADS_RULE = 'channelThreads';
export const LIST_EXPANDED_REPLIES = 200;
export const DELTA_EXPANDED_REPLIES = 1000;
const DELTA_MAX_TOP = 50;

function repliesOf(channel: ChannelRecord, rootId: string): GraphChatMessage[] {
	return channel.messages.filter((m) => m.replyToId === rootId);
}

/** The last change anywhere in a reply chain (root or replies), in ms. */
export function chainModified(channel: ChannelRecord, root: GraphChatMessage): number {
	let newest = Date.parse(root.lastModifiedDateTime ?? root.createdDateTime ?? '') || 0;
	for (const reply of repliesOf(channel, root.id)) {
		newest = Math.max(newest, Date.parse(reply.lastModifiedDateTime ?? reply.createdDateTime ?? '') || 0);
	}
	return newest;
}

export function threadsEnabled(ctx: GraphContext): boolean {
	return ctx.emulator.rules.enabled(CHANNEL_THREADS_RULE);
}

/** Root messages in Graph's list order. */
export function orderedThreads(ctx: GraphContext, channel: ChannelRecord, roots: GraphChatMessage[]): GraphChatMessage[] {
	if (!threadsEnabled(ctx)) return newestFirst(roots);
	return [...roots].sort((a, b) => chainModified(channel, b) - chainModified(channel, a) || Number(b.id) - Number(a.id));
}

/** A root with its replies expanded the way Graph does: up to `cap` inline, then replies@odata.nextLink. */
export function withExpandedReplies(
	ctx: GraphContext,
	team: TeamRecord,
	channel: ChannelRecord,
	root: GraphChatMessage,
	cap: number,
): Record<string, unknown> {
	const replies = newestFirst(repliesOf(channel, root.id));
	const expanded: Record<string, unknown> = { ...structuredClone(root) };
	if (!threadsEnabled(ctx) || replies.length <= cap) {
		expanded.replies = replies.map((m) => structuredClone(m));
		return expanded;
	}
	expanded.replies = replies.slice(0, cap).map((m) => structuredClone(m));
	expanded['replies@odata.nextLink'] =
		`${ctx.baseUrl}/teams/${team.team.id}/channels/${encodeURIComponent(channel.channel.id)}/messages/${root.id}/replies?$top=50&$skiptoken=${encodeSkipToken({ offset: cap })}`;
	return expanded;
}

interface DeltaToken {
	/** Chains changed after this time (ms) belong to the round (null: every chain) ... */
	after: number | null;
	/** ... except these `${rootId}@${modified}` already given at exactly `after`. */
	seenAtAfter: string[];
	/** Upper bound of the round (ms) and the chains given at exactly it. */
	until?: number;
	offset?: number;
	top: number;
	expand: boolean;
}

function encodeToken(token: DeltaToken): string {
	return Buffer.from(JSON.stringify(token)).toString('base64url');
}

function decodeToken(raw: string): DeltaToken {
	try {
		const token = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as DeltaToken;
		if ((token.after !== null && typeof token.after !== 'number') || typeof token.top !== 'number') throw new Error('bad');
		return token;
	} catch {
		throw new GraphError(400, 'BadRequest', 'The delta token or skip token is not valid.');
	}
}

/** `lastModifiedDateTime gt <time>`: the only filter chatmessage-delta.md allows. */
function parseDeltaFilter(raw: string | null): number | null {
	if (raw === null || raw.trim() === '') return null;
	const match = /^\s*lastModifiedDateTime\s+gt\s+'?([0-9T:.\-+Z]+)'?\s*$/i.exec(raw);
	const time = match ? Date.parse(match[1]) : NaN;
	if (Number.isNaN(time)) {
		graphError(400, 'BadRequest', `Invalid filter clause: only 'lastModifiedDateTime gt <dateTime>' is supported for delta of channel messages.`);
	}
	return time;
}

/** GET /teams/{t}/channels/{c}/messages/delta: one page of a round, then a deltaLink. */
export function channelMessagesDelta(ctx: GraphContext, team: TeamRecord, channel: ChannelRecord): GraphResult {
	const skip = ctx.query.get('$skiptoken') ?? ctx.query.get('$skipToken');
	const delta = ctx.query.get('$deltatoken') ?? ctx.query.get('$deltaToken');
	let token: DeltaToken;
	if (skip) token = decodeToken(skip);
	else if (delta) token = { ...decodeToken(delta), offset: 0, until: undefined };
	else {
		const expandRaw = ctx.query.get('$expand');
		if (expandRaw && !/^\s*replies\s*$/i.test(expandRaw)) graphError(400, 'BadRequest', `Only 'replies' can be expanded in delta of channel messages.`);
		const topRaw = ctx.query.get('$top');
		const top = topRaw === null ? 20 : Number(topRaw);
		if (!Number.isInteger(top) || top < 1 || top > DELTA_MAX_TOP) graphError(400, 'BadRequest', `Invalid value '${topRaw}' for $top: it must be between 1 and ${DELTA_MAX_TOP}.`);
		token = { after: parseDeltaFilter(ctx.query.get('$filter')), seenAtAfter: [], top, expand: Boolean(expandRaw), offset: 0 };
	}
	const until = token.until ?? ctx.clock.nowMs();
	const changed = channel.messages
		.filter((m) => !m.replyToId)
		.map((root) => ({ root, modified: chainModified(channel, root) }))
		.filter(({ root, modified }) =>
			modified <= until &&
			(token.after === null || modified > token.after || (modified === token.after && !token.seenAtAfter.includes(`${root.id}@${modified}`))),
		)
		// Oldest change first, as the delta example lists them.
		.sort((a, b) => a.modified - b.modified || Number(a.root.id) - Number(b.root.id));
	const offset = token.offset ?? 0;
	const page = changed.slice(offset, offset + token.top);
	const value = page.map(({ root }) =>
		token.expand ? withExpandedReplies(ctx, team, channel, root, DELTA_EXPANDED_REPLIES) : structuredClone(root),
	);
	const base = `${ctx.baseUrl}/teams/${team.team.id}/channels/${encodeURIComponent(channel.channel.id)}/messages/delta`;
	const body: Record<string, unknown> = {
		'@odata.context': `${ctx.baseUrl}/$metadata#Collection(chatMessage)`,
	};
	if (offset + token.top < changed.length) {
		body['@odata.nextLink'] = `${base}?$skiptoken=${encodeToken({ ...token, until, offset: offset + token.top })}`;
	} else {
		const atUntil = changed.filter((c) => c.modified === until).map((c) => `${c.root.id}@${c.modified}`);
		const seen = until === token.after ? [...token.seenAtAfter, ...atUntil] : atUntil;
		body['@odata.deltaLink'] = `${base}?$deltatoken=${encodeToken({ after: until, seenAtAfter: seen, top: token.top, expand: token.expand })}`;
	}
	body.value = value;
	return { body };
}

export function registerChannelThreads(graph: GraphRouter): void {
	graph.defineRule({
		name: CHANNEL_THREADS_RULE,
		defaultValue: true,
		description: 'Channel threads ordered by the last change of the reply chain; at most 200 (delta: 1000) expanded replies, then replies@odata.nextLink',
	});
}
