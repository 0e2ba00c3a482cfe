/**
 * Markdown to the HTML Teams renders, through markdown-it (CommonMark 0.31, with GFM tables and strikethrough).
 *
 * Why markdown-it (compared in docs/nodes/M365TeamsMessage.md, "Markdown"): it passes the whole CommonMark spec,
 * is maintained, ships CommonJS (n8n loads community nodes with require), escapes raw HTML when `html` is off, and
 * lets us decide which link schemes are allowed. commonmark.js has no strikethrough or tables, micromark and marked
 * are ES-module packages, and marked leaves sanitizing to the caller.
 *
 * Configured for Teams: raw HTML off (it shows as text), links only to http(s), mailto and tel (others stay as
 * their Markdown text), images as links to the image (Teams shows only images hosted with the message), a single
 * line break inside a paragraph becomes a line break as in chat clients, no typographic replacements, no automatic
 * links (Teams' own clients link bare URLs), no newlines between blocks (only inside code). The result still goes
 * through the sanitizer.
 */
import MarkdownIt from 'markdown-it';

const SAFE_LINK = /^(?:https?:\/\/|mailto:|tel:)/i;

/** A markdown-it instance configured for Teams (exported for the conformance tests). */
export function createTeamsMarkdown(): MarkdownIt {
	const markdown = new MarkdownIt('default', { html: false, linkify: false, typographer: false, breaks: true });
	// markdown-it refuses javascript:, vbscript:, file: and data: by default; Teams needs fewer schemes still, and
	// never relative links (they would point into Teams).
	markdown.validateLink = (url: string) => SAFE_LINK.test(url.trim());
	// Line breaks without the newline markdown-it adds after them (it would be a space in Teams' rendering).
	markdown.renderer.rules.hardbreak = () => '<br>';
	markdown.renderer.rules.softbreak = () => '<br>';
	// An image becomes a link to it, its alt text the label (markdown-it has checked the URL like a link's).
	markdown.renderer.rules.image = (tokens, index, options, env, self) => {
		const token = tokens[index];
		const label = self.renderInlineAsText(token.children ?? [], options, env) || (token.attrGet('src') ?? '');
		const title = token.attrGet('title');
		const escape = markdown.utils.escapeHtml;
		return `<a href="${escape(token.attrGet('src') ?? '')}"${title ? ` title="${escape(title)}"` : ''}>${escape(label)}</a>`;
	};
	// Blocks without newlines between them; code keeps its own.
	markdown.core.ruler.push('teams_compact', (state) => {
		for (const token of state.tokens) token.block = false;
	});
	for (const rule of ['fence', 'code_block'] as const) {
		const render = markdown.renderer.rules[rule];
		if (!render) continue;
		markdown.renderer.rules[rule] = (...args) => render(...args).replace(/\n$/, '');
	}
	return markdown;
}

const renderer = createTeamsMarkdown();

/** Teams HTML for Markdown source. Not sanitized yet: the caller sanitizes, as for every HTML body. */
export function markdownToTeamsHtml(markdown: string): string {
	return renderer.render(markdown);
}
