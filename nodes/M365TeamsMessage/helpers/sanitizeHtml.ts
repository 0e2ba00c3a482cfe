/**
 * Allowlist sanitizer for message HTML: keeps the markup Teams renders, drops scripts, event handlers,
 * styles that can hide content, and javascript: links. Teams sanitizes too, but a workflow relaying text from
 * outside (a customer chat, a form) must not depend on that.
 */
import { escapeHtml } from './html';

const ALLOWED_TAGS = new Set([
	'a', 'at', 'attachment', 'b', 'blockquote', 'br', 'code', 'del', 'div', 'em', 'h1', 'h2', 'h3', 'h4',
	'h5', 'h6', 'hr', 'i', 'img', 'li', 'ol', 'p', 'pre', 's', 'span', 'strike', 'strong', 'sub', 'sup',
	'table', 'tbody', 'td', 'th', 'thead', 'tr', 'u', 'ul',
]);

/** Elements removed with everything inside them. */
const DROPPED_WITH_CONTENT = new Set([
	'script', 'style', 'iframe', 'object', 'embed', 'noscript', 'template', 'svg', 'math', 'frame',
	'frameset', 'applet', 'textarea', 'select', 'title', 'head',
]);

const VOID_TAGS = new Set(['br', 'hr', 'img']);

const ALLOWED_ATTRIBUTES: Record<string, Set<string>> = {
	a: new Set(['href', 'title']),
	at: new Set(['id']),
	attachment: new Set(['id']),
	img: new Set(['src', 'alt', 'width', 'height', 'itemtype']),
	td: new Set(['colspan', 'rowspan']),
	th: new Set(['colspan', 'rowspan']),
	ol: new Set(['start']),
};

const URL_ATTRIBUTES = new Set(['href', 'src']);

function isSafeUrl(value: string): boolean {
	// Browsers ignore control characters and whitespace inside a scheme ("java\tscript:"), so strip them first.
	// eslint-disable-next-line no-control-regex
	const compact = value.replace(/[\u0000-\u0020\u007F-\u009F]/g, '').toLowerCase();
	const scheme = /^([a-z][a-z0-9+.-]*):/.exec(compact);
	if (!scheme) return !compact.startsWith('//');
	return ['http', 'https', 'mailto', 'tel'].includes(scheme[1]);
}

const ATTRIBUTE_PATTERN = /([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;

function sanitizeAttributes(tag: string, rawAttributes: string): string {
	const allowed = ALLOWED_ATTRIBUTES[tag];
	if (!allowed) return '';
	const kept: string[] = [];
	for (const match of rawAttributes.matchAll(ATTRIBUTE_PATTERN)) {
		const name = match[1].toLowerCase();
		if (!allowed.has(name)) continue;
		const value = match[2] ?? match[3] ?? match[4] ?? '';
		if (URL_ATTRIBUTES.has(name) && !isSafeUrl(value)) continue;
		kept.push(`${name}="${escapeHtml(value.replace(/&quot;/g, '"').replace(/&amp;/g, '&'))}"`);
	}
	return kept.length > 0 ? ` ${kept.join(' ')}` : '';
}

const TOKEN_PATTERN = /<!--[\s\S]*?(?:-->|$)|<(\/?)([a-zA-Z][a-zA-Z0-9-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>|<![^>]*>?|[^<]+|</y;

export function sanitizeHtml(html: string): string {
	let output = '';
	let position = 0;
	/** While set, output is suppressed until this element closes. */
	let droppingUntil: string | undefined;
	let droppingDepth = 0;
	while (position < html.length) {
		TOKEN_PATTERN.lastIndex = position;
		const match = TOKEN_PATTERN.exec(html);
		if (!match) {
			output += droppingUntil ? '' : escapeHtml(html[position]);
			position += 1;
			continue;
		}
		const token = match[0];
		position += token.length;
		const tagName = match[2]?.toLowerCase();
		if (tagName === undefined) {
			if (droppingUntil) continue;
			// Text stays as-is (it may already hold entities); a stray "<" or a comment/doctype is dropped or escaped.
			if (token.startsWith('<')) {
				if (token === '<') output += '&lt;';
				continue;
			}
			output += token.replace(/>/g, '&gt;');
			continue;
		}
		const isClosing = match[1] === '/';
		if (droppingUntil) {
			if (tagName === droppingUntil) droppingDepth += isClosing ? -1 : 1;
			if (droppingDepth === 0) droppingUntil = undefined;
			continue;
		}
		if (DROPPED_WITH_CONTENT.has(tagName)) {
			const selfClosing = /\/\s*$/.test(match[3]);
			if (!isClosing && !selfClosing) {
				droppingUntil = tagName;
				droppingDepth = 1;
			}
			continue;
		}
		if (!ALLOWED_TAGS.has(tagName)) continue;
		if (isClosing) {
			if (!VOID_TAGS.has(tagName)) output += `</${tagName}>`;
			continue;
		}
		const attributes = sanitizeAttributes(tagName, match[3]);
		output += VOID_TAGS.has(tagName) ? `<${tagName}${attributes}/>` : `<${tagName}${attributes}>`;
	}
	return output;
}
