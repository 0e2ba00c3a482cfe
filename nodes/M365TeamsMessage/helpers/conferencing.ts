/**
 * Chat-session conferencing: the system messages sent to a Teams user brought into a customer chat held
 * elsewhere, and how that user's replies are read. Defaults are the contact-centre wording users know;
 * every text is a template the workflow can change.
 */
import { htmlToPlainText } from './html';

export interface ConferencingTemplates {
	invitation: string;
	partyJoined: string;
	partyLeft: string;
	sessionEnded: string;
	invitationAccepted: string;
	invitationDeclined: string;
}

export interface ConferencingKeywords {
	positive: string;
	negative: string;
	leave: string;
}

export const DEFAULT_TEMPLATES: ConferencingTemplates = {
	invitation: 'You are invited to customer chat session, would you like to accept ({positive}/{negative})?',
	partyJoined: '{name} joined the session',
	partyLeft: '{name} left the session',
	sessionEnded: 'Customer chat session ended',
	invitationAccepted: '{name} accepted the invitation',
	invitationDeclined: '{name} declined the invitation',
};

export const DEFAULT_KEYWORDS: ConferencingKeywords = { positive: 'YES', negative: 'NO', leave: 'BYE' };

export type AnnouncementKind = 'partyJoined' | 'partyLeft' | 'sessionEnded' | 'invitationAccepted' | 'invitationDeclined';

export interface TemplateValues {
	name?: string;
	sessionName?: string;
	inviterName?: string;
}

/** Fills {name}, {sessionName}, {inviterName}, {positive}, {negative} and {leave}; unknown placeholders stay. */
export function renderConferencingText(
	template: string,
	values: TemplateValues,
	keywords: ConferencingKeywords = DEFAULT_KEYWORDS,
): string {
	const known: Record<string, string | undefined> = {
		name: values.name,
		sessionName: values.sessionName,
		inviterName: values.inviterName,
		positive: keywords.positive,
		negative: keywords.negative,
		leave: keywords.leave,
	};
	return template
		.replace(/\{(\w+)\}/g, (match, key: string) => (key in known ? (known[key] ?? '') : match))
		.replace(/\s+/g, ' ')
		.trim();
}

export type ReplyKind = 'positive' | 'negative' | 'leave' | 'text';

export interface ReplyClassification {
	kind: ReplyKind;
	/** The reply as plain text (HTML removed, whitespace collapsed). */
	text: string;
	/** For ordinary text: relay it to the customer chat. */
	relay: boolean;
	/** For the leave keyword: the Teams user leaves, the session ends for them. */
	endsSession: boolean;
}

function normalizeKeyword(text: string): string {
	return text.replace(/\s+/g, ' ').trim().toLowerCase();
}

/**
 * Reads a Teams reply: the positive, negative or leave keyword (case, surrounding whitespace and a final
 * "." or "!" ignored, HTML stripped), or ordinary text to relay.
 */
export function classifyReply(
	messageContent: string,
	keywords: ConferencingKeywords = DEFAULT_KEYWORDS,
): ReplyClassification {
	const text = htmlToPlainText(messageContent);
	const candidate = normalizeKeyword(text).replace(/[.!]+$/, '').trim();
	const order: Array<[Exclude<ReplyKind, 'text'>, string]> = [
		['positive', keywords.positive],
		['negative', keywords.negative],
		['leave', keywords.leave],
	];
	for (const [kind, keyword] of order) {
		const expected = normalizeKeyword(keyword);
		if (expected !== '' && candidate === expected) {
			return { kind, text, relay: false, endsSession: kind === 'leave' };
		}
	}
	return { kind: 'text', text, relay: text !== '', endsSession: false };
}
