/**
 * Turns an item's content parameters into the message Graph gets: text, HTML or Markdown as safe HTML, @mentions
 * resolved to directory users, and an optional Adaptive Card.
 */
import type { ChatMessageAttachment } from '@microsoft/microsoft-graph-types';
import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { adaptiveCardAttachment, parseAdaptiveCard } from './adaptiveCard';
import { plainTextToHtml } from './html';
import { markdownToTeamsHtml } from './markdown';
import { applyMentions, mentionPlaceholders, type MentionedUser } from './mentions';
import { rawContentSizeProblem } from './messageSize';
import type { MessageDraft, UnresolvedMention } from './postMessage';
import { sanitizeHtml } from './sanitizeHtml';
import { resolveUser } from './users';

export type ContentType = 'text' | 'html' | 'markdown';

export interface DraftInput {
	contentType: ContentType;
	content: string;
	/** UPNs, emails or ids to mention (a trusted field: Options > Mentions). */
	mentions: string[];
	/**
	 * Whether @[...] placeholders in the content become mentions: only when the workflow builder typed the content
	 * (fixed text). Content from an expression (relayed text) never mentions anyone.
	 */
	placeholdersFromContent: boolean;
	adaptiveCard?: unknown;
	subject?: string;
	importance?: 'normal' | 'high' | 'urgent';
	/** Attachments that must come first (a quoted chat message). */
	leadingAttachments?: ChatMessageAttachment[];
	leadingHtml?: string;
}

export function contentToHtml(contentType: ContentType, content: string): string {
	if (contentType === 'markdown') return sanitizeHtml(markdownToTeamsHtml(content));
	if (contentType === 'html') return sanitizeHtml(content);
	return plainTextToHtml(content);
}

export function splitReferences(text: string): string[] {
	return text
		.split(/[,;\n]/)
		.map((part) => part.trim())
		.filter((part) => part !== '');
}

export async function buildDraft(context: IExecuteFunctions, itemIndex: number, input: DraftInput): Promise<MessageDraft> {
	const hasCard = input.adaptiveCard !== undefined && input.adaptiveCard !== '' && input.adaptiveCard !== null;
	if (input.content.trim() === '' && !hasCard) {
		throw new NodeOperationError(context.getNode(), 'The message text is empty', {
			itemIndex,
			description: "Fill in 'Message', or add an Adaptive Card in the options.",
		});
	}
	// Size before work: content far over the limit is refused before any conversion.
	const tooLarge = rawContentSizeProblem(input.contentType, input.content);
	if (tooLarge) throw new NodeOperationError(context.getNode(), tooLarge, { itemIndex });
	let html = input.content.trim() === '' ? '' : contentToHtml(input.contentType, input.content);
	const references = input.placeholdersFromContent ? [...mentionPlaceholders(html)] : [];
	for (const reference of input.mentions) {
		if (!references.some((known) => known.toLowerCase() === reference.toLowerCase())) references.push(reference);
	}
	// A mention that cannot be resolved never loses the message: it is posted without it (a placeholder stays as
	// its text) and the output says which mention was not made and why.
	const users: MentionedUser[] = [];
	const unresolvedMentions: UnresolvedMention[] = [];
	for (const reference of references) {
		try {
			const user = await resolveUser(context, reference, itemIndex, 'mention');
			users.push({ reference, id: user.id, displayName: user.displayName });
		} catch (error) {
			unresolvedMentions.push({ reference, reason: (error as Error).message });
		}
	}
	const withMentions = applyMentions(html, users, { placeholders: input.placeholdersFromContent });
	html = withMentions.content;
	const attachments: ChatMessageAttachment[] = [...(input.leadingAttachments ?? [])];
	if (hasCard) {
		const parsed = parseAdaptiveCard(input.adaptiveCard);
		if ('error' in parsed) throw new NodeOperationError(context.getNode(), parsed.error, { itemIndex });
		const card = adaptiveCardAttachment(parsed.card);
		attachments.push(card.attachment);
		html = `${html}${card.bodyTag}`;
	}
	return {
		content: `${input.leadingHtml ?? ''}${html}`,
		mentions: withMentions.mentions,
		unresolvedMentions,
		attachments,
		subject: input.subject,
		importance: input.importance,
	};
}
