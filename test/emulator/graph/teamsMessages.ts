// What channel and chat messages have in common in Graph (api-reference/v1.0/api/channel-post-messages.md,
// chat-post-messages.md, chatmessage-update.md, chatmessage-softdelete.md, resources/chatmessage.md):
// - body.content is required; the whole message (HTML, mentions, attachments) may not exceed about 28 KB, else
//   413 "Request Entity too large.";
// - every mention needs an <at id="N"> in the HTML and a user of the tenant, else 400;
// - every attachment needs an <attachment id="..."> in the HTML (and the reverse), Adaptive Cards need valid JSON
//   with type AdaptiveCard, quoted messages (messageReference) must exist in the same conversation;
// - PATCH answers 204; a delegated caller may change the body of its own messages only; app-only may set only
//   policyViolation; softDelete/undoSoftDelete answer 204 and leave the message with deletedDateTime and an empty body.
// Message ids are epoch milliseconds, unique and increasing per tenant here.
import type { ChatMessage, ChatMessageAttachment, ChatMessageHostedContent, ChatMessageMention } from '@microsoft/microsoft-graph-types';

import type { TenantState } from '../state/tenantState';
import type { GraphChatMessage, UserRecord } from '../state/types';
import { graphError } from './errors';
import { htmlRewritingOf, rewriteTeamsHtml } from './teamsHtml';
import type { GraphContext } from './router';

export const MESSAGE_SIZE_LIMIT_BYTES = 28 * 1024;
export const ADAPTIVE_CARD = 'application/vnd.microsoft.card.adaptive';

interface MessageCounter {
	lastId: number;
}

/** Epoch-ms ids from the emulator clock, bumped when two messages land in the same millisecond. */
export function nextMessageId(state: TenantState): string {
	const counter = state.area<MessageCounter>('teamsMessageIds', () => ({ lastId: 0 }));
	counter.lastId = Math.max(counter.lastId + 1, Date.parse(state.nowIso()));
	return String(counter.lastId);
}

type PostedMessage = Pick<ChatMessage, 'body' | 'subject' | 'importance' | 'mentions' | 'attachments' | 'hostedContents'> & Record<string, unknown>;

function referencedIds(content: string, tag: 'at' | 'attachment'): string[] {
	const pattern = tag === 'at' ? /<at\b[^>]*\bid\s*=\s*["']?([^"'\s>]+)/gi : /<attachment\b[^>]*\bid\s*=\s*["']?([^"'\s>]+)/gi;
	return [...content.matchAll(pattern)].map((match) => match[1]);
}

function validateMentions(state: TenantState, content: string, mentions: ChatMessageMention[]): void {
	const inBody = new Set(referencedIds(content, 'at'));
	for (const mention of mentions) {
		if (!inBody.has(String(mention.id))) {
			graphError(400, 'BadRequest', `Mention with id '${mention.id}' is not referenced in the message body by an <at id="${mention.id}"> tag.`);
		}
		const user = mention.mentioned?.user;
		if (!user?.id) graphError(400, 'BadRequest', `Mention with id '${mention.id}' has no mentioned user.`);
		if (!state.user(user.id)) graphError(400, 'BadRequest', `Invalid mention: user '${user.id}' was not found in the tenant.`);
	}
	for (const id of inBody) {
		if (!mentions.some((mention) => String(mention.id) === id)) {
			graphError(400, 'BadRequest', `The <at id="${id}"> tag in the message body has no matching entry in mentions.`);
		}
	}
}

function validateAttachments(
	content: string,
	attachments: ChatMessageAttachment[],
	quotedExists: (messageId: string) => boolean,
): void {
	const inBody = new Set(referencedIds(content, 'attachment'));
	for (const attachment of attachments) {
		if (!attachment.id || !inBody.has(attachment.id)) {
			graphError(400, 'BadRequest', `Attachment with id '${attachment.id ?? ''}' is not referenced in the message body by an <attachment id="..."> tag.`);
		}
		if (attachment.contentType === ADAPTIVE_CARD) {
			let card: unknown;
			try {
				card = JSON.parse(String(attachment.content ?? ''));
			} catch {
				graphError(400, 'BadRequest', `Attachment '${attachment.id}': the Adaptive Card content is not valid JSON.`);
			}
			if ((card as { type?: unknown })?.type !== 'AdaptiveCard') {
				graphError(400, 'BadRequest', `Attachment '${attachment.id}': the Adaptive Card content must have "type": "AdaptiveCard".`);
			}
		} else if (attachment.contentType === 'messageReference') {
			if (!quotedExists(attachment.id)) graphError(404, 'NotFound', `The quoted message '${attachment.id}' was not found.`);
		}
	}
	for (const id of inBody) {
		if (!attachments.some((attachment) => attachment.id === id)) {
			graphError(400, 'BadRequest', `The <attachment id="${id}"> tag in the message body has no matching attachment.`);
		}
	}
}

export function messageSize(message: PostedMessage): number {
	let size = Buffer.byteLength(message.body?.content ?? '', 'utf8');
	for (const attachment of message.attachments ?? []) size += Buffer.byteLength(String(attachment.content ?? ''), 'utf8');
	for (const hosted of message.hostedContents ?? []) size += Buffer.byteLength(String(hosted.contentBytes ?? ''), 'utf8');
	size += Buffer.byteLength(JSON.stringify(message.mentions ?? []), 'utf8');
	return size;
}

/** Validates a posted chatMessage body as Graph does and returns the parts we store. */
export function readPostedMessage(ctx: GraphContext, quotedExists: (messageId: string) => boolean): PostedMessage {
	const posted = (ctx.body ?? {}) as PostedMessage;
	if (typeof posted !== 'object' || Array.isArray(posted)) graphError(400, 'BadRequest', 'The request body must be a chatMessage.');
	const content = posted.body?.content;
	const attachments = posted.attachments ?? [];
	if ((typeof content !== 'string' || content.trim() === '') && attachments.length === 0) {
		graphError(400, 'BadRequest', 'Message body content cannot be empty.');
	}
	const contentType = posted.body?.contentType ?? 'text';
	if (contentType !== 'text' && contentType !== 'html') graphError(400, 'BadRequest', `Invalid body contentType '${contentType}'.`);
	if (posted.importance && !['normal', 'high', 'urgent'].includes(posted.importance)) {
		graphError(400, 'BadRequest', `Invalid importance '${posted.importance}'.`);
	}
	if (messageSize(posted) > MESSAGE_SIZE_LIMIT_BYTES) graphError(413, 'RequestEntityTooLarge', 'Request Entity too large.');
	const mentions = posted.mentions ?? [];
	if (mentions.length > 0 && contentType !== 'html') graphError(400, 'BadRequest', 'Mentions need an HTML body (body.contentType "html").');
	validateMentions(ctx.state, String(content ?? ''), mentions);
	validateAttachments(String(content ?? ''), attachments, quotedExists);
	return posted;
}

export function senderOf(ctx: GraphContext): UserRecord {
	if (ctx.principal.kind !== 'delegated') graphError(403, 'Forbidden', 'This API is not supported for application permissions outside migration mode.');
	const user = ctx.state.user(ctx.principal.userId);
	if (!user) graphError(401, 'InvalidAuthenticationToken', 'The user of the token does not exist.');
	return user;
}

/** The body as Teams stores it: HTML re-serialised per the `teamsHtmlRewriting` rule (teamsHtml.ts). */
function storedBody(ctx: GraphContext, body: PostedMessage['body']): GraphChatMessage['body'] {
	const contentType = body?.contentType ?? 'text';
	const content = body?.content ?? '';
	return { contentType, content: contentType === 'html' ? rewriteTeamsHtml(content, htmlRewritingOf(ctx.emulator.rules)) : content };
}

/** Builds the stored chatMessage the way Graph returns it after a post. */
export function newMessage(
	ctx: GraphContext,
	posted: PostedMessage,
	from: UserRecord,
	where: { channel?: { teamId: string; channelId: string }; chatId?: string; replyToId?: string; webUrl: (id: string) => string },
): GraphChatMessage {
	const id = nextMessageId(ctx.state);
	const now = ctx.state.nowIso();
	const hostedContents: ChatMessageHostedContent[] = (posted.hostedContents ?? []).map((hosted, index) => ({
		id: String(index + 1),
		contentType: hosted.contentType ?? null,
		contentBytes: hosted.contentBytes ?? null,
	}));
	const message: GraphChatMessage = {
		id,
		replyToId: where.replyToId ?? null,
		etag: id,
		messageType: 'message',
		createdDateTime: now,
		lastModifiedDateTime: now,
		lastEditedDateTime: null,
		deletedDateTime: null,
		subject: posted.subject ?? null,
		summary: null,
		chatId: where.chatId ?? null,
		importance: posted.importance ?? 'normal',
		locale: 'en-us',
		webUrl: where.webUrl(id),
		policyViolation: null,
		eventDetail: null,
		from: {
			application: null,
			device: null,
			user: { '@odata.type': '#microsoft.graph.teamworkUserIdentity', id: from.user.id, displayName: from.user.displayName, userIdentityType: 'aadUser', tenantId: ctx.state.tenantId } as never,
		},
		body: storedBody(ctx, posted.body),
		channelIdentity: where.channel ? { teamId: where.channel.teamId, channelId: where.channel.channelId } : null,
		attachments: (posted.attachments ?? []).map((attachment) => ({
			id: attachment.id ?? null,
			contentType: attachment.contentType ?? null,
			contentUrl: attachment.contentUrl ?? null,
			content: attachment.content ?? null,
			name: attachment.name ?? null,
			thumbnailUrl: attachment.thumbnailUrl ?? null,
			teamsAppId: null,
		})),
		mentions: posted.mentions ?? [],
		reactions: [],
	};
	if (hostedContents.length > 0) message.hostedContents = hostedContents;
	return message;
}

/** PATCH rules: the author (delegated) may change body/subject/mentions/importance/attachments; apps only policyViolation. */
export function readPatch(ctx: GraphContext, message: GraphChatMessage, quotedExists: (messageId: string) => boolean): Partial<GraphChatMessage> {
	const patch = (ctx.body ?? {}) as PostedMessage & { policyViolation?: unknown };
	if (ctx.principal.kind === 'app') {
		const keys = Object.keys(patch).filter((key) => key !== 'policyViolation');
		if (keys.length > 0) graphError(403, 'Forbidden', 'Application permissions can only update the policyViolation property of a message.');
		return { policyViolation: patch.policyViolation as GraphChatMessage['policyViolation'] };
	}
	if (message.deletedDateTime) graphError(400, 'BadRequest', 'A deleted message cannot be updated.');
	if (message.from?.user?.id !== ctx.principal.userId) {
		graphError(403, 'Forbidden', 'Only the sender of a message can update its content.');
	}
	if (patch.body) {
		const checked = readPostedMessage({ ...ctx, body: { ...patch, attachments: patch.attachments ?? message.attachments } } as GraphContext, quotedExists);
		return {
			body: storedBody(ctx, checked.body),
			mentions: patch.mentions ?? [],
			...(patch.attachments ? { attachments: patch.attachments } : {}),
			...(patch.subject !== undefined ? { subject: patch.subject } : {}),
			...(patch.importance ? { importance: patch.importance } : {}),
			lastEditedDateTime: ctx.state.nowIso(),
		};
	}
	return {
		...(patch.subject !== undefined ? { subject: patch.subject } : {}),
		...(patch.importance ? { importance: patch.importance } : {}),
		lastEditedDateTime: ctx.state.nowIso(),
	};
}

/** A soft-deleted message as Graph returns it: deletedDateTime set, empty body, no attachments or mentions. */
export function softDeletedPatch(ctx: GraphContext): Partial<GraphChatMessage> {
	return { deletedDateTime: ctx.state.nowIso(), body: { contentType: 'text', content: '' }, attachments: [], mentions: [] };
}

/** Kept beside the message so undoSoftDelete can restore what softDelete emptied. */
export interface DeletedContent {
	body: GraphChatMessage['body'];
	attachments: GraphChatMessage['attachments'];
	mentions: GraphChatMessage['mentions'];
}

export function deletedStore(state: TenantState): Record<string, DeletedContent> {
	return state.area<Record<string, DeletedContent>>('softDeletedMessages', () => ({}));
}

/** Newest first, as Graph lists channel messages, replies and (with $orderby ... desc) chat messages. */
export function newestFirst(messages: GraphChatMessage[]): GraphChatMessage[] {
	return [...messages].sort((a, b) => Number(b.id) - Number(a.id));
}

export function withContext(ctx: GraphContext, entitySet: string, message: GraphChatMessage): Record<string, unknown> {
	return { '@odata.context': `${ctx.baseUrl}/$metadata#${entitySet}/$entity`, ...structuredClone(message) };
}
