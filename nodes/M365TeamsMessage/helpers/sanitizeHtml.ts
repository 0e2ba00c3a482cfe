/**
 * Allowlist sanitizer for message HTML, on sanitize-html (htmlparser2's tokenizer, a linear state machine): keeps
 * the markup Teams renders, drops scripts, styles, event handlers and every link that is not http(s), mailto or tel.
 * Teams sanitizes too, but a workflow relaying text from outside (a customer chat, a form) must not depend on that.
 *
 * What it guarantees (test/unit/M365TeamsMessage/sanitizeHtml*.test.ts):
 * - no active content: 0 of the DOMPurify fixtures, OWASP's filter-evasion list and a public payload list pass;
 * - every element it opens is closed, so what follows (attribution, a card tag) never ends up inside relayed markup;
 * - `<at>` and `<attachment>` never pass: only the node adds mentions and card tags, after sanitizing;
 * - attribute values are decoded once (every named and numeric entity) and escaped once;
 * - idempotent: sanitizing twice gives what sanitizing once gave.
 * Why this library over the earlier hand-written tokenizer: docs/nodes/M365TeamsMessage.md, "HTML".
 */
import sanitize from 'sanitize-html';

/** The markup Teams renders in a message body. */
const ALLOWED_TAGS = [
	'a', 'b', 'blockquote', 'br', 'code', 'del', 'div', 'em', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'i', 'img',
	'li', 'ol', 'p', 'pre', 's', 'span', 'strike', 'strong', 'sub', 'sup', 'table', 'tbody', 'td', 'th', 'thead',
	'tr', 'u', 'ul',
];

/** Elements removed with everything inside them (their content is code, not text). */
const DROPPED_WITH_CONTENT = [
	'script', 'style', 'textarea', 'option', 'noscript', 'iframe', 'object', 'embed', 'template', 'svg', 'math',
	'frame', 'frameset', 'applet', 'select', 'title', 'head', 'xmp', 'noembed', 'noframes', 'plaintext',
];

const SAFE_URL = /^(?:https?:\/\/|mailto:|tel:)/i;
const SAFE_IMAGE_URL = /^https?:\/\//i;

/** Links to http(s), mailto and tel only: no relative links (they would point into Teams), no other scheme. */
function keepSafeUrl(attribute: 'href' | 'src', pattern: RegExp): sanitize.Transformer {
	return (tagName, attribs) => {
		const value = attribs[attribute];
		if (value === undefined || pattern.test(value.trim())) return { tagName, attribs };
		const rest = { ...attribs };
		delete rest[attribute];
		return { tagName, attribs: rest };
	};
}

const OPTIONS: sanitize.IOptions = {
	allowedTags: ALLOWED_TAGS,
	allowedAttributes: {
		a: ['href', 'title'],
		img: ['src', 'alt', 'width', 'height'],
		td: ['colspan', 'rowspan'],
		th: ['colspan', 'rowspan'],
		ol: ['start'],
	},
	allowedSchemes: ['http', 'https', 'mailto', 'tel'],
	allowedSchemesByTag: { img: ['http', 'https'] },
	allowedSchemesAppliedToAttributes: ['href', 'src'],
	allowProtocolRelative: false,
	allowedStyles: {},
	allowVulnerableTags: false,
	disallowedTagsMode: 'discard',
	nonTextTags: DROPPED_WITH_CONTENT,
	transformTags: { a: keepSafeUrl('href', SAFE_URL), img: keepSafeUrl('src', SAFE_IMAGE_URL) },
	parser: { lowerCaseTags: true, lowerCaseAttributeNames: true, decodeEntities: true },
};

/**
 * Clean HTML. A second pass reads the first pass's output as a browser would (an element the first pass dropped can
 * have kept, say, a `<p>` open that a heading then closes), so passes repeat until the output no longer changes;
 * one extra pass settles every input the property tests and the XSS corpora produce, and the bound keeps it linear.
 */
export function sanitizeHtml(html: string): string {
	let clean = sanitize(html, OPTIONS);
	for (let pass = 0; pass < 3; pass++) {
		const again = sanitize(clean, OPTIONS);
		if (again === clean) return clean;
		clean = again;
	}
	return clean;
}
