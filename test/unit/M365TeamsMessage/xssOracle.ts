// How a browser would read sanitized message HTML: parse5 (the WHATWG HTML parsing algorithm) parses it, and
// every element, attribute and URL is checked against what the sanitizer promises to let through.
import { parseFragment } from 'parse5';
import type { DefaultTreeAdapterMap } from 'parse5';

type Node = DefaultTreeAdapterMap['node'];
type Element = DefaultTreeAdapterMap['element'];

const ALLOWED: Record<string, string[]> = {
	a: ['href', 'title'], b: [], blockquote: [], br: [], code: [], del: [], div: [], em: [], h1: [], h2: [], h3: [],
	h4: [], h5: [], h6: [], hr: [], i: [], img: ['src', 'alt', 'width', 'height'], li: [], ol: ['start'], p: [], pre: [],
	s: [], span: [], strike: [], strong: [], sub: [], sup: [], table: [], tbody: [], td: ['colspan', 'rowspan'],
	th: ['colspan', 'rowspan'], thead: [], tr: [], u: [], ul: [],
};

function isElement(node: Node): node is Element {
	return 'tagName' in node;
}

function* elements(node: Node): Generator<Element> {
	if (isElement(node)) yield node;
	for (const child of 'childNodes' in node ? node.childNodes : []) yield* elements(child);
	if (isElement(node) && node.tagName === 'template') yield* elements((node as unknown as { content: Node }).content);
}

/**
 * What in `html` is outside the allowlist, empty when nothing: elements and attributes not allowed (scripts, event
 * handlers, styles, ...), URLs with another scheme (javascript:, data:, ...), and relative URLs (marked "relative":
 * not active, but they would point into Teams).
 */
export function activeContent(html: string): string[] {
	const problems: string[] = [];
	for (const element of elements(parseFragment(html) as unknown as Node)) {
		const allowed = ALLOWED[element.tagName];
		if (!allowed) {
			problems.push(`<${element.tagName}>`);
			continue;
		}
		for (const attribute of element.attrs) {
			if (!allowed.includes(attribute.name)) problems.push(`<${element.tagName} ${attribute.name}>`);
			if (attribute.name !== 'href' && attribute.name !== 'src') continue;
			// As the URL parser reads it: leading and trailing controls and spaces cut, tabs and newlines removed.
			// eslint-disable-next-line no-control-regex
			const url = attribute.value.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '').replace(/[\t\n\r]/g, '');
			const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1].toLowerCase();
			if (scheme === undefined) problems.push(`relative <${element.tagName} ${attribute.name}="${attribute.value}">`);
			else if (!['http', 'https', 'mailto', 'tel'].includes(scheme) || (element.tagName === 'img' && !scheme.startsWith('http'))) {
				problems.push(`<${element.tagName} ${attribute.name}="${attribute.value}">`);
			}
		}
	}
	return problems;
}

/** Whether markup appended after `html` stays outside it (every element of `html` closed). */
export function closesEverything(html: string): boolean {
	const fragment = parseFragment(`${html}<i id="probe"></i>`) as unknown as { childNodes: Node[] };
	return fragment.childNodes.some((node) => isElement(node) && node.attrs.some((a) => a.name === 'id' && a.value === 'probe'));
}
