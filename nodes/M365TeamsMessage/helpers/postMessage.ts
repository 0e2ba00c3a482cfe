/**
 * Posting one message: choose the poster, attribute when the integration account posts for someone, recognise
 * its own message after a lost answer so it never posts twice, check the size, post, and fall back to the integration
 * account when Graph refuses the sender's token.
 */
import type { ChatMessage, ChatMessageAttachment, ChatMessageMention } from '@microsoft/microsoft-graph-types';
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { rememberPostedByThisPackage } from '../../shared/teamsEcho';
import { graphFailureOf, graphRequest, type GraphCollection } from '../../shared/transport';
import { renderAttribution } from './attribution';
import { INTEGRATION_ACCOUNT, SENDER, type PosterCredential } from './credentialTypes';
import { notSignedInMessage, passOn } from './errors';
import { findPosted, type PostedLookup } from './findPosted';
import { integrationAccountIdentity, senderFacts, type AccountIdentity } from './identities';
import { messageSizeProblem } from './messageSize';
import { postKey } from './postKey';
import { alreadyPosted, knownMessageIds, rememberPosted } from './postedRegistry';
import { formatMessage, withUnresolvedMentions } from './output';
import { choosePoster, fallBackAfterSenderRefused, isSenderRefusal, type PosterDecision } from './poster';
import { messagesPath, targetFacts, targetKey, type MessageTarget } from './targets';

/** A mention the node was asked for but could not make; the message went out without it. */
export interface UnresolvedMention {
	/** As given: UPN, email or user id. */
	reference: string;
	reason: string;
}

export interface MessageDraft {
	/** Final HTML of the message itself (sanitized, mentions and card tags in place), before attribution. */
	content: string;
	mentions: ChatMessageMention[];
	/** Mentions asked for that could not be made (reported in the output). */
	unresolvedMentions?: UnresolvedMention[];
	attachments: ChatMessageAttachment[];
	subject?: string;
	importance?: 'normal' | 'high' | 'urgent';
}

export interface AttributionSettings {
	/** Who really wrote the message; without it the integration account posts without attribution. */
	senderName: string;
	platform: string;
	template: string;
}

/** How many of the newest messages are searched for our marker after a lost answer (Graph's $top maximum). */
const VERIFY_WINDOW = 50;

function isNotSignedIn(error: unknown): boolean {
	return graphFailureOf(error) === undefined && /not signed in/i.test((error as Error)?.message ?? '');
}

/** Rethrows, replacing "not signed in" of the integration account with our wording (credential named, Connect again). */
function explainIntegrationAccountFailure(context: IExecuteFunctions, error: unknown, itemIndex: number): never {
	if (isNotSignedIn(error)) {
		const name = context.getNode().credentials?.[INTEGRATION_ACCOUNT]?.name ?? 'Microsoft 365 Integration Account';
		throw new NodeOperationError(context.getNode(), notSignedInMessage(name), { itemIndex });
	}
	return passOn(context.getNode(), error, itemIndex);
}

export async function integrationAccountOrExplain(context: IExecuteFunctions, itemIndex: number): Promise<AccountIdentity> {
	try {
		return await integrationAccountIdentity(context);
	} catch (error) {
		return explainIntegrationAccountFailure(context, error, itemIndex);
	}
}

/** Finds the message we posted among the newest ones of the target, as `credentialType` sees them. */
async function findOurMessage(
	context: IExecuteFunctions,
	credentialType: PosterCredential,
	target: MessageTarget,
	lookup: Omit<PostedLookup, 'authorId'>,
): Promise<ChatMessage | undefined> {
	const qs: IDataObject = { $top: VERIFY_WINDOW };
	// Chats list by last change unless asked; channels and replies list newest first.
	if (target.kind === 'chat') qs.$orderby = 'createdDateTime desc';
	const page = await (graphRequest<GraphCollection<ChatMessage>>).call(context, {
		credentialType,
		method: 'GET',
		url: messagesPath(target),
		qs,
	});
	const author = credentialType === SENDER ? await senderFacts(context) : await integrationAccountIdentity(context);
	const authorId = typeof author === 'object' ? author.userId : '';
	return findPosted(page.value, { ...lookup, authorId });
}

function renderContent(draft: MessageDraft, decision: PosterDecision, attribution: AttributionSettings): string {
	if (!decision.attribute || attribution.senderName.trim() === '') return draft.content;
	return renderAttribution(attribution.template, {
		senderName: attribution.senderName,
		platform: attribution.platform,
		text: draft.content,
	});
}

async function postAs(
	context: IExecuteFunctions,
	itemIndex: number,
	target: MessageTarget,
	draft: MessageDraft,
	decision: PosterDecision,
	attribution: AttributionSettings,
): Promise<ChatMessage> {
	const visible = renderContent(draft, decision, attribution);
	const executionId = context.getExecutionId();
	const nodeName = context.getNode().name;
	const content = visible;
	const key = postKey({ executionId, nodeName, itemIndex, target: targetKey(target), content });
	const earlier = alreadyPosted(executionId, nodeName, key);
	if (earlier) return earlier;
	const attemptStartedMs = Date.now();
	const tooLarge = messageSizeProblem(content, draft.attachments);
	if (tooLarge) throw new NodeOperationError(context.getNode(), tooLarge, { itemIndex });
	const body: IDataObject = { body: { contentType: 'html', content } };
	if (draft.mentions.length > 0) body.mentions = draft.mentions as unknown as IDataObject[];
	if (draft.attachments.length > 0) body.attachments = draft.attachments as unknown as IDataObject[];
	if (draft.subject) body.subject = draft.subject;
	if (draft.importance && draft.importance !== 'normal') body.importance = draft.importance;
	const credentialType: PosterCredential = decision.postedAs.identity === 'sender' ? SENDER : INTEGRATION_ACCOUNT;
	const message = await (graphRequest<ChatMessage>).call(context, {
		credentialType,
		method: 'POST',
		url: messagesPath(target),
		body,
		itemIndex,
		verifyAfterAmbiguousFailure: async () =>
			await findOurMessage(context, credentialType, target, {
				content,
				attachmentIds: draft.attachments.map((attachment) => attachment.id ?? ''),
				attemptStartedMs,
				knownIds: knownMessageIds(executionId, nodeName),
			}),
	});
	rememberPosted(executionId, nodeName, key, message);
	rememberPostedByThisPackage(message.id);
	return message;
}

export async function postMessage(
	context: IExecuteFunctions,
	itemIndex: number,
	target: MessageTarget,
	draft: MessageDraft,
	attribution: AttributionSettings,
): Promise<IDataObject> {
	const account = await integrationAccountOrExplain(context, itemIndex);
	const facts = await targetFacts(context, target, account, itemIndex);
	const sender = await senderFacts(context);
	let decision = choosePoster({
		integrationAccount: account,
		sender,
		targetTenantId: facts.tenantId,
		senderIsMember: typeof sender === 'object' ? facts.memberUserIds.has(sender.userId.toLowerCase()) : undefined,
	});
	let message: ChatMessage | undefined;
	try {
		message = await postAs(context, itemIndex, target, draft, decision, attribution);
	} catch (error) {
		if (decision.postedAs.identity !== 'sender') return explainIntegrationAccountFailure(context, error, itemIndex);
		const refused = isSenderRefusal(graphFailureOf(error)?.status) || isNotSignedIn(error);
		if (!refused) return passOn(context.getNode(), error, itemIndex);
		decision = fallBackAfterSenderRefused(account);
	}
	if (message === undefined) {
		try {
			message = await postAs(context, itemIndex, target, draft, decision, attribution);
		} catch (error) {
			return explainIntegrationAccountFailure(context, error, itemIndex);
		}
	}
	// Posted by this package, whoever posted it; by the integration account when it did.
	const output = { ...formatMessage(message, account.userId), postedByThisPackage: true };
	return withUnresolvedMentions({ ...output, postedAs: { ...decision.postedAs } }, draft);
}
