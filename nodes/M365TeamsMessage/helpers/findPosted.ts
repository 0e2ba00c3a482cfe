/**
 * After a lost answer: which of the newest messages of the target is the one we just posted, if any.
 *
 * Teams re-serialises the HTML it stores (wrapping, attribute and entity normalisation, see the emulator's
 * `teamsHtmlRewriting` rule), so the stored body is not compared as sent. A message is ours when all of these hold:
 * - the same author (the account that posted);
 * - the same visible text: both bodies reduced to their plain text (tags and wrappers removed, entities decoded,
 *   invisible characters dropped, whitespace collapsed), which Teams' rewriting does not change;
 * - the same card and quote attachments (their ids are ours and Teams keeps them);
 * - created after the attempt began (less a clock-skew margin);
 * - not a message this run already posted or matched, so two items with the same text are never taken for one.
 * Of several that qualify, the oldest: the first attempt of this item, not a later post of the same text.
 */
import type { ChatMessage } from '@microsoft/microsoft-graph-types';

import { visibleText } from '../../shared/teamsText';

export const CLOCK_SKEW_MS = 5 * 60_000;

export interface PostedLookup {
	/** The HTML we sent. */
	content: string;
	/** Ids of the attachments we sent (cards, quoted messages). */
	attachmentIds: string[];
	authorId: string;
	attemptStartedMs: number;
	/** Ids of messages this run already posted or matched. */
	knownIds: Set<string>;
}

/** The text a reader sees (defined once, with the fingerprint two-way bridges use: nodes/shared/teamsText.ts). */
export { visibleText };

function sameAttachments(message: ChatMessage, ids: string[]): boolean {
	const stored = (message.attachments ?? []).map((attachment) => attachment.id ?? '').sort();
	return stored.length === ids.length && [...ids].sort().every((id, index) => id === stored[index]);
}

export function findPosted(messages: ChatMessage[], lookup: PostedLookup): ChatMessage | undefined {
	const wanted = visibleText(lookup.content);
	if (wanted === '' && lookup.attachmentIds.length === 0) return undefined;
	const candidates = messages.filter(
		(message) =>
			!lookup.knownIds.has(message.id ?? '') &&
			message.from?.user?.id?.toLowerCase() === lookup.authorId.toLowerCase() &&
			Date.parse(message.createdDateTime ?? '') >= lookup.attemptStartedMs - CLOCK_SKEW_MS &&
			visibleText(message.body?.content) === wanted &&
			sameAttachments(message, lookup.attachmentIds),
	);
	return candidates.sort((a, b) => Date.parse(a.createdDateTime ?? '') - Date.parse(b.createdDateTime ?? ''))[0];
}
