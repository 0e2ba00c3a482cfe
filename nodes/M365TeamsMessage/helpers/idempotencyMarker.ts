/**
 * An invisible marker in each message we post, so that after a lost answer (timeout, dropped connection, 5xx
 * after Graph applied the post) we can find the message among the newest ones and never post it twice.
 *
 * The marker is a run of zero-width characters at the end of the HTML body: invisible in Teams, kept by Teams
 * (it is text, not markup, so HTML sanitizing leaves it), and derived from the execution id, the node, the item
 * index and a hash of the content and target. The same item posted again in the same execution (a transport
 * retry) carries the same marker; another item, or another execution, carries another one.
 */
import { createHash } from 'crypto';

/** Two bits per character. */
const DIGITS = ['\u200B', '\u200C', '\u200D', '\u2062'];
/** Opens and closes the marker, so it can be told apart from zero-width characters a user typed. */
const FENCE = '\u2063\u2060\u2063';
const MARKER_BYTES = 10;

export interface MarkerSource {
	executionId: string;
	nodeName: string;
	itemIndex: number;
	/** Where the message goes: team/channel, chat, reply parent. */
	target: string;
	/** The body content before the marker is added. */
	content: string;
}

export function markerKey(source: MarkerSource): string {
	return createHash('sha256')
		.update([source.executionId, source.nodeName, String(source.itemIndex), source.target, source.content].join('\u0000'))
		.digest('hex')
		.slice(0, MARKER_BYTES * 2);
}

export function encodeMarker(key: string): string {
	let encoded = FENCE;
	for (const hexDigit of key) {
		const value = parseInt(hexDigit, 16);
		encoded += DIGITS[value >> 2] + DIGITS[value & 3];
	}
	return encoded + FENCE;
}

export function addMarker(content: string, source: MarkerSource): { content: string; marker: string } {
	const marker = encodeMarker(markerKey(source));
	return { content: content + marker, marker };
}

export function hasMarker(content: string | null | undefined, marker: string): boolean {
	return typeof content === 'string' && content.includes(marker);
}

/** Reads the key back out of a message body, or undefined if it has none. */
export function readMarkerKey(content: string): string | undefined {
	const start = content.indexOf(FENCE);
	if (start < 0) return undefined;
	const end = content.indexOf(FENCE, start + FENCE.length);
	if (end < 0) return undefined;
	const digits = content.slice(start + FENCE.length, end);
	if (digits.length % 2 !== 0) return undefined;
	let key = '';
	for (let index = 0; index < digits.length; index += 2) {
		const high = DIGITS.indexOf(digits[index]);
		const low = DIGITS.indexOf(digits[index + 1]);
		if (high < 0 || low < 0) return undefined;
		key += ((high << 2) | low).toString(16);
	}
	return key;
}

/** The content a user sees: the marker removed (for output and for comparing edits). */
export function stripMarker(content: string): string {
	return content.replace(new RegExp(`${FENCE}(?:${DIGITS.join('|')})*${FENCE}`, 'g'), '');
}
