/**
 * The attribution line the integration account adds when it posts for someone else, so readers see who wrote.
 *
 * The name and platform come from another system, so they are cleaned before they are shown: control characters,
 * bidirectional overrides and isolates (which can reverse what follows, "‮tnemyap" shown as "payment") and
 * invisible characters are removed, whitespace is collapsed, the length capped, and the result HTML-escaped. The
 * default template says the sender is outside the organisation, as Teams labels external people.
 */
import { escapeHtml } from './html';

export const DEFAULT_ATTRIBUTION_TEMPLATE = '<b>{senderName}</b> (external, via {platform}):<br/>{text}';

/** Longest sender name and platform shown, in user-perceived characters. */
export const MAX_SENDER_NAME_LENGTH = 64;
export const MAX_PLATFORM_LENGTH = 32;
/** Shown when nothing is left of the sender name, so a message posted for someone never looks like the account's own. */
export const UNKNOWN_SENDER = 'Unknown sender';

export interface AttributionValues {
	senderName: string;
	platform: string;
	/** Message content, already HTML. */
	text: string;
}

/**
 * C0 and C1 controls, bidirectional marks, embeddings, overrides and isolates (U+061C, U+200E, U+200F,
 * U+202A-U+202E, U+2066-U+2069), zero-width space and other invisible formatting characters, soft hyphen, blank
 * fillers (U+115F, U+1160, U+3164, U+FFA0: "Hangul filler" names that look empty), and U+FFF9-U+FFFB. Zero-width
 * joiner and non-joiner stay (emoji sequences and several scripts need them), as do variation selectors (emoji).
 */
// eslint-disable-next-line no-control-regex
const INVISIBLE_OR_CONTROL = /[\u0000-\u0008\u000E-\u001F\u007F-\u009F\u00AD\u061C\u115F\u1160\u180E\u200B\u200E\u200F\u202A-\u202E\u2060-\u206F\u3164\uFEFF\uFFA0\uFFF9-\uFFFB]/g;
// eslint-disable-next-line no-control-regex
const SPACES = /[\s\u0009-\u000D\u2028\u2029]+/g;

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** A name from another system as it may be shown: visible characters only, one line, at most `maxLength` long. */
export function cleanDisplayText(value: string, maxLength: number): string {
	const visible = value.replace(SPACES, ' ').replace(INVISIBLE_OR_CONTROL, '').replace(SPACES, ' ').trim();
	const characters = Array.from(graphemes.segment(visible), (part) => part.segment);
	if (characters.length <= maxLength) return visible;
	return `${characters.slice(0, maxLength - 1).join('').trimEnd()}…`;
}

/**
 * Fills {senderName}, {platform} and {text}. Sender name and platform are cleaned and escaped; the text is the
 * already-built HTML body. A template without {text} still gets the text appended, so a template typo never loses
 * the message.
 */
export function renderAttribution(template: string, values: AttributionValues): string {
	const chosen = template.trim() === '' ? DEFAULT_ATTRIBUTION_TEMPLATE : template;
	const hasText = chosen.includes('{text}');
	const senderName = cleanDisplayText(values.senderName, MAX_SENDER_NAME_LENGTH) || UNKNOWN_SENDER;
	const platform = cleanDisplayText(values.platform, MAX_PLATFORM_LENGTH) || 'another app';
	const filled = chosen.replace(/\{(senderName|platform|text)\}/g, (_match, key: string) => {
		if (key === 'text') return values.text;
		return escapeHtml(key === 'senderName' ? senderName : platform);
	});
	return hasText ? filled : `${filled}<br/>${values.text}`;
}
