// Chats and chat messages, as Microsoft Graph v1.0 documents them:
//   GET  /users/{id}/chats, /me/chats ($expand=members, $top <= 50)                    chat-list.md
//   GET  /chats/{id} ($expand=members), /chats/{id}/members                             chat-get.md, chat-list-members.md
//   POST /chats  oneOnOne (2 members; an existing chat between them is returned, not duplicated) or group (3+)   chat-post.md
//   POST /chats/{id}/messages (201); GET .../messages ($top <= 50, $orderby createdDateTime|lastModifiedDateTime desc)
//   GET  .../messages/{m}; PATCH .../messages/{m} (204)                                chat-post-messages.md, chat-list-messages.md, chatmessage-update.md
//   POST /users/{uid}/chats/{id}/messages/{m}/softDelete | undoSoftDelete (204)        chatmessage-softdelete.md
// Rules: app-only tokens cannot post (Teamwork.Migrate.All migration only); a delegated caller who is not a member of
// the chat gets 403 Forbidden; unknown chats 404 NotFound; the creator of a chat must be among its members.
// Posting answers an expired token with 403 InvalidAuthenticationToken, as Teams endpoints do.
import type { AadUserConversationMember } from '@microsoft/microsoft-graph-types';

import { buildChat, buildMember } from '../state/builders';
import { groupChatId, oneOnOneChatId } from '../state/ids';
import type { ChatRecord, GraphChatMessage, UserRecord } from '../state/types';
import { collectionResponse, pageItems } from '../odata/query';
import { GraphError, graphError } from './errors';
import type { GraphContext, GraphResult, GraphRouter } from './router';
import {
	deletedStore,
	newestFirst,
	newMessage,
	readPatch,
	readPostedMessage,
	senderOf,
	softDeletedPatch,
	withContext,
} from './teamsMessages';
import { countTeamsRead, requireProtectedApiAccess } from './teamsRules';

const CHAT_READ = {
	application: ['Chat.ReadBasic.All', 'Chat.Read.All', 'Chat.ReadWrite.All'],
	delegated: ['Chat.ReadBasic', 'Chat.Read', 'Chat.ReadWrite'],
};
const CHAT_MEMBERS_READ = {
	application: ['ChatMember.Read.All', 'ChatMember.ReadWrite.All', 'Chat.ReadBasic.All', 'Chat.Read.All'],
	delegated: ['ChatMember.Read', 'ChatMember.ReadWrite', 'Chat.ReadBasic', 'Chat.Read', 'Chat.ReadWrite'],
};
const CHAT_CREATE = { application: ['Chat.Create'], delegated: ['Chat.Create', 'Chat.ReadWrite'] };
const CHAT_MESSAGE_SEND = { application: ['Teamwork.Migrate.All'], delegated: ['ChatMessage.Send', 'Chat.ReadWrite'] };
const CHAT_MESSAGE_READ = {
	application: ['Chat.Read.All', 'Chat.ReadWrite.All', 'ChatMessage.Read.All'],
	delegated: ['ChatMessage.Read', 'Chat.Read', 'Chat.ReadWrite'],
};
const CHAT_MESSAGE_UPDATE = { application: ['Chat.UpdatePolicyViolation.All'], delegated: ['Chat.ReadWrite'] };
const CHAT_MESSAGE_DELETE = { delegated: ['Chat.ReadWrite'] };

function isChatMember(chat: ChatRecord, userId: string): boolean {
	return chat.members.some((member) => member.userId.toLowerCase() === userId.toLowerCase());
}

function readableChat(ctx: GraphContext): ChatRecord {
	const chat = ctx.state.chat(ctx.params.chatId);
	if (!chat) graphError(404, 'NotFound', `Chat ${ctx.params.chatId} was not found.`);
	if (ctx.principal.kind === 'delegated' && !isChatMember(chat, ctx.principal.userId)) {
		graphError(403, 'Forbidden', `User ${ctx.principal.userId} is not a member of chat ${chat.chat.id}.`);
	}
	return chat;
}

/** chat.lastMessagePreview (chat-list.md, $expand=lastMessagePreview): the newest message, briefly. */
function lastMessagePreview(chat: ChatRecord): Record<string, unknown> | null {
	const last = newestFirst(chat.messages)[0];
	if (!last) return null;
	return {
		id: last.id,
		createdDateTime: last.createdDateTime,
		isDeleted: Boolean(last.deletedDateTime),
		messageType: last.messageType,
		eventDetail: null,
		body: structuredClone(last.body),
		from: structuredClone(last.from),
	};
}

function chatView(ctx: GraphContext, chat: ChatRecord): Record<string, unknown> {
	const expand = ctx.query.get('$expand') ?? '';
	return {
		...structuredClone(chat.chat),
		...(/(^|,)\s*members\b/i.test(expand) ? { members: structuredClone(chat.members) } : {}),
		...(/(^|,)\s*lastMessagePreview\b/i.test(expand) ? { lastMessagePreview: lastMessagePreview(chat) } : {}),
	};
}

/** users('id'), users/id or users('upn') in an absolute or relative bind URL. */
function boundUser(ctx: GraphContext, member: Record<string, unknown>): UserRecord {
	const bind = member['user@odata.bind'];
	const match = typeof bind === 'string' ? /\/users(?:\('([^']+)'\)|\/([^/?#]+))\s*$/i.exec(bind.trim()) : null;
	const reference = match ? decodeURIComponent(match[1] ?? match[2]) : undefined;
	if (!reference) graphError(400, 'BadRequest', "Each member needs user@odata.bind pointing at users('{id}').");
	const user = ctx.state.user(reference);
	if (!user) graphError(404, 'NotFound', `User '${reference}' was not found.`);
	return user;
}

function createChat(ctx: GraphContext): GraphResult {
	const body = (ctx.body ?? {}) as { chatType?: string; topic?: string; members?: Array<Record<string, unknown>> };
	if (body.chatType !== 'oneOnOne' && body.chatType !== 'group') graphError(400, 'BadRequest', "chatType must be 'oneOnOne' or 'group'.");
	const members = (body.members ?? []).map((member) => {
		if (member['@odata.type'] !== '#microsoft.graph.aadUserConversationMember') {
			graphError(400, 'BadRequest', 'Each member must be an aadUserConversationMember.');
		}
		return boundUser(ctx, member);
	});
	const unique = [...new Map(members.map((user) => [user.user.id, user])).values()];
	if (ctx.principal.kind === 'delegated') {
		const creator = ctx.principal.userId;
		if (!unique.some((user) => user.user.id === creator)) graphError(400, 'BadRequest', 'The signed-in user must be a member of the chat being created.');
	}
	const tenantId = ctx.state.tenantId;
	if (body.chatType === 'oneOnOne') {
		if (unique.length !== 2) graphError(400, 'BadRequest', 'A oneOnOne chat must have exactly two members.');
		if (body.topic) graphError(400, 'BadRequest', 'A oneOnOne chat cannot have a topic.');
		const id = oneOnOneChatId(unique[0].user.id, unique[1].user.id);
		// Graph returns the existing 1:1 chat between the two users rather than creating another.
		const chat = ctx.state.chat(id) ?? (ctx.state.data.chats[id] = { ...buildChat(id, 'oneOnOne', null, tenantId, unique), messages: [] });
		return { status: 201, body: { '@odata.context': `${ctx.baseUrl}/$metadata#chats/$entity`, ...structuredClone(chat.chat) } };
	}
	if (unique.length < 3) graphError(400, 'BadRequest', 'A group chat must have at least three members.');
	const id = groupChatId(`${ctx.state.newId()}`);
	const chat = buildChat(id, 'group', body.topic ?? null, tenantId, unique);
	chat.chat.createdDateTime = ctx.state.nowIso();
	chat.chat.lastUpdatedDateTime = chat.chat.createdDateTime;
	chat.members = unique.map((user) => buildMember(id, user, tenantId, ['owner']));
	ctx.state.data.chats[id] = chat;
	return { status: 201, body: { '@odata.context': `${ctx.baseUrl}/$metadata#chats/$entity`, ...structuredClone(chat.chat) } };
}

function findChatMessage(chat: ChatRecord, messageId: string) {
	const message = chat.messages.find((m) => m.id === messageId);
	if (!message) graphError(404, 'NotFound', `Message ${messageId} was not found in chat ${chat.chat.id}.`);
	return message;
}

function postToChat(ctx: GraphContext): GraphResult {
	if (ctx.principal.kind === 'app') {
		graphError(403, 'Forbidden', 'Application permissions can post chat messages only to import messages in migration mode (Teamwork.Migrate.All).');
	}
	const chat = readableChat(ctx);
	const from = senderOf(ctx);
	const posted = readPostedMessage(ctx, (id) => chat.messages.some((m) => m.id === id));
	const message = newMessage(ctx, posted, from, {
		chatId: chat.chat.id,
		webUrl: (id) => `https://teams.microsoft.com/l/message/${encodeURIComponent(chat.chat.id)}/${id}?context=%7B%22contextType%22%3A%22chat%22%7D`,
	});
	ctx.state.addChatMessage(chat.chat.id, message);
	return { status: 201, body: withContext(ctx, `chats('${chat.chat.id}')/messages`, message) };
}

function listChatMessages(ctx: GraphContext): GraphResult {
	requireProtectedApiAccess(ctx);
	const chat = readableChat(ctx);
	countTeamsRead(ctx, `/chats/${chat.chat.id}/messages`);
	const orderby = (ctx.query.get('$orderby') ?? '').trim();
	if (orderby && !/^(createdDateTime|lastModifiedDateTime)\s+desc$/i.test(orderby)) {
		graphError(400, 'BadRequest', `$orderby '${orderby}' is not supported: use createdDateTime desc or lastModifiedDateTime desc.`);
	}
	// Graph's default order is lastModifiedDateTime desc (chat-list-messages.md); ascending is not supported.
	const ordered = orderby === '' || /^lastModified/i.test(orderby)
		? [...chat.messages].sort((a, b) => Date.parse(b.lastModifiedDateTime ?? '') - Date.parse(a.lastModifiedDateTime ?? '') || Number(b.id) - Number(a.id))
		: newestFirst(chat.messages);
	const page = pageItems(ctx, chatDateRange(ctx, ordered, orderby), {
		defaultTop: 20,
		maxTop: 50,
		topError: (top) => new GraphError(400, 'BadRequest', `Invalid value '${top}' for $top: it must be between 1 and 50.`),
	});
	return { body: collectionResponse(ctx, `chats('${chat.chat.id}')/messages`, { ...page, value: page.value.map((m) => structuredClone(m)) }) };
}

/**
 * chat-list-messages.md: `$filter` is a date range on the property `$orderby` names: lastModifiedDateTime with `gt`
 * and `lt`, createdDateTime with `lt`; without a matching `$orderby` the filter is ignored, as Graph does.
 */
function chatDateRange(ctx: GraphContext, messages: GraphChatMessage[], orderby: string): GraphChatMessage[] {
	const filter = (ctx.query.get('$filter') ?? '').trim();
	if (!filter || !orderby) return messages;
	const property = /^lastModified/i.test(orderby) ? 'lastModifiedDateTime' : 'createdDateTime';
	const clauses = filter.split(/\s+and\s+/i);
	const tests: Array<(m: GraphChatMessage) => boolean> = [];
	for (const clause of clauses) {
		const match = /^\(?\s*(\w+)\s+(gt|lt)\s+'?([0-9T:.\-+Z]+)'?\s*\)?$/i.exec(clause.trim());
		if (!match || match[1].toLowerCase() !== property.toLowerCase()) return messages;
		const operator = match[2].toLowerCase();
		if (property === 'createdDateTime' && operator !== 'lt') {
			graphError(400, 'BadRequest', `Only the 'lt' operator is supported for createdDateTime in $filter.`);
		}
		const bound = Date.parse(match[3]);
		if (Number.isNaN(bound)) graphError(400, 'BadRequest', `Invalid date '${match[3]}' in $filter.`);
		tests.push((m) => {
			const value = Date.parse((property === 'createdDateTime' ? m.createdDateTime : m.lastModifiedDateTime) ?? '');
			return operator === 'gt' ? value > bound : value < bound;
		});
	}
	return messages.filter((m) => tests.every((t) => t(m)));
}

function softDeleteChatMessage(ctx: GraphContext, undo: boolean): GraphResult {
	const userId = (ctx.principal as { userId: string }).userId;
	const owner = ctx.state.user(ctx.params.userId);
	if (!owner || owner.user.id.toLowerCase() !== userId.toLowerCase()) {
		graphError(403, 'Forbidden', 'A chat message can be deleted only through the signed-in user (/users/{signed-in user id}/chats/...).');
	}
	const chat = readableChat(ctx);
	const message = findChatMessage(chat, ctx.params.messageId);
	if (message.from?.user?.id !== userId) graphError(403, 'Forbidden', 'Only the sender of a chat message can delete it.');
	const store = deletedStore(ctx.state);
	const key = `${chat.chat.id}/${message.id}`;
	if (undo) {
		if (!message.deletedDateTime) return { status: 204 };
		const saved = store[key];
		delete store[key];
		ctx.state.updateChatMessage(chat.chat.id, message.id, { deletedDateTime: null, ...(saved ?? {}) });
	} else {
		if (message.deletedDateTime) return { status: 204 };
		store[key] = { body: structuredClone(message.body), attachments: structuredClone(message.attachments), mentions: structuredClone(message.mentions) };
		ctx.state.updateChatMessage(chat.chat.id, message.id, softDeletedPatch(ctx));
	}
	return { status: 204 };
}

export function registerChats(graph: GraphRouter): void {
	graph.route('GET', '/users/:userId/chats', {
		permissions: CHAT_READ,
		handler(ctx) {
			const user = ctx.state.user(ctx.params.userId);
			if (!user) graphError(404, 'NotFound', `User ${ctx.params.userId} was not found.`);
			if (ctx.principal.kind === 'delegated' && ctx.principal.userId !== user.user.id) {
				graphError(403, 'Forbidden', "A delegated caller can list only its own chats.");
			}
			countTeamsRead(ctx, `/users/${user.user.id}/chats`);
			const chats = Object.values(ctx.state.data.chats)
				.filter((chat) => isChatMember(chat, user.user.id))
				.sort((a, b) => Date.parse(b.chat.lastUpdatedDateTime ?? '') - Date.parse(a.chat.lastUpdatedDateTime ?? ''))
				.map((chat) => chatView(ctx, chat));
			const page = pageItems(ctx, chats, {
				defaultTop: 50,
				maxTop: 50,
				topError: (top) => new GraphError(400, 'BadRequest', `Invalid value '${top}' for $top: it must be between 1 and 50.`),
			});
			return { body: collectionResponse(ctx, 'chats', page) };
		},
	});
	graph.route('GET', '/chats/:chatId', {
		permissions: CHAT_READ,
		handler(ctx) {
			requireProtectedApiAccess(ctx);
			return { body: { '@odata.context': `${ctx.baseUrl}/$metadata#chats/$entity`, ...chatView(ctx, readableChat(ctx)) } };
		},
	});
	graph.route('GET', '/chats/:chatId/members', {
		permissions: CHAT_MEMBERS_READ,
		handler(ctx) {
			const chat = readableChat(ctx);
			const members: AadUserConversationMember[] = structuredClone(chat.members);
			return { body: { '@odata.context': `${ctx.baseUrl}/$metadata#chats('${chat.chat.id}')/members`, '@odata.count': members.length, value: members } };
		},
	});
	graph.route('POST', '/chats', { permissions: CHAT_CREATE, handler: createChat });
	graph.route('POST', '/chats/:chatId/messages', { permissions: CHAT_MESSAGE_SEND, expiredTokenStatus: 403, handler: postToChat });
	graph.route('GET', '/chats/:chatId/messages', { permissions: CHAT_MESSAGE_READ, handler: listChatMessages });
	graph.route('GET', '/chats/:chatId/messages/:messageId', {
		permissions: CHAT_MESSAGE_READ,
		handler(ctx) {
			requireProtectedApiAccess(ctx);
			const chat = readableChat(ctx);
			return { body: withContext(ctx, `chats('${chat.chat.id}')/messages`, findChatMessage(chat, ctx.params.messageId)) };
		},
	});
	graph.route('PATCH', '/chats/:chatId/messages/:messageId', {
		permissions: CHAT_MESSAGE_UPDATE,
		handler(ctx) {
			const chat = readableChat(ctx);
			const message = findChatMessage(chat, ctx.params.messageId);
			ctx.state.updateChatMessage(chat.chat.id, message.id, readPatch(ctx, message, (id) => chat.messages.some((m) => m.id === id)));
			return { status: 204 };
		},
	});
	graph.route('POST', '/users/:userId/chats/:chatId/messages/:messageId/softDelete', {
		permissions: CHAT_MESSAGE_DELETE,
		handler: (ctx) => softDeleteChatMessage(ctx, false),
	});
	graph.route('POST', '/users/:userId/chats/:chatId/messages/:messageId/undoSoftDelete', {
		permissions: CHAT_MESSAGE_DELETE,
		handler: (ctx) => softDeleteChatMessage(ctx, true),
	});
}
