/**
 * Edit, soft-delete, get and list: one Graph call each (plus a read-back after an edit, which Graph answers
 * with 204 and no body).
 */
import type { ChatMessage, ChatMessageAttachment } from '@microsoft/microsoft-graph-types';
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { graphFor, graphRequest } from '../../shared/transport';
import { isSystemEventMessage, teamsSenderType } from '../../shared/teamsMessageKinds';
import { ADAPTIVE_CARD_CONTENT_TYPE } from './adaptiveCard';
import { INTEGRATION_ACCOUNT, SENDER, type PosterCredential } from './credentialTypes';
import type { MessageDraft } from './postMessage';
import { integrationAccountIdentity } from './identities';
import { formatMessage, withUnresolvedMentions } from './output';
import { messagePath, messagesPath, type MessageTarget } from './targets';

export function actingCredential(actAs: string): PosterCredential {
	return actAs === 'sender' ? SENDER : INTEGRATION_ACCOUNT;
}

export async function getMessage(
	context: IExecuteFunctions,
	itemIndex: number,
	credentialType: PosterCredential,
	target: MessageTarget,
	messageId: string,
): Promise<IDataObject> {
	const message = await (graphRequest<ChatMessage>).call(context, {
		credentialType,
		method: 'GET',
		url: messagePath(target, messageId),
		itemIndex,
	});
	return formatMessage(message, (await integrationAccountIdentity(context)).userId);
}

/**
 * Attachments of the message being edited that stay: a quoted message always, an Adaptive Card unless the edit
 * brings a new one. Graph wants each kept attachment still referenced in the new body.
 */
function keptAttachments(existing: ChatMessage, draft: MessageDraft): { leading: string; trailing: string; attachments: ChatMessageAttachment[] } {
	const replacesCard = draft.attachments.some((attachment) => attachment.contentType === ADAPTIVE_CARD_CONTENT_TYPE);
	const kept = (existing.attachments ?? []).filter(
		(attachment) => attachment.id && !(replacesCard && attachment.contentType === ADAPTIVE_CARD_CONTENT_TYPE),
	);
	const tag = (attachment: ChatMessageAttachment) => `<attachment id="${attachment.id}"></attachment>`;
	return {
		leading: kept.filter((attachment) => attachment.contentType === 'messageReference').map(tag).join(''),
		trailing: kept.filter((attachment) => attachment.contentType !== 'messageReference').map(tag).join(''),
		attachments: kept,
	};
}

export async function editMessage(
	context: IExecuteFunctions,
	itemIndex: number,
	credentialType: PosterCredential,
	target: MessageTarget,
	messageId: string,
	draft: MessageDraft,
): Promise<IDataObject> {
	const existing = await (graphRequest<ChatMessage>).call(context, { credentialType, method: 'GET', url: messagePath(target, messageId), itemIndex });
	const kept = keptAttachments(existing, draft);
	const body: IDataObject = { body: { contentType: 'html', content: `${kept.leading}${draft.content}${kept.trailing}` } };
	body.mentions = draft.mentions as unknown as IDataObject[];
	const attachments = [...kept.attachments, ...draft.attachments];
	if (attachments.length > 0) body.attachments = attachments as unknown as IDataObject[];
	if (draft.subject) body.subject = draft.subject;
	if (draft.importance) body.importance = draft.importance;
	// Setting the same body twice gives the same message, so a repeated PATCH after a lost answer is harmless.
	await graphRequest.call(context, {
		credentialType,
		method: 'PATCH',
		url: messagePath(target, messageId),
		body,
		itemIndex,
		idempotent: true,
	});
	return withUnresolvedMentions(await getMessage(context, itemIndex, credentialType, target, messageId), draft);
}

export async function softDeleteMessage(
	context: IExecuteFunctions,
	itemIndex: number,
	credentialType: PosterCredential,
	target: MessageTarget,
	messageId: string,
	undo: boolean,
): Promise<IDataObject> {
	const action = undo ? 'undoSoftDelete' : 'softDelete';
	let url: string;
	if (target.kind === 'chat') {
		// Graph addresses chat soft-delete through the acting user: /users/{id}/chats/{chat}/messages/{m}/softDelete.
		const me = await (graphRequest<{ id: string }>).call(context, { credentialType, method: 'GET', url: '/me', qs: { $select: 'id' }, itemIndex });
		url = `/users/${encodeURIComponent(me.id)}/chats/${encodeURIComponent(target.chatId)}/messages/${encodeURIComponent(messageId)}/${action}`;
	} else {
		url = `${messagePath(target, messageId)}/${action}`;
	}
	// Deleting (or restoring) twice ends in the same state, so it may be retried after a lost answer.
	await graphRequest.call(context, { credentialType, method: 'POST', url, itemIndex, idempotent: true });
	return { id: messageId, deleted: !undo, ...(target.kind === 'chat' ? { chatId: target.chatId } : { teamId: target.teamId, channelId: target.channelId }) };
}

export async function listMessages(
	context: IExecuteFunctions,
	itemIndex: number,
	credentialType: PosterCredential,
	target: MessageTarget,
	options: {
		returnAll: boolean;
		limit: number;
		includeReplies: boolean;
		chatOrder: 'createdDateTime' | 'lastModifiedDateTime';
		/** Teams system event messages (member added, chat renamed, ...) are left out unless asked for. */
		includeSystemEvents?: boolean;
	},
): Promise<IDataObject[]> {
	const qs: IDataObject = { $top: options.returnAll ? 50 : Math.min(Math.max(options.limit, 1), 50) };
	if (target.kind === 'channel' && options.includeReplies) qs.$expand = 'replies';
	if (target.kind === 'chat') qs.$orderby = `${options.chatOrder} desc`;
	const wanted = (message: ChatMessage) => options.includeSystemEvents === true || !isSystemEventMessage(message);
	const messages: ChatMessage[] = [];
	for await (const page of graphFor(context).pages<ChatMessage & { 'replies@odata.nextLink'?: string }>({
		credentialType,
		method: 'GET',
		url: messagesPath(target),
		qs,
		itemIndex,
	})) {
		for (const message of page.value) {
			if (!wanted(message)) continue;
			// Graph expands at most 200 replies of a thread; the rest are behind replies@odata.nextLink.
			const more = message['replies@odata.nextLink'];
			if (more) {
				const rest = await graphFor(context).all<ChatMessage>({ credentialType, method: 'GET', url: more, itemIndex });
				message.replies = [...(message.replies ?? []), ...rest];
				delete message['replies@odata.nextLink'];
			}
			if (message.replies) message.replies = message.replies.filter(wanted);
			messages.push(message);
			if (!options.returnAll && messages.length >= options.limit) break;
		}
		if (!options.returnAll && messages.length >= options.limit) break;
	}
	const integrationAccountId = (await integrationAccountIdentity(context)).userId;
	return messages.map((message) => ({ ...formatMessage(message, integrationAccountId), senderType: teamsSenderType(message) }));
}
