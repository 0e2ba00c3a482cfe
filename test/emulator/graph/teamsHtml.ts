// How Teams re-serialises the HTML body of a posted or edited message (rule `teamsHtmlRewriting`, rules.ts; see
// test/emulator/README.md, "Teams and chats").
//
// Microsoft documents that Teams renders a subset of HTML (messages with @mentions need `<at id>`, cards an
// `<attachment id>`: chatmessage.md, chat-post-messages.md) and shows what Teams delivers for rich text as
// `<div><div>...</div>\n</div>` (Teams platform, bots/how-to/conversations/conversation-messages), but it does not
// document what a Graph-posted body looks like when read back. The Graph docs' examples return the posted content
// unchanged, so wrapping is off by default; everything else here is the safer reading for a client that must
// recognise its own message after a lost answer:
// - 'normalize' (default): the body is parsed as HTML and serialised again: lower-case tags, void elements without
//   a slash (`<br/>` -> `<br>`), every attribute double-quoted, entities normalised (`&#39;` -> `'`, U+00A0 ->
//   `&nbsp;`), unclosed elements closed, comments dropped, attributes Teams does not render dropped, and invisible
//   format characters (zero-width space/joiners, word joiner, invisible operators, BOM) removed from the text;
// - 'wrap': as 'normalize', and the whole body wrapped in `<div><div>...</div>\n</div>` as Teams delivers rich text;
// - 'off': stored as posted.
import { parseFragment, serialize } from 'parse5';
import type { DefaultTreeAdapterMap } from 'parse5';

import type { RuleDefinition, RulesControl } from '../rules';

export type HtmlRewriting = 'normalize' | 'wrap' | 'off';

type Node = DefaultTreeAdapterMap['node'];
type ParentNode = DefaultTreeAdapterMap['parentNode'];

/** Attributes kept per element; every other attribute is dropped. */
const KEPT_ATTRIBUTES: Record<string, string[]> = {
	a: ['href', 'title', 'target', 'rel'],
	img: ['src', 'alt', 'width', 'height', 'itemtype', 'itemscope', 'itemid', 'style'],
	at: ['id'],
	attachment: ['id'],
	td: ['colspan', 'rowspan'],
	th: ['colspan', 'rowspan'],
	ol: ['start'],
	span: ['style', 'itemtype', 'itemscope', 'itemid'],
	p: ['style'],
	div: ['style'],
};

// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u200B-\u200D\u2060-\u2064\uFEFF]/g;

function clean(node: ParentNode): void {
	node.childNodes = node.childNodes.filter((child: Node) => child.nodeName !== '#comment');
	for (const child of node.childNodes) {
		if (child.nodeName === '#text') {
			const text = child as DefaultTreeAdapterMap['textNode'];
			text.value = text.value.replace(INVISIBLE, '');
			continue;
		}
		if ('attrs' in child) {
			const kept = KEPT_ATTRIBUTES[child.tagName] ?? [];
			child.attrs = child.attrs.filter((attribute) => kept.includes(attribute.name));
		}
		if ('childNodes' in child) clean(child as ParentNode);
	}
}

/** The body as Teams stores it under the given rewriting mode. */
export function rewriteTeamsHtml(content: string, mode: HtmlRewriting): string {
	if (mode === 'off') return content;
	const fragment = parseFragment(content);
	clean(fragment);
	const html = serialize(fragment);
	return mode === 'wrap' ? `<div><div>${html}</div>\n</div>` : html;
}

const MODES: readonly HtmlRewriting[] = ['normalize', 'wrap', 'off'];

/** The rule: 'normalize' (default), 'wrap' or 'off'. */
export const HTML_REWRITING_RULE: RuleDefinition<HtmlRewriting> = {
	name: 'teamsHtmlRewriting',
	defaultValue: 'normalize',
	invalid: (value) => (MODES.includes(value as HtmlRewriting) ? undefined : 'takes "normalize", "wrap" or "off"'),
	description: 'Teams re-serialises the HTML body of posted and edited messages: "normalize" (parse and serialise again), "wrap" (and wrap it as Teams delivers rich text), "off" (stored as posted)',
};

export function htmlRewritingOf(rules: RulesControl): HtmlRewriting {
	return rules.get<HtmlRewriting>(HTML_REWRITING_RULE.name);
}
