/**
 * The Mirror operation: carries one outside event (created / edited / deleted) into Teams as planned by
 * planMirror() and returns the mapping row to upsert.
 *
 * Posts go through postMessage() (sender when they can post, else the integration account with attribution,
 * the lost-answer guard). Edits and deletes go through the credential that posted the message, because Teams
 * lets only the author change or delete it: the sender credential when the row says the sender posted, else the
 * integration account, which keeps the attribution line. When the sender credential cannot act (not set, another
 * user, not signed in, refused), an edit falls back as a post does: the new text is posted in the message's thread
 * (channels) or quoting it (chats); a delete cannot be done by anyone else and fails the item with what to do.
 */
import type { ChatMessage } from '@microsoft/microsoft-graph-types';
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { messageFingerprint } from '../../../shared/teamsText';
import { graphFailureOf, graphRequest } from '../../../shared/transport';
import { renderAttribution } from '../attribution';
import { INTEGRATION_ACCOUNT, SENDER, type PosterCredential } from '../credentialTypes';
import { passOn } from '../errors';
import { memoized } from '../executionMemo';
import { hasSenderCredential, senderFacts } from '../identities';
import { editMessage, softDeleteMessage } from '../messageActions';
import { postMessage, type AttributionSettings, type MessageDraft } from '../postMessage';
import { quoteAttachment } from '../quote';
import { messagePath, type MessageTarget } from '../targets';
import { isInThread, planMirror, type MirrorEvent, type MirrorPlan } from './plan';
import { PENDING_DELETE, rowAsData, rowUpdateAsData, type MirrorRow } from './row';

export type MirrorOutcome =
	| 'pending'
	| 'noPendingRow'
	| 'posted'
	| 'replied'
	| 'edited'
	| 'editPostedAsReply'
	| 'deleted'
	| 'duplicate'
	| 'unchanged'
	| 'alreadyDeleted'
	| 'deletedInTeams'
	| 'teamsAuthored'
	| 'notMapped';

export interface MirrorInput {
	event: MirrorEvent;
	row: MirrorRow | undefined;
	threadRow: MirrorRow | undefined;
	/** The conversation new messages go to (the node's team/channel or chat). */
	target: MessageTarget;
	/** Builds the message from the node's content fields; `leading` puts a quote before the text (chat replies). */
	draft: (leading?: { html: string; attachments: MessageDraft['attachments'] }) => Promise<MessageDraft>;
	attribution: AttributionSettings;
	/** What to do with an edit or delete of a message that has no row: report it in the output, or fail the item. */
	unmapped: 'report' | 'fail';
}

const WHY_NOT: Record<string, string> = {
	duplicate: 'This outside message is already mirrored (its row has a Teams message id): the same event was delivered again.',
	unchanged: 'The text is the one mirrored last: the same edit was delivered again.',
	alreadyDeleted: 'The Teams message is already deleted.',
	deletedInTeams: 'The Teams message is deleted; Teams does not let a deleted message be edited.',
	teamsAuthored: 'The Teams message was written by a Teams user (it was mirrored out of Teams); only its author can change or delete it.',
	notMapped: 'No mapping row for this outside message: it was never mirrored into Teams (or its row is missing), so there is nothing to change.',
};

function conversationOf(row: MirrorRow, fallback: MessageTarget): MessageTarget {
	if (fallback.kind === 'chat' || (row.chatId && !row.channelId)) return { kind: 'chat', chatId: row.chatId || (fallback.kind === 'chat' ? fallback.chatId : '') };
	return {
		kind: 'channel',
		teamId: row.teamId || fallback.teamId,
		channelId: row.channelId || fallback.channelId,
		replyToId: row.teamsThreadId || undefined,
	};
}

/** The fingerprint of a Teams message as the node output it (the body Graph returned). */
function fingerprintOf(message: IDataObject): string {
	return messageFingerprint(message.body as { contentType?: string; content?: string } | undefined) ?? '';
}

function rowFor(input: MirrorInput, target: MessageTarget, message: IDataObject, teamsThreadId: string): MirrorRow {
	const postedAs = (message.postedAs ?? {}) as IDataObject;
	return {
		platform: input.event.platform,
		outsideId: input.event.outsideId,
		outsideThreadId: isInThread(input.event) ? input.event.outsideThreadId : '',
		teamsMessageId: String(message.id ?? ''),
		teamsThreadId,
		teamId: target.kind === 'channel' ? target.teamId : '',
		channelId: target.kind === 'channel' ? target.channelId : '',
		chatId: target.kind === 'chat' ? target.chatId : '',
		origin: 'outside',
		postedAs: postedAs.identity === 'sender' ? 'sender' : 'integrationAccount',
		teamsAuthorId: String(postedAs.userId ?? ''),
		contentHash: input.event.contentHash,
		teamsEditedAt: '',
		deleted: false,
		teamsFingerprint: fingerprintOf(message),
	};
}

/** A quote of a chat message (chats have no threads), or undefined when that message is gone. */
async function quoteOf(context: IExecuteFunctions, itemIndex: number, chat: MessageTarget, messageId: string) {
	try {
		const quoted = await (graphRequest<ChatMessage>).call(context, { credentialType: INTEGRATION_ACCOUNT, method: 'GET', url: messagePath(chat, messageId), itemIndex });
		if (quoted.deletedDateTime) return undefined;
		const quote = quoteAttachment(quoted);
		return { html: quote.bodyTag, attachments: [quote.attachment] };
	} catch (error) {
		if (graphFailureOf(error)?.status === 404) return undefined;
		return passOn(context.getNode(), error, itemIndex);
	}
}

/** Posts in reply to `parent` (a mapped Teams message): a thread reply in channels, a quoting message in chats. */
async function postInReplyTo(
	context: IExecuteFunctions,
	itemIndex: number,
	input: MirrorInput,
	parent: MirrorRow,
): Promise<{ message: IDataObject; target: MessageTarget; teamsThreadId: string; threaded: boolean }> {
	const conversation = conversationOf(parent, input.target);
	if (conversation.kind === 'channel') {
		const root = parent.teamsThreadId || parent.teamsMessageId;
		const target: MessageTarget = { ...conversation, replyToId: root };
		const message = await postMessage(context, itemIndex, target, await input.draft(), input.attribution);
		return { message, target, teamsThreadId: root, threaded: true };
	}
	const quote = parent.deleted ? undefined : await quoteOf(context, itemIndex, conversation, parent.teamsMessageId);
	const message = await postMessage(context, itemIndex, conversation, await input.draft(quote), input.attribution);
	return { message, target: conversation, teamsThreadId: '', threaded: quote !== undefined };
}

async function post(context: IExecuteFunctions, itemIndex: number, input: MirrorInput, plan: Extract<MirrorPlan, { action: 'post' }>): Promise<IDataObject> {
	if (plan.thread) {
		const { message, target, teamsThreadId, threaded } = await postInReplyTo(context, itemIndex, input, plan.thread);
		return {
			outcome: 'replied',
			row: rowAsData(rowFor(input, target, message, teamsThreadId)),
			teamsMessage: message,
			...(threaded ? {} : { threadNotMapped: true }),
		};
	}
	const target: MessageTarget = input.target.kind === 'channel' ? { ...input.target, replyToId: undefined } : input.target;
	const message = await postMessage(context, itemIndex, target, await input.draft(), input.attribution);
	return {
		outcome: 'posted',
		row: rowAsData(rowFor(input, target, message, '')),
		teamsMessage: message,
		...(plan.threadNotMapped ? { threadNotMapped: true } : {}),
	};
}

function isRefusal(error: unknown): boolean {
	const failure = graphFailureOf(error);
	if (failure) return failure.status === 401 || failure.status === 403;
	return /not signed in/i.test((error as Error)?.message ?? '');
}

/** Why the sender credential cannot act on a message the row says the sender posted, or undefined when it can. */
async function senderCannotAct(context: IExecuteFunctions, row: MirrorRow): Promise<string | undefined> {
	if (!hasSenderCredential(context)) return 'the node has no sender credential';
	const sender = await senderFacts(context);
	if (sender === undefined) return 'the node has no sender credential';
	if (sender === 'notSignedIn') return 'the sender credential is not signed in';
	if (row.teamsAuthorId && sender.userId.toLowerCase() !== row.teamsAuthorId.toLowerCase()) {
		return `the sender credential is ${sender.displayName}, not the message's author`;
	}
	return undefined;
}

async function edit(context: IExecuteFunctions, itemIndex: number, input: MirrorInput, row: MirrorRow): Promise<IDataObject> {
	const target = conversationOf(row, input.target);
	const draft = await input.draft();
	const updatedRow = (message: IDataObject): IDataObject =>
		rowUpdateAsData({
			...row,
			contentHash: input.event.contentHash,
			teamsEditedAt: String(message.lastEditedDateTime ?? row.teamsEditedAt),
			teamsFingerprint: fingerprintOf(message) || row.teamsFingerprint,
		});
	let refusedBecause: string | undefined;
	let credential: PosterCredential = INTEGRATION_ACCOUNT;
	if (row.postedAs === 'sender') {
		refusedBecause = await senderCannotAct(context, row);
		credential = SENDER;
	}
	if (refusedBecause === undefined) {
		const content =
			credential === INTEGRATION_ACCOUNT && input.attribution.senderName.trim() !== ''
				? renderAttribution(input.attribution.template, { senderName: input.attribution.senderName, platform: input.attribution.platform, text: draft.content })
				: draft.content;
		try {
			const message = await editMessage(context, itemIndex, credential, target, row.teamsMessageId, { ...draft, content });
			return { outcome: 'edited', row: updatedRow(message), teamsMessage: message };
		} catch (error) {
			if (credential !== SENDER || !isRefusal(error)) return passOn(context.getNode(), error, itemIndex);
			refusedBecause = 'Graph refused the sender credential';
		}
	}
	// Fall back as a post does: the new text goes out as a new message in the thread, attributed when the
	// integration account posts it; the mapping keeps pointing at the original message.
	const { message } = await postInReplyTo(context, itemIndex, input, row);
	return {
		outcome: 'editPostedAsReply',
		reason: `Not edited in place (${refusedBecause}; Teams lets only the author edit): the new text was posted in reply to the original.`,
		row: rowUpdateAsData({ ...row, contentHash: input.event.contentHash }),
		teamsMessage: message,
	};
}

async function remove(context: IExecuteFunctions, itemIndex: number, input: MirrorInput, row: MirrorRow): Promise<IDataObject> {
	const target = conversationOf(row, input.target);
	let credential: PosterCredential = INTEGRATION_ACCOUNT;
	if (row.postedAs === 'sender') {
		const why = await senderCannotAct(context, row);
		if (why !== undefined) {
			throw new NodeOperationError(context.getNode(), `Cannot delete Teams message ${row.teamsMessageId}: it was posted with the sender credential and ${why}`, {
				itemIndex,
				description: 'Teams lets only the author delete a message. Connect the sender credential of the author again, or delete the message in Teams.',
			});
		}
		credential = SENDER;
	}
	try {
		const result = await softDeleteMessage(context, itemIndex, credential, target, row.teamsMessageId, false);
		return { outcome: 'deleted', row: rowAsData({ ...row, deleted: true }), teamsMessage: result };
	} catch (error) {
		if (graphFailureOf(error)?.status === 404) {
			// Gone in Teams already (the chat or channel was deleted): nothing left to delete.
			return { outcome: 'alreadyDeleted', reason: `Teams no longer has message ${row.teamsMessageId}.`, row: rowAsData({ ...row, deleted: true }) };
		}
		return passOn(context.getNode(), error, itemIndex);
	}
}

async function carryOut(context: IExecuteFunctions, itemIndex: number, input: MirrorInput): Promise<IDataObject> {
	const plan = planMirror(input.event, input.row, input.threadRow);
	switch (plan.action) {
		case 'post':
			return await post(context, itemIndex, input, plan);
		case 'edit':
			return await edit(context, itemIndex, input, plan.row);
		case 'delete':
			return await remove(context, itemIndex, input, plan.row);
		case 'skip':
			if (plan.outcome === 'notMapped' && input.unmapped === 'fail') {
				throw new NodeOperationError(context.getNode(), `No mapping row for ${input.event.platform} message '${input.event.outsideId}': cannot mirror its ${input.event.type === 'edited' ? 'edit' : 'deletion'}`, {
					itemIndex,
					description: WHY_NOT.notMapped,
				});
			}
			return { outcome: plan.outcome, reason: WHY_NOT[plan.outcome], row: plan.row ? rowUpdateAsData(plan.row) : null };
	}
}

/**
 * Prepare Only: the pending row a workflow saves before the Mirror that posts, edits or deletes with the sender
 * credential (an edit: the new text's teamsFingerprint; a delete: teamsFingerprint PENDING_DELETE),
 * so that the Teams → outside flow, which may hear of that post before its mapping row is saved (queue mode: the
 * post is made on a worker, the trigger runs in main), recognises it (by author and teamsFingerprint) and drops it.
 * Posts of the integration account need none (the trigger knows its user id in every process): row null.
 * Nothing in Teams changes.
 */
export async function prepareEvent(context: IExecuteFunctions, input: MirrorInput): Promise<IDataObject> {
	const { event } = input;
	const output = (result: IDataObject): IDataObject => ({ eventType: event.type, platform: event.platform, outsideId: event.outsideId, ...result });
	const plan = planMirror(event, input.row, input.threadRow);
	const none = (reason: string) => output({ outcome: 'noPendingRow', reason, row: null });
	if (plan.action === 'edit' || plan.action === 'delete') {
		if (plan.row.postedAs !== 'sender') {
			return none("The integration account acts on this message: the trigger recognises its edits and deletes by author ('Ignore Messages Posted by This Package').");
		}
		const why = await senderCannotAct(context, plan.row);
		if (why !== undefined) return none(`The sender credential will not act on this message (${why}).`);
		if (plan.action === 'delete') {
			// The mirror is about to delete it: a `deleted` trigger item of this row is then its own.
			return output({ outcome: 'pending', row: rowUpdateAsData({ ...plan.row, teamsFingerprint: PENDING_DELETE }) });
		}
		// Only the fingerprint changes (the sender edits without attribution): the rest, contentHash included, stays as
		// mirrored, for the Mirror that follows.
		const edited = messageFingerprint({ contentType: 'html', content: (await input.draft()).content }) ?? '';
		return output({ outcome: 'pending', row: rowUpdateAsData({ ...plan.row, teamsFingerprint: edited }) });
	}
	if (plan.action !== 'post') return none(`Nothing is posted, edited or deleted for this event (${plan.outcome}).`);
	const sender = await senderFacts(context);
	if (sender === undefined || sender === 'notSignedIn') {
		return none("The integration account posts (no usable sender credential): the trigger recognises its posts by author ('Ignore Messages Posted by This Package').");
	}
	// The sender posts without attribution: the message's text is the draft's (a chat quote adds no text).
	const fingerprint = messageFingerprint({ contentType: 'html', content: (await input.draft()).content }) ?? '';
	const senderId = sender.userId;
	const thread = plan.thread;
	const conversation = thread ? conversationOf(thread, input.target) : input.target;
	const row: MirrorRow = {
		platform: event.platform,
		outsideId: event.outsideId,
		outsideThreadId: isInThread(event) ? event.outsideThreadId : '',
		teamsMessageId: '',
		teamsThreadId: thread && conversation.kind === 'channel' ? thread.teamsThreadId || thread.teamsMessageId : '',
		teamId: conversation.kind === 'channel' ? conversation.teamId : '',
		channelId: conversation.kind === 'channel' ? conversation.channelId : '',
		chatId: conversation.kind === 'chat' ? conversation.chatId : '',
		origin: 'outside',
		postedAs: 'sender',
		teamsAuthorId: senderId,
		contentHash: event.contentHash,
		teamsEditedAt: '',
		deleted: false,
		teamsFingerprint: fingerprint,
	};
	return output({ outcome: 'pending', row: rowAsData(row) });
}

/**
 * Mirrors one event. The same event twice in one run (same platform, id, type and text) is carried out once;
 * the repeat says `duplicate` and carries the same row.
 */
export async function mirrorEvent(context: IExecuteFunctions, itemIndex: number, input: MirrorInput): Promise<IDataObject> {
	const { event } = input;
	const key = `mirror:${event.platform}\u0000${event.outsideId}\u0000${event.type}\u0000${event.contentHash}`;
	let firstTime = false;
	const result = await memoized(context, key, async () => {
		firstTime = true;
		return await carryOut(context, itemIndex, input);
	});
	const output: IDataObject = { eventType: event.type, platform: event.platform, outsideId: event.outsideId, ...result };
	if (firstTime || result.row === null) return output;
	const repeat: IDataObject = { ...output, outcome: 'duplicate', reason: 'The same event came twice in this run: it was mirrored once.' };
	delete repeat.teamsMessage;
	return repeat;
}
