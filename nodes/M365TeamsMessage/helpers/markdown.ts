/**
 * Markdown to the HTML Teams renders. A small converter rather than a library: the subset chat users write
 * (headings, emphasis, strikethrough, code, links, lists, quotes, rules) is short to convert, and the package
 * avoids another runtime dependency. Single line breaks inside a paragraph become <br/>, as in chat clients.
 * All text is escaped, so raw HTML in Markdown input shows as text; links keep only http(s), mailto and tel.
 */
import { escapeHtml } from './html';

const SAFE_LINK = /^(https?:\/\/|mailto:|tel:)/i;

function renderInlineText(text: string): string {
	let html = escapeHtml(text);
	html = html.replace(/&lt;((?:https?:\/\/|mailto:)[^\s&]+)&gt;/gi, (_m, url: string) => `<a href="${url}">${url}</a>`);
	html = html.replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (_match, label: string, url: string) =>
		SAFE_LINK.test(url) ? `<a href="${url}">${label}</a>` : label,
	);
	html = html.replace(/\*\*(?=\S)([\s\S]*?\S)\*\*/g, '<strong>$1</strong>');
	html = html.replace(/__(?=\S)([\s\S]*?\S)__/g, '<strong>$1</strong>');
	html = html.replace(/~~(?=\S)([\s\S]*?\S)~~/g, '<s>$1</s>');
	html = html.replace(/(^|[^*\w])\*(?=\S)([^*]*?\S)\*(?!\w)/g, '$1<em>$2</em>');
	html = html.replace(/(^|[^_\w])_(?=\S)([^_]*?\S)_(?!\w)/g, '$1<em>$2</em>');
	return html;
}

/** Inline Markdown: code spans first, so nothing inside them is formatted. */
export function renderInline(text: string): string {
	const parts = text.split(/(`+)([\s\S]*?[^`])\1(?!`)/);
	let html = '';
	for (let index = 0; index < parts.length; index += 3) {
		html += renderInlineText(parts[index]);
		if (index + 2 < parts.length) html += `<code>${escapeHtml(parts[index + 2].trim())}</code>`;
	}
	return html;
}

const FENCE = /^\s*(```|~~~)(.*)$/;
const HEADING = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const RULE = /^\s{0,3}([-*_])(\s*\1){2,}\s*$/;
const QUOTE = /^\s{0,3}>\s?(.*)$/;
const LIST_ITEM = /^(\s*)([-*+]|\d{1,9}[.)])\s+(.*)$/;

function indentOf(line: string): number {
	return line.length - line.trimStart().length;
}

function renderList(lines: string[], start: number): { html: string; next: number } {
	const first = LIST_ITEM.exec(lines[start]);
	if (!first) return { html: '', next: start + 1 };
	const baseIndent = first[1].length;
	const ordered = /\d/.test(first[2]);
	const items: string[][] = [];
	let index = start;
	while (index < lines.length) {
		const line = lines[index];
		const item = LIST_ITEM.exec(line);
		if (item && item[1].length === baseIndent && /\d/.test(item[2]) === ordered) {
			items.push([item[3]]);
			index += 1;
			continue;
		}
		if (line.trim() === '') {
			// A blank line ends the list unless the next line continues it.
			const nextLine = lines[index + 1];
			if (nextLine !== undefined && (indentOf(nextLine) > baseIndent || LIST_ITEM.test(nextLine))) {
				const nextItem = LIST_ITEM.exec(nextLine);
				if (nextItem && nextItem[1].length <= baseIndent && /\d/.test(nextItem[2]) !== ordered) break;
				index += 1;
				continue;
			}
			break;
		}
		if (indentOf(line) > baseIndent && items.length > 0) {
			items[items.length - 1].push(line.slice(Math.min(indentOf(line), baseIndent + 2)));
			index += 1;
			continue;
		}
		break;
	}
	const tag = ordered ? 'ol' : 'ul';
	const startNumber = ordered ? parseInt(first[2], 10) : 1;
	const startAttribute = ordered && startNumber !== 1 ? ` start="${startNumber}"` : '';
	const body = items
		.map((itemLines) => {
			const [head, ...nested] = itemLines;
			const nestedHtml = nested.length > 0 ? renderBlocks(nested) : '';
			return `<li>${renderInline(head)}${nestedHtml}</li>`;
		})
		.join('');
	return { html: `<${tag}${startAttribute}>${body}</${tag}>`, next: index };
}

function renderBlocks(lines: string[]): string {
	const blocks: string[] = [];
	let paragraph: string[] = [];
	const flushParagraph = () => {
		if (paragraph.length > 0) blocks.push(`<p>${paragraph.map(renderInline).join('<br/>')}</p>`);
		paragraph = [];
	};
	let index = 0;
	while (index < lines.length) {
		const line = lines[index];
		const fence = FENCE.exec(line);
		if (fence) {
			flushParagraph();
			const code: string[] = [];
			index += 1;
			while (index < lines.length && !lines[index].trim().startsWith(fence[1])) {
				code.push(lines[index]);
				index += 1;
			}
			index += 1;
			blocks.push(`<pre><code>${escapeHtml(code.join('\n'))}</code></pre>`);
			continue;
		}
		if (line.trim() === '') {
			flushParagraph();
			index += 1;
			continue;
		}
		const heading = HEADING.exec(line);
		if (heading) {
			flushParagraph();
			const level = heading[1].length;
			blocks.push(`<h${level}>${renderInline(heading[2])}</h${level}>`);
			index += 1;
			continue;
		}
		if (RULE.test(line)) {
			flushParagraph();
			blocks.push('<hr/>');
			index += 1;
			continue;
		}
		if (QUOTE.test(line)) {
			flushParagraph();
			const quoted: string[] = [];
			while (index < lines.length && QUOTE.test(lines[index])) {
				quoted.push((QUOTE.exec(lines[index]) as RegExpExecArray)[1]);
				index += 1;
			}
			blocks.push(`<blockquote>${renderBlocks(quoted)}</blockquote>`);
			continue;
		}
		if (LIST_ITEM.test(line)) {
			flushParagraph();
			const list = renderList(lines, index);
			blocks.push(list.html);
			index = list.next;
			continue;
		}
		paragraph.push(line.trim());
		index += 1;
	}
	flushParagraph();
	return blocks.join('');
}

export function markdownToTeamsHtml(markdown: string): string {
	return renderBlocks(markdown.replace(/\r\n?/g, '\n').split('\n'));
}
