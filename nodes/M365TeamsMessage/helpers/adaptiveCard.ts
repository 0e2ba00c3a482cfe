/**
 * An Adaptive Card as a chatMessage attachment: contentType application/vnd.microsoft.card.adaptive, the card
 * JSON as a string in `content`, and an <attachment id="..."></attachment> tag in the body where Teams shows it.
 */
import type { ChatMessageAttachment } from '@microsoft/microsoft-graph-types';
import { createHash } from 'crypto';

export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

export type CardParseResult = { card: Record<string, unknown> } | { error: string };

export function parseAdaptiveCard(input: unknown): CardParseResult {
	let card: unknown = input;
	if (typeof input === 'string') {
		if (input.trim() === '') return { error: 'The Adaptive Card is empty' };
		try {
			card = JSON.parse(input);
		} catch (error) {
			return { error: `The Adaptive Card is not valid JSON (${(error as Error).message})` };
		}
	}
	if (typeof card !== 'object' || card === null || Array.isArray(card)) {
		return { error: 'The Adaptive Card must be a JSON object' };
	}
	const type = (card as Record<string, unknown>).type;
	if (type !== 'AdaptiveCard') {
		return { error: `The Adaptive Card must have "type": "AdaptiveCard" (got ${JSON.stringify(type)})` };
	}
	return { card: card as Record<string, unknown> };
}

export function adaptiveCardAttachment(card: Record<string, unknown>): {
	attachment: ChatMessageAttachment;
	bodyTag: string;
} {
	const content = JSON.stringify(card);
	// A stable id per card keeps retried posts identical, which the duplicate check relies on.
	const id = createHash('sha256').update(content).digest('hex').slice(0, 32);
	return {
		attachment: { id, contentType: ADAPTIVE_CARD_CONTENT_TYPE, contentUrl: null, content, name: null, thumbnailUrl: null },
		bodyTag: `<attachment id="${id}"></attachment>`,
	};
}
