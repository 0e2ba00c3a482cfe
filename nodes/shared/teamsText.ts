/**
 * The text of a Teams message as a reader sees it, and its fingerprint: the one definition that both sides of a
 * two-way bridge use to recognise a message (the Teams Message node's Mirror operation, for what it posts; the
 * Microsoft 365 Trigger and the Polling Trigger, for the message as Graph returns it).
 *
 * Teams re-serialises the HTML it stores (entities, attributes, void elements, possibly a wrapping `<div>`), so
 * neither the HTML nor its hash can be compared as sent. What survives that rewriting is the visible text: every
 * entity decoded, tags dropped (a space in their place, so words in neighbouring elements never run together),
 * invisible format characters removed, whitespace collapsed.
 */
import { createHash } from 'crypto';

import sanitize from 'sanitize-html';

/**
 * The invisible marker earlier versions of the Teams Message node ended every body with (U+2063 U+2060 U+2063,
 * digits from U+200B U+200C U+200D U+2062, U+2063 U+2060 U+2063); no longer added, removed wherever it is read.
 */
const LEGACY_MARKER = /\u2063\u2060\u2063(?:\u200B|\u200C|\u200D|\u2062)*\u2063\u2060\u2063/g;

/** The content without the marker of earlier versions (for output and for comparing edits). */
export function stripLegacyMarker(content: string): string {
	return content.replace(LEGACY_MARKER, '');
}

const TEXT_ONLY: sanitize.IOptions = {
	allowedTags: [],
	allowedAttributes: {},
	nonTextTags: ['script', 'style'],
};

const INVISIBLE = /[\u200B-\u200D\u2060-\u2064\uFEFF]/g;

/** Whitespace collapsed, invisible format characters removed. */
function collapsed(text: string): string {
	return text.replace(INVISIBLE, '').replace(/\s+/g, ' ').trim();
}

/**
 * The text a reader sees, the same before and after Teams re-serialises the HTML: every entity decoded (an HTML
 * parser does it), tags dropped, invisible characters removed, whitespace collapsed.
 */
export function visibleText(html: string | null | undefined): string {
	// A space before every tag, so that words in neighbouring elements never run together.
	return collapsed(
		sanitize(stripLegacyMarker(html ?? '').replace(/</g, ' <'), TEXT_ONLY)
			.replace(/&lt;/g, '<')
			.replace(/&gt;/g, '>')
			.replace(/&quot;/g, '"')
			.replace(/&amp;/g, '&'),
	);
}

/** SHA-256 (first 32 hex) of text as a reader sees it (NFC, invisible characters out, whitespace collapsed). */
export function textFingerprint(text: string): string {
	return createHash('sha256')
		.update(collapsed(stripLegacyMarker(text)).normalize('NFC'), 'utf8')
		.digest('hex')
		.slice(0, 32);
}

/**
 * The fingerprint of a message body (`{ contentType, content }` as Graph returns it or as the node posts it):
 * textFingerprint() of its visible text; a `text` body is read as text, not as HTML. null without a body.
 * Messages without text (a card only) share the fingerprint of the empty text.
 */
export function messageFingerprint(body: { contentType?: string | null; content?: string | null } | null | undefined): string | null {
	if (body === null || body === undefined) return null;
	const content = body.content ?? '';
	return textFingerprint(String(body.contentType ?? 'html').toLowerCase() === 'text' ? content : visibleText(content));
}

/** A message's `contentFingerprint` as the triggers emit it: messageFingerprint() of its body; null once deleted. */
export function contentFingerprintOf(message: { deletedDateTime?: string | null; body?: { contentType?: string | null; content?: string | null } | null }): string | null {
	if (message.deletedDateTime) return null;
	return messageFingerprint(message.body);
}
