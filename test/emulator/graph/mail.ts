// Outlook mail in Graph, as Microsoft documents it:
//   GET /users/{id | upn}/mailFolders, /mailFolders/{id | well-known name}, /childFolders        user-list-mailfolders.md, mailfolder-get.md, mailfolder-list-childfolders.md
//   GET /users/{id}/messages, /users/{id}/mailFolders/{f}/messages (+ /{messageId})               user-list-messages.md, message-get.md
//       $filter, $orderby (InefficientFilter when the sort property is not first in the filter), $top (default 10,
//       at most 1000), $skip, $select; default order receivedDateTime desc.
//   GET /users/{id}/mailFolders/{f}/messages/delta                                                message-delta.md, delta-query-messages.md
//       changeType=created|updated|deleted, $select, $filter=receivedDateTime ge|gt {value}, $orderby=receivedDateTime desc,
//       Prefer: odata.maxpagesize=N (answered with Preference-Applied), @odata.nextLink ($skiptoken) until the last page's
//       @odata.deltaLink ($deltatoken); deleted or moved-out messages as { id, @removed: { reason: 'deleted' } }.
//   GET /users/{id}/messages/{m}/attachments, /attachments/{a}, /attachments/{a}/$value                message-list-attachments.md, attachment-get.md
// Permissions: application Mail.ReadBasic.All | Mail.Read | Mail.ReadWrite; delegated Mail.ReadBasic | Mail.Read |
// Mail.ReadWrite for the signed-in user's own mailbox, Mail.Read.Shared (or Mail.ReadWrite.Shared) plus an Exchange
// Full Access grant for another (shared) mailbox. ReadBasic leaves out body, bodyPreview and uniqueBody and refuses
// attachments. An Exchange application access policy (New-ApplicationAccessPolicy) restricts an app to a set of
// mailboxes: others answer 403 ErrorAccessDenied "Access to OData is disabled: [RAOP] : Blocked by tenant configured
// AppOnly AccessPolicy settings." (the wording seen in Graph's answers).
// Sync state: every delta page issues a new generation of the folder's sync state; Exchange keeps only the newest
// few, so an older link (a restored cursor) answers 410 SyncStateNotFound "The sync state generation is not found;
// generation=N;[highest=H][H][H-1]..." as reported in microsoft-graph-docs issue 2350. Emulator choices, where the
// documentation is silent: 4 generations are kept, a token older than 7 days (emulator clock) is gone as well, the
// initial round lists messages in arrival order unless $orderby asks for receivedDateTime desc, and delegates of
// shared mailboxes are granted with a control (integration accounts hold Full Access to every shared mailbox).
// Controls (under /_emulator on the Graph port):
//   POST   /mail/deliver                       { mailbox, folder?, messages: [...] | count } -> 201 { value: [{ id, receivedDateTime }] }
//                                               a message's receivedDateTime may lie in the past: mail that becomes visible late
//   POST   /mail/deltaTokens/invalidate        { mailbox? } -> every sync state (of that mailbox) is gone: 410 on use
//   PUT    /mail/applicationAccessPolicy/{appId}  { mode: 'RestrictAccess' | 'DenyAccess', mailboxes: [id | address] }
//   DELETE /mail/applicationAccessPolicy/{appId}
//   PUT    /mail/delegates/{mailbox}           { users: [id | upn] } Full Access grants for delegated reads
import { createHash } from 'crypto';

import type { Attachment, FileAttachment, Message } from '@microsoft/microsoft-graph-types';

import type { Clock } from '../clock';
import { applyFilter, FilterSyntaxError, filterProperties, parseFilter, type FilterNode } from '../odata/filter';
import { collectionResponse, odataContext, pageItems, propertySelector, selectProperties } from '../odata/query';
import type { RuleDefinition } from '../rules';
import type { TenantState } from '../state/tenantState';
import type { GraphMessage, MailFolderRecord, UserRecord } from '../state/types';
import type { Principal } from '../tokens';
import { graphError } from './errors';
import type { ControlContext, GraphContext, GraphResult, GraphRouter } from './router';

export const SYNC_GENERATIONS_KEPT = 4;
export const SYNC_STATE_MAX_AGE_MS = 7 * 24 * 3_600_000;
export const DELTA_DEFAULT_PAGE_SIZE = 10;
export const ACCESS_POLICY_MESSAGE = 'Access to OData is disabled: [RAOP] : Blocked by tenant configured AppOnly AccessPolicy settings.';
export const INEFFICIENT_FILTER_MESSAGE = 'The restriction or sort order is too complex for this operation.';

const READ = {
	application: ['Mail.ReadBasic.All', 'Mail.Read', 'Mail.ReadWrite'],
	delegated: ['Mail.ReadBasic', 'Mail.Read', 'Mail.ReadWrite', 'Mail.Read.Shared', 'Mail.ReadWrite.Shared'],
};
const READ_FULL = {
	application: ['Mail.Read', 'Mail.ReadWrite'],
	delegated: ['Mail.Read', 'Mail.ReadWrite', 'Mail.Read.Shared', 'Mail.ReadWrite.Shared'],
};
const BASIC_HIDDEN = ['body', 'bodyPreview', 'uniqueBody'];

export type GraphFileAttachment = FileAttachment & { '@odata.type': '#microsoft.graph.fileAttachment'; id: string };

interface SyncToken {
	chain: string;
	generation: number;
	userId: string;
	folderId: string;
	filter?: string;
	changeType?: string;
	select?: string;
	orderDesc: boolean;
	/** Message ids (with lastModifiedDateTime) in the folder, matching the filter, when this round started. */
	known: Record<string, string>;
	/** Round in progress: what is still to be paged out. */
	pending?: Array<{ id: string; removed: boolean }>;
	/** Emulator time the round started (updates after it count as changes of the next round). */
	syncTime: string;
	createdMs: number;
}

interface AccessPolicy {
	mode: 'RestrictAccess' | 'DenyAccess';
	userIds: string[];
}

export interface MailAreaState {
	/** Per sync chain: its newest generation, the generation at or below which links are gone, and the ids of the
	 * tokens it still keeps, oldest first (so issuing a token drops the chain's old ones without a scan of all). */
	chains: Record<string, { highest: number; floor: number; kept?: string[] }>;
	tokens: Record<string, SyncToken>;
	attachments: Record<string, GraphFileAttachment[]>;
	accessPolicies: Record<string, AccessPolicy>;
	/** Mailbox user id -> user ids with Full Access (delegated reads of that mailbox). */
	delegates: Record<string, string[]>;
	/** Arrival order of messages (delta's initial round lists them in this order). */
	arrival: Record<string, number>;
	sequence: number;
}

/**
 * Exchange's transport delay, a tenant rule (rules.ts): mail delivered from now on appears this many seconds after
 * its receivedDateTime. Microsoft documents that receivedDateTime is the receipt time but no fixed delivery delay
 * (normally seconds to minutes), so the default is 0 and tests that need it set it.
 */
export const MAIL_DELIVERY_DELAY_RULE: RuleDefinition<number> = {
	name: 'mailDeliveryDelay',
	defaultValue: 0,
	invalid: (value) => (typeof value === 'number' && Number.isFinite(value) && value >= 0 ? undefined : 'takes a number of seconds >= 0'),
	description: "Exchange transport delay: delivered mail appears this many seconds after its receivedDateTime (0: at once; Microsoft documents no fixed delay)",
};

export function mailArea(state: TenantState): MailAreaState {
	return state.area<MailAreaState>('mail', () => ({
		chains: {},
		tokens: {},
		attachments: {},
		accessPolicies: {},
		delegates: {},
		arrival: {},
		sequence: 0,
	}));
}

// ----- addressing and access -----

function resolveMailboxUser(state: TenantState, reference: string): UserRecord | undefined {
	const lower = reference.toLowerCase();
	return state.user(reference) ?? state.userIndex().byAddress(lower).find((record) => (record.user.mail ?? '').toLowerCase() === lower);
}

function hasDelegateAccess(state: TenantState, mailboxUser: UserRecord, userId: string): boolean {
	const granted = mailArea(state).delegates[mailboxUser.user.id];
	if (granted) return granted.includes(userId);
	// Default grant: integration accounts hold Full Access to every shared mailbox.
	return mailboxUser.kind === 'sharedMailbox' && state.user(userId)?.kind === 'integrationAccount';
}

/** The mailbox owner for a request, after Exchange's checks (existence, mailbox, access policy, delegation). */
function mailboxFor(ctx: GraphContext): UserRecord {
	const reference = ctx.params.userId;
	const record = resolveMailboxUser(ctx.state, reference);
	if (!record) graphError(404, 'ErrorInvalidUser', `The requested user '${reference}' is invalid.`);
	if (!record.hasMailbox || !ctx.state.mailbox(record.user.id)) {
		graphError(404, 'MailboxNotEnabledForRESTAPI', 'The mailbox is either inactive, soft-deleted, or is hosted on-premise.');
	}
	checkAccess(ctx.state, ctx.principal, record);
	return record;
}

function checkAccess(state: TenantState, principal: Principal, record: UserRecord): void {
	if (principal.kind === 'app') {
		const policy = mailArea(state).accessPolicies[principal.appId];
		if (policy) {
			const listed = policy.userIds.includes(record.user.id);
			if ((policy.mode === 'RestrictAccess' && !listed) || (policy.mode === 'DenyAccess' && listed)) {
				graphError(403, 'ErrorAccessDenied', ACCESS_POLICY_MESSAGE);
			}
		}
		return;
	}
	if (principal.userId === record.user.id) return;
	const scopes = new Set(principal.scopes.map((scope) => scope.toLowerCase()));
	const sharedScope = scopes.has('mail.read.shared') || scopes.has('mail.readwrite.shared');
	if (!sharedScope || !hasDelegateAccess(state, record, principal.userId)) {
		graphError(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.');
	}
}

/** Mail.ReadBasic(.All) alone: no body, preview or attachments. */
function basicOnly(principal: Principal): boolean {
	const held = (principal.kind === 'app' ? principal.roles : principal.scopes).map((p) => p.toLowerCase());
	const full = (principal.kind === 'app' ? READ_FULL.application : READ_FULL.delegated).map((p) => p.toLowerCase());
	return !held.some((p) => full.includes(p));
}

function folderFor(ctx: GraphContext, owner: UserRecord, reference = ctx.params.folderId): MailFolderRecord {
	const folder = ctx.state.mailFolder(owner.user.id, reference);
	if (!folder) graphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
	return folder;
}

function shapeMessage(ctx: GraphContext, message: GraphMessage): Partial<GraphMessage> {
	return messageShaper(ctx)(message);
}

/** shapeMessage for a page: the principal and `$select` (or `select`, a delta round's) read once. */
function messageShaper(ctx: GraphContext, select = ctx.query.get('$select') ?? undefined): (message: GraphMessage) => Partial<GraphMessage> {
	const basic = basicOnly(ctx.principal);
	// Outlook always returns the id, whatever $select names.
	const query = new URLSearchParams(ctx.query);
	if (select) query.set('$select', select.split(',').some((name) => name.trim().toLowerCase() === 'id') ? select : `id,${select}`);
	const selector = propertySelector<GraphMessage>(query);
	return (message) => {
		const visible: Record<string, unknown> = { '@odata.etag': `W/"${message.changeKey ?? ''}"`, ...message };
		if (basic) for (const name of BASIC_HIDDEN) delete visible[name];
		return selector(visible as unknown as GraphMessage);
	};
}

// ----- folders -----

function listFolders(ctx: GraphContext, parentId: string | undefined): GraphResult {
	const owner = mailboxFor(ctx);
	const mailbox = ctx.state.mailbox(owner.user.id);
	const all = mailbox?.folders ?? [];
	const rootId = all.find((f) => f.wellKnownName === 'inbox')?.folder.parentFolderId;
	const children = all
		.filter((f) => f.folder.parentFolderId === (parentId ?? rootId))
		.filter((f) => ctx.query.get('includeHiddenFolders') === 'true' || !f.folder.isHidden)
		.map((f) => ({ ...f.folder }));
	let filtered = children;
	try {
		filtered = applyFilter(children, ctx.query.get('$filter'));
	} catch (error) {
		if (error instanceof FilterSyntaxError) graphError(400, 'BadRequest', error.message);
		throw error;
	}
	const page = pageItems(ctx, filtered, { defaultTop: 10, maxTop: 1000 });
	page.value = page.value.map((folder) => selectProperties(folder, ctx.query) as typeof folder);
	return { body: collectionResponse(ctx, `users('${owner.user.id}')/mailFolders`, page) };
}

function getFolder(ctx: GraphContext): GraphResult {
	const owner = mailboxFor(ctx);
	const folder = folderFor(ctx, owner);
	return { body: { '@odata.context': odataContext(ctx, `users('${owner.user.id}')/mailFolders`, { entity: true }), ...selectProperties(folder.folder, ctx.query) } };
}

function listChildFolders(ctx: GraphContext): GraphResult {
	const owner = mailboxFor(ctx);
	const folder = folderFor(ctx, owner);
	return listFolders(ctx, folder.folder.id);
}

// ----- messages -----

function orderMessages(messages: GraphMessage[], orderBy: string | null, area: MailAreaState): GraphMessage[] {
	const clauses = (orderBy ?? 'receivedDateTime desc')
		.split(',')
		.map((clause) => clause.trim().split(/\s+/))
		.filter((parts) => parts[0]);
	return [...messages].sort((a, b) => {
		for (const [property, direction] of clauses) {
			const left = String((a as unknown as Record<string, unknown>)[property] ?? '');
			const right = String((b as unknown as Record<string, unknown>)[property] ?? '');
			const compared = left.localeCompare(right);
			if (compared !== 0) return direction?.toLowerCase() === 'desc' ? -compared : compared;
		}
		return (area.arrival[a.id] ?? 0) - (area.arrival[b.id] ?? 0);
	});
}

/** Exchange refuses a sort whose properties do not lead the filter, in the same order (user-list-messages.md). */
function checkFilterAndOrder(filter: string | null, orderBy: string | null): void {
	if (!filter || !orderBy) return;
	const sortProperties = orderBy.split(',').map((clause) => clause.trim().split(/\s+/)[0].toLowerCase());
	let filterProps: string[];
	try {
		filterProps = filterProperties(parseFilter(filter)).map((p) => p.toLowerCase());
	} catch (error) {
		if (error instanceof FilterSyntaxError) graphError(400, 'BadRequest', error.message);
		throw error;
	}
	const distinct = filterProps.filter((p, i) => filterProps.indexOf(p) === i);
	if (sortProperties.some((property, i) => distinct[i] !== property)) {
		graphError(400, 'InefficientFilter', INEFFICIENT_FILTER_MESSAGE);
	}
}

/** The lower time bound of a filter (`receivedDateTime ge|gt <date>` as a top-level conjunct), if it has one. */
function receivedLowerBound(node: FilterNode): { from: number; exclusive: boolean } | undefined {
	if (node.kind === 'and') return receivedLowerBound(node.left) ?? receivedLowerBound(node.right);
	if (node.kind !== 'compare' || (node.op !== 'ge' && node.op !== 'gt')) return undefined;
	const { left, right } = node;
	if (left.kind !== 'path' || left.segments.length !== 1 || left.segments[0].toLowerCase() !== 'receiveddatetime') return undefined;
	if (right.kind !== 'literal' || right.value === null || typeof right.value !== 'object') return undefined;
	return Number.isNaN(right.value.date) ? undefined : { from: right.value.date, exclusive: node.op === 'gt' };
}

/**
 * The messages a listing considers before its filter: the folder's (from the folder index), and only those from
 * the filter's time bound on when the listing is ordered by receivedDateTime (the order, ties included, is then
 * the one a full scan gives). The whole filter is applied afterwards either way.
 */
function messagesInScope(state: TenantState, owner: UserRecord, folder: MailFolderRecord | undefined, filter: string | null, orderBy: string | null): GraphMessage[] {
	const mailbox = state.mailbox(owner.user.id);
	if (!mailbox) return [];
	if (!folder) return mailbox.messages;
	const byReceived = /^\s*receivedDateTime(\s|,|$)/i.test(orderBy ?? 'receivedDateTime desc');
	let bound: ReturnType<typeof receivedLowerBound>;
	try {
		bound = filter && byReceived ? receivedLowerBound(parseFilter(filter)) : undefined;
	} catch {
		bound = undefined; // applyFilter reports the syntax error
	}
	return bound
		? state.mailIndex.receivedFrom(mailbox, folder.folder.id, bound.from, bound.exclusive)
		: state.mailIndex.inFolder(mailbox, folder.folder.id);
}

function listMessages(ctx: GraphContext): GraphResult {
	const owner = mailboxFor(ctx);
	const folder = ctx.params.folderId ? folderFor(ctx, owner) : undefined;
	const area = mailArea(ctx.state);
	const filter = ctx.query.get('$filter');
	const orderBy = ctx.query.get('$orderby');
	checkFilterAndOrder(filter, orderBy);
	const inScope = messagesInScope(ctx.state, owner, folder, filter, orderBy);
	let matching: GraphMessage[];
	try {
		matching = applyFilter(inScope, filter);
	} catch (error) {
		if (error instanceof FilterSyntaxError) graphError(400, 'BadRequest', error.message);
		throw error;
	}
	const page = pageItems(ctx, orderMessages(matching, orderBy, area), {
		defaultTop: 10,
		maxTop: 1000,
		topError: (top) => ({ status: 400, code: 'ErrorInvalidArgument', message: `The value '${top}' of parameter '$top' is invalid.` }) as never,
	});
	const entitySet = folder ? `users('${owner.user.id}')/mailFolders('${folder.folder.id}')/messages` : `users('${owner.user.id}')/messages`;
	return { body: collectionResponse(ctx, entitySet, { ...page, value: page.value.map(messageShaper(ctx)) }) };
}

function getMessage(ctx: GraphContext): GraphResult {
	const owner = mailboxFor(ctx);
	const message = ctx.state.mailbox(owner.user.id)?.messages.find((m) => m.id === ctx.params.messageId);
	if (!message || (ctx.params.folderId && message.parentFolderId !== folderFor(ctx, owner).folder.id)) {
		graphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
	}
	return { body: { '@odata.context': odataContext(ctx, `users('${owner.user.id}')/messages`, { entity: true }), ...shapeMessage(ctx, message) } };
}

// ----- attachments -----

function messageWithAttachments(ctx: GraphContext): { owner: UserRecord; attachments: GraphFileAttachment[] } {
	const owner = mailboxFor(ctx);
	if (basicOnly(ctx.principal)) graphError(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.');
	const message = ctx.state.mailbox(owner.user.id)?.messages.find((m) => m.id === ctx.params.messageId);
	if (!message) graphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
	return { owner, attachments: mailArea(ctx.state).attachments[message.id] ?? [] };
}

function listAttachments(ctx: GraphContext): GraphResult {
	const { owner, attachments } = messageWithAttachments(ctx);
	const page = pageItems(ctx, attachments, { defaultTop: 1000, maxTop: 1000 });
	page.value = page.value.map((a) => selectProperties(a, ctx.query) as GraphFileAttachment);
	return { body: collectionResponse(ctx, `users('${owner.user.id}')/messages('${ctx.params.messageId}')/attachments`, page) };
}

function findAttachment(ctx: GraphContext): GraphFileAttachment {
	const { attachments } = messageWithAttachments(ctx);
	const attachment = attachments.find((a) => a.id === ctx.params.attachmentId);
	if (!attachment) graphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
	return attachment;
}

function getAttachment(ctx: GraphContext): GraphResult {
	return { body: selectProperties(findAttachment(ctx), ctx.query) };
}

/** Raw bytes. The emulator's HTTP layer sends strings, so only text attachments can be served here. */
function getAttachmentValue(ctx: GraphContext): GraphResult {
	const attachment = findAttachment(ctx);
	const bytes = Buffer.from(attachment.contentBytes ?? '', 'base64');
	const text = bytes.toString('utf8');
	if (!Buffer.from(text, 'utf8').equals(bytes)) {
		graphError(501, 'NotImplemented', 'The emulator serves $value only for text attachments; read contentBytes instead.');
	}
	return { body: text, headers: { 'Content-Type': attachment.contentType ?? 'application/octet-stream' } };
}

// ----- delta -----

function chainKey(userId: string, folderId: string, appId: string, shape: string): string {
	return createHash('sha256').update(`${userId}|${folderId}|${appId}|${shape}`).digest('base64url').slice(0, 22);
}

function issueToken(area: MailAreaState, token: Omit<SyncToken, 'generation'>): string {
	const chain = (area.chains[token.chain] ??= { highest: 0, floor: 0 });
	chain.highest += 1;
	const id = `${token.chain}.${chain.highest}.${createHash('sha256').update(`${token.chain}:${chain.highest}:${token.createdMs}`).digest('base64url').slice(0, 16)}`;
	area.tokens[id] = { ...token, generation: chain.highest };
	// Exchange keeps the newest few generations of a sync state; older ones are gone.
	const kept = (chain.kept ??= []);
	kept.push(id);
	while (kept.length > SYNC_GENERATIONS_KEPT) delete area.tokens[kept.shift()!];
	return id;
}

function syncStateGone(generation: number, highest: number): never {
	const kept = Array.from({ length: Math.min(SYNC_GENERATIONS_KEPT - 1, highest) }, (_, i) => `[${highest - i}]`).join('');
	return graphError(410, 'SyncStateNotFound', `The sync state generation is not found; generation=${generation};[highest=${highest}]${kept}.`);
}

function readToken(ctx: GraphContext, raw: string, userId: string, clock: Clock): SyncToken {
	const area = mailArea(ctx.state);
	const [chainId, generationText] = raw.split('.');
	const generation = Number(generationText);
	const chain = area.chains[chainId];
	if (!chain || !Number.isInteger(generation)) graphError(400, 'BadRequest', 'The delta token or skip token is malformed.');
	const token = area.tokens[raw];
	if (!token || generation <= chain.floor || clock.nowMs() - token.createdMs > SYNC_STATE_MAX_AGE_MS) syncStateGone(generation, chain.highest);
	if (token.userId !== userId) graphError(400, 'BadRequest', 'The delta token belongs to another mailbox.');
	return token;
}

function deltaFilterMatches(filter: string | undefined): (message: GraphMessage) => boolean {
	if (!filter) return () => true;
	const match = /^\s*receivedDateTime\s+(ge|gt)\s+(\S+)\s*$/i.exec(filter);
	if (!match || Number.isNaN(Date.parse(match[2]))) {
		graphError(400, 'ErrorInvalidUrlQueryFilter', 'The query filter contains one or more invalid nodes.');
	}
	const bound = Date.parse(match[2]);
	const inclusive = match[1].toLowerCase() === 'ge';
	return (message) => {
		const received = Date.parse(message.receivedDateTime ?? '');
		return inclusive ? received >= bound : received > bound;
	};
}

function maxPageSize(ctx: GraphContext): { size: number; applied: boolean } {
	const prefer = /odata\.maxpagesize\s*=\s*(\d+)/i.exec(ctx.headers.prefer ?? '');
	if (prefer) return { size: Math.max(1, Math.min(1000, Number(prefer[1]))), applied: true };
	const top = Number(ctx.query.get('$top'));
	return { size: Number.isInteger(top) && top > 0 ? Math.min(1000, top) : DELTA_DEFAULT_PAGE_SIZE, applied: false };
}

function messageDelta(ctx: GraphContext): GraphResult {
	{
		const clock = ctx.clock;
		const owner = mailboxFor(ctx);
		const folder = folderFor(ctx, owner);
		const area = mailArea(ctx.state);
		const skipToken = ctx.query.get('$skiptoken');
		const deltaToken = ctx.query.get('$deltatoken');
		const messages = () => {
			const mailbox = ctx.state.mailbox(owner.user.id);
			return mailbox ? ctx.state.mailIndex.inFolder(mailbox, folder.folder.id) : [];
		};

		let base: Omit<SyncToken, 'generation' | 'known' | 'pending' | 'syncTime' | 'createdMs'>;
		let known: Record<string, string>;
		let pending: Array<{ id: string; removed: boolean }>;
		let syncTime: string;
		if (skipToken) {
			const token = readToken(ctx, skipToken, owner.user.id, clock);
			base = token;
			known = token.known;
			pending = token.pending ?? [];
			syncTime = token.syncTime;
		} else {
			let previous: SyncToken | undefined;
			if (deltaToken) {
				previous = readToken(ctx, deltaToken, owner.user.id, clock);
				base = previous;
			} else {
				const changeType = ctx.query.get('changeType') ?? undefined;
				if (changeType && !['created', 'updated', 'deleted'].includes(changeType)) {
					graphError(400, 'ErrorInvalidUrlQuery', `The value '${changeType}' of parameter 'changeType' is invalid.`);
				}
				const orderBy = ctx.query.get('$orderby');
				if (orderBy && !/^\s*receivedDateTime\s+desc\s*$/i.test(orderBy)) {
					graphError(400, 'ErrorInvalidUrlQuery', 'Only $orderby=receivedDateTime desc is supported for delta.');
				}
				const filter = ctx.query.get('$filter') ?? undefined;
				deltaFilterMatches(filter);
				const select = ctx.query.get('$select') ?? undefined;
				const shape = JSON.stringify([filter, changeType, select, orderBy]);
				base = {
					chain: chainKey(owner.user.id, folder.folder.id, ctx.principal.appId, shape),
					userId: owner.user.id,
					folderId: folder.folder.id,
					filter,
					changeType,
					select,
					orderDesc: Boolean(orderBy),
				};
			}
			const matches = deltaFilterMatches(base.filter);
			const current = messages().filter(matches);
			syncTime = ctx.state.nowIso();
			known = Object.fromEntries(current.map((m) => [m.id, m.lastModifiedDateTime ?? '']));
			const ordered = base.orderDesc
				? orderMessages(current, 'receivedDateTime desc', area)
				: [...current].sort((a, b) => (area.arrival[a.id] ?? 0) - (area.arrival[b.id] ?? 0));
			if (!previous) {
				// Initial round: everything in the folder (matching the filter) is new to the client.
				pending = ordered.map((m) => ({ id: m.id, removed: false }));
			} else {
				const wants = (kind: string) => !previous?.changeType || previous.changeType === kind;
				const created = ordered.filter((m) => !(m.id in previous!.known));
				const updated = ordered.filter((m) => m.id in previous!.known && (m.lastModifiedDateTime ?? '') > previous!.syncTime);
				const removed = Object.keys(previous.known).filter((id) => !(id in known));
				pending = [
					...(wants('created') ? created.map((m) => ({ id: m.id, removed: false })) : []),
					...(wants('updated') ? updated.map((m) => ({ id: m.id, removed: false })) : []),
					...(wants('deleted') ? removed.map((id) => ({ id, removed: true })) : []),
				];
			}
		}

		const { size, applied } = maxPageSize(ctx);
		const byId = new Map(messages().map((m) => [m.id, m]));
		const shape = messageShaper(ctx, base.select || (ctx.query.get('$select') ?? undefined));
		const value: unknown[] = [];
		let taken = 0;
		while (taken < pending.length && value.length < size) {
			const entry = pending[taken++];
			if (entry.removed) {
				value.push({ '@odata.type': '#microsoft.graph.message', id: entry.id, '@removed': { reason: 'deleted' } });
				continue;
			}
			const message = byId.get(entry.id);
			// Gone (or moved out) since the round started: the next round reports it as removed.
			if (!message) continue;
			value.push({ '@odata.type': '#microsoft.graph.message', ...shape(message) });
		}
		const rest = pending.slice(taken);
		const tokenBase = { ...base, known, syncTime, createdMs: clock.nowMs() };
		const link = `${ctx.baseUrl}${ctx.requestPath}`;
		const body: Record<string, unknown> = {
			'@odata.context': `${ctx.baseUrl}/$metadata#Collection(message)`,
		};
		if (rest.length > 0) {
			body['@odata.nextLink'] = `${link}?$skiptoken=${issueToken(area, { ...tokenBase, pending: rest })}`;
		} else {
			body['@odata.deltaLink'] = `${link}?$deltatoken=${issueToken(area, tokenBase)}`;
		}
		body.value = value;
		return { body, headers: applied ? { 'Preference-Applied': `odata.maxpagesize=${size}` } : {} };
	}
}

// ----- emulator-side mail delivery (tests, demo, benchmarks) -----

export interface DeliveredMessageSpec {
	subject?: string;
	from?: { name?: string; address: string } | string;
	to?: string[];
	bodyText?: string;
	receivedDateTime?: string;
	isRead?: boolean;
	attachments?: Array<{ name: string; contentType?: string; contentBase64?: string; text?: string }>;
}

export interface DeliverySpec {
	/** Mailbox owner: object id, UPN or address. */
	mailbox: string;
	/** Folder id, well-known name or display name; inbox by default. */
	folder?: string;
	messages?: DeliveredMessageSpec[];
	/** Deliver this many generated messages instead (subjects "Message 1", ...). */
	count?: number;
	subjectPrefix?: string;
}

/** Puts messages into a mailbox folder as Exchange delivery would: all at the emulator's current second unless given. */
export function deliverMail(state: TenantState, spec: DeliverySpec): GraphMessage[] {
	const owner = resolveMailboxUser(state, spec.mailbox);
	const mailbox = owner && state.mailbox(owner.user.id);
	if (!owner || !mailbox) throw new Error(`deliverMail: no mailbox ${spec.mailbox}`);
	const reference = spec.folder ?? 'inbox';
	const folder =
		state.mailFolder(owner.user.id, reference) ??
		mailbox.folders.find((f) => f.folder.displayName.toLowerCase() === reference.toLowerCase());
	if (!folder) throw new Error(`deliverMail: no folder ${reference} in ${spec.mailbox}`);
	const area = mailArea(state);
	const specs: DeliveredMessageSpec[] =
		spec.messages ??
		Array.from({ length: spec.count ?? 1 }, (_, i) => ({ subject: `${spec.subjectPrefix ?? 'Message'} ${i + 1}` }));
	const now = state.nowIso().replace(/\.\d{3}Z$/, 'Z');
	// Exchange stamps receivedDateTime on receipt; with transport delay the message shows up in the folder later,
	// with that time already in the past.
	state.rules.define(MAIL_DELIVERY_DELAY_RULE); // deliverMail also runs on a TenantState without the mail area
	const delay = state.rules.get<number>(MAIL_DELIVERY_DELAY_RULE.name);
	const receivedNow = delay > 0 ? new Date(Date.parse(now) - delay * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z') : now;
	const delivered: GraphMessage[] = [];
	for (const item of specs) {
		area.sequence += 1;
		const id = `AAMkAD${createHash('sha256').update(`delivered:${owner.user.id}:${area.sequence}:${now}`).digest('base64url')}AAA=`;
		const from = typeof item.from === 'string' ? { name: item.from, address: item.from } : (item.from ?? { name: 'Customer', address: 'customer@fabrikam.com' });
		const receivedDateTime = item.receivedDateTime ?? receivedNow;
		const attachments = (item.attachments ?? []).map((a, index): GraphFileAttachment => {
			const bytes = a.contentBase64 !== undefined ? Buffer.from(a.contentBase64, 'base64') : Buffer.from(a.text ?? '', 'utf8');
			return {
				'@odata.type': '#microsoft.graph.fileAttachment',
				id: `AAMkAtt${area.sequence}_${index}`,
				name: a.name,
				contentType: a.contentType ?? 'application/octet-stream',
				size: bytes.length,
				isInline: false,
				lastModifiedDateTime: receivedDateTime,
				contentBytes: bytes.toString('base64'),
			};
		});
		const message: GraphMessage = {
			id,
			parentFolderId: folder.folder.id,
			createdDateTime: receivedDateTime,
			lastModifiedDateTime: state.nowIso(),
			receivedDateTime,
			sentDateTime: receivedDateTime,
			changeKey: createHash('sha1').update(id).digest('base64').slice(0, 24),
			categories: [],
			hasAttachments: attachments.length > 0,
			internetMessageId: `<${area.sequence}.${Date.parse(receivedDateTime)}@${from.address.split('@')[1] ?? 'example.com'}>`,
			subject: item.subject ?? '',
			bodyPreview: (item.bodyText ?? '').slice(0, 255),
			importance: 'normal',
			conversationId: `AAQkAD${createHash('sha1').update(item.subject ?? '').digest('base64url')}`,
			isRead: item.isRead ?? false,
			isDraft: false,
			webLink: `https://outlook.office365.com/owa/?ItemID=${encodeURIComponent(id)}&exvsurl=1&viewmodel=ReadMessageItem`,
			inferenceClassification: 'focused',
			body: { contentType: 'text', content: item.bodyText ?? '' },
			sender: { emailAddress: from },
			from: { emailAddress: from },
			toRecipients: (item.to ?? [owner.user.mail ?? owner.user.userPrincipalName]).map((address) => ({ emailAddress: { name: address, address } })),
			ccRecipients: [],
			bccRecipients: [],
			replyTo: [],
			flag: { flagStatus: 'notFlagged' },
		};
		area.arrival[id] = area.sequence;
		if (attachments.length > 0) area.attachments[id] = attachments;
		folder.folder.totalItemCount = (folder.folder.totalItemCount ?? 0) + 1;
		if (!message.isRead) folder.folder.unreadItemCount = (folder.folder.unreadItemCount ?? 0) + 1;
		// TenantState announces the 'created' change (Users/{id}/Messages/{id}) for the subscriptions area.
		delivered.push(state.addMailMessage(owner.user.id, message));
	}
	return delivered;
}

/** Every sync state (of one mailbox, or all) is gone: the next delta call with an old link answers 410. */
export function invalidateDeltaTokens(state: TenantState, mailbox?: string): number {
	const area = mailArea(state);
	const owner = mailbox ? resolveMailboxUser(state, mailbox) : undefined;
	if (mailbox && !owner) throw new Error(`invalidateDeltaTokens: no mailbox ${mailbox}`);
	let count = 0;
	for (const [key, token] of Object.entries(area.tokens)) {
		if (owner && token.userId !== owner.user.id) continue;
		const chain = area.chains[token.chain];
		chain.floor = Math.max(chain.floor, chain.highest);
		delete area.tokens[key];
		count++;
	}
	return count;
}

/** An Exchange application access policy for an app: RestrictAccess allows only the listed mailboxes, DenyAccess refuses them. */
export function setApplicationAccessPolicy(state: TenantState, appId: string, mode: AccessPolicy['mode'], mailboxes: string[]): void {
	const userIds = mailboxes.map((reference) => {
		const owner = resolveMailboxUser(state, reference);
		if (!owner) throw new Error(`setApplicationAccessPolicy: no mailbox ${reference}`);
		return owner.user.id;
	});
	mailArea(state).accessPolicies[appId] = { mode, userIds };
}

export function removeApplicationAccessPolicy(state: TenantState, appId: string): void {
	delete mailArea(state).accessPolicies[appId];
}

function controlBody(ctx: ControlContext): Record<string, unknown> {
	return ctx.body && typeof ctx.body === 'object' ? (ctx.body as Record<string, unknown>) : {};
}

function controlError(error: unknown): GraphResult {
	return { status: 400, body: { error: { code: 'BadRequest', message: error instanceof Error ? error.message : String(error) } } };
}

// ----- registration -----

export function registerMailArea(graph: GraphRouter): void {
	graph.defineRule(MAIL_DELIVERY_DELAY_RULE);
	graph.route('GET', '/users/:userId/mailFolders', { permissions: READ, handler: (ctx) => listFolders(ctx, undefined) });
	graph.route('GET', '/users/:userId/mailFolders/:folderId', { permissions: READ, handler: getFolder });
	graph.route('GET', '/users/:userId/mailFolders/:folderId/childFolders', { permissions: READ, handler: listChildFolders });
	graph.route('GET', '/users/:userId/messages', { permissions: READ, handler: listMessages });
	graph.route('GET', '/users/:userId/messages/:messageId', { permissions: READ, handler: getMessage });
	graph.route('GET', '/users/:userId/mailFolders/:folderId/messages', { permissions: READ, handler: listMessages });
	graph.route('GET', '/users/:userId/mailFolders/:folderId/messages/delta', { permissions: READ, handler: messageDelta });
	graph.route('GET', '/users/:userId/mailFolders/:folderId/messages/:messageId', { permissions: READ, handler: getMessage });
	graph.route('GET', '/users/:userId/messages/:messageId/attachments', { permissions: READ, handler: listAttachments });
	graph.route('GET', '/users/:userId/messages/:messageId/attachments/:attachmentId', { permissions: READ, handler: getAttachment });
	graph.route('GET', '/users/:userId/messages/:messageId/attachments/:attachmentId/$value', { permissions: READ, handler: getAttachmentValue });

	graph.control('POST', '/mail/deliver', (ctx) => {
		try {
			const delivered = deliverMail(ctx.state, controlBody(ctx) as unknown as DeliverySpec);
			return { status: 201, body: { value: delivered.map((m) => ({ id: m.id, receivedDateTime: m.receivedDateTime })) } };
		} catch (error) {
			return controlError(error);
		}
	});
	graph.control('POST', '/mail/deltaTokens/invalidate', (ctx) => {
		try {
			const mailbox = controlBody(ctx).mailbox;
			return { status: 200, body: { invalidated: invalidateDeltaTokens(ctx.state, typeof mailbox === 'string' ? mailbox : undefined) } };
		} catch (error) {
			return controlError(error);
		}
	});
	graph.control('PUT', '/mail/applicationAccessPolicy/:appId', (ctx) => {
		try {
			const body = controlBody(ctx);
			const mode = body.mode === 'DenyAccess' ? 'DenyAccess' : 'RestrictAccess';
			setApplicationAccessPolicy(ctx.state, ctx.params.appId, mode, Array.isArray(body.mailboxes) ? body.mailboxes.map(String) : []);
			return { status: 204 };
		} catch (error) {
			return controlError(error);
		}
	});
	graph.control('DELETE', '/mail/applicationAccessPolicy/:appId', (ctx) => {
		removeApplicationAccessPolicy(ctx.state, ctx.params.appId);
		return { status: 204 };
	});
	graph.control('PUT', '/mail/delegates/:mailbox', (ctx) => {
		const owner = resolveMailboxUser(ctx.state, ctx.params.mailbox);
		if (!owner) return controlError(new Error(`no mailbox ${ctx.params.mailbox}`));
		const users = controlBody(ctx).users;
		mailArea(ctx.state).delegates[owner.user.id] = (Array.isArray(users) ? users.map(String) : [])
			.map((reference) => ctx.state.user(reference)?.user.id)
			.filter((id): id is string => Boolean(id));
		return { status: 204 };
	});
}

export type { Attachment, Message };
