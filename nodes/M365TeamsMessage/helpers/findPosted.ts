/**
 * After a lost answer: which of the newest messages of the target is the one we just posted, if any.
 *
 * First by the invisible marker (exact). Should a Teams client or policy ever strip zero-width characters, by
 * content instead: same author, same visible text, created after the attempt began (less a clock-skew margin),
 * and not a message this run already accounted for (so two items with the same text are never taken for one).
 */
import type { ChatMessage } from '@microsoft/microsoft-graph-types';

import { htmlToPlainText } from './html';
import { hasMarker, stripMarker } from './idempotencyMarker';

export const CLOCK_SKEW_MS = 5 * 60_000;

export interface PostedLookup {
	marker: string;
	/** The HTML we sent, marker included. */
	content: string;
	authorId: string;
	attemptStartedMs: number;
	/** Ids of messages this run already posted or matched. */
	knownIds: Set<string>;
}

export function findPosted(messages: ChatMessage[], lookup: PostedLookup): ChatMessage | undefined {
	const byMarker = messages.find((message) => hasMarker(message.body?.content, lookup.marker));
	if (byMarker) return byMarker;
	const wanted = htmlToPlainText(stripMarker(lookup.content));
	if (wanted === '') return undefined;
	return messages.find(
		(message) =>
			!lookup.knownIds.has(message.id ?? '') &&
			message.from?.user?.id?.toLowerCase() === lookup.authorId.toLowerCase() &&
			Date.parse(message.createdDateTime ?? '') >= lookup.attemptStartedMs - CLOCK_SKEW_MS &&
			htmlToPlainText(message.body?.content ?? '') === wanted,
	);
}
