/**
 * @mentions. Only where the workflow builder put them: in fixed message text, "@[jane@contoso.com]" (a UPN or user
 * id in square brackets) marks where a mention goes; users from Options > Mentions not placed in the text go before
 * it. Text from an expression (relayed content) is never read for placeholders. Graph needs the HTML
 * <at id="N">Name</at> and a matching entry in `mentions`, with N the index; the content reaching here is sanitized,
 * so it holds no <at> of its own and the numbering is the node's alone.
 */
import type { ChatMessageMention, TeamworkUserIdentity } from '@microsoft/microsoft-graph-types';

import { escapeHtml } from './html';

export interface MentionedUser {
	/** What the workflow gave: UPN, email or id. */
	reference: string;
	id: string;
	displayName: string;
}

const PLACEHOLDER = /@\[([^\]\s]+)\]/g;

/** The user references a text mentions through placeholders, in order of first appearance. */
export function mentionPlaceholders(html: string): string[] {
	const references: string[] = [];
	for (const match of html.matchAll(PLACEHOLDER)) {
		if (!references.some((known) => known.toLowerCase() === match[1].toLowerCase())) references.push(match[1]);
	}
	return references;
}

export function applyMentions(
	html: string,
	users: MentionedUser[],
	options: { placeholders: boolean } = { placeholders: true },
): { content: string; mentions: ChatMessageMention[] } {
	const mentions: ChatMessageMention[] = [];
	const tagFor = (user: MentionedUser) => {
		const id = mentions.length;
		// Graph types `mentioned.user` as the base Identity; Teams sends and expects a teamworkUserIdentity.
		const mentionedUser: TeamworkUserIdentity = { id: user.id, displayName: user.displayName, userIdentityType: 'aadUser' };
		mentions.push({ id, mentionText: user.displayName, mentioned: { user: mentionedUser } });
		return `<at id="${id}">${escapeHtml(user.displayName)}</at>`;
	};
	const find = (reference: string) =>
		users.find((user) => user.reference.toLowerCase() === reference.toLowerCase());
	const placed = new Set<MentionedUser>();
	let content = !options.placeholders ? html : html.replace(PLACEHOLDER, (match, reference: string) => {
		const user = find(reference);
		if (!user) return match;
		placed.add(user);
		return tagFor(user);
	});
	const leading = users.filter((user) => !placed.has(user)).map(tagFor);
	if (leading.length > 0) content = `${leading.join(' ')} ${content}`;
	return { content, mentions };
}
