// The Markdown converter against the CommonMark spec's own examples (spec 0.31.2, CC-BY-SA 4.0, kept in
// fixtures/commonmark-spec-0.31.2.json with their example numbers), for the sections of constructs Teams renders.
//
// The converter differs from CommonMark on purpose in four ways, each handled here and tested on its own:
// raw HTML is text (examples where CommonMark would pass HTML through are checked to show it as text instead),
// links go only to http(s), mailto and tel (examples with other links are checked not to link them), a soft line
// break is a line break (the expected HTML's soft breaks become <br>), images become links (examples with
// images are left out). Whitespace between blocks is not compared (the converter writes none).
import MarkdownIt from 'markdown-it';

import { contentToHtml } from '../../../nodes/M365TeamsMessage/helpers/draft';
import { createTeamsMarkdown, markdownToTeamsHtml } from '../../../nodes/M365TeamsMessage/helpers/markdown';
import spec from './fixtures/commonmark-spec-0.31.2.json';

interface SpecExample {
	example: number;
	section: string;
	markdown: string;
	html: string;
}

const BLOCK_TAG = '(?:p|ul|ol|li|blockquote|h[1-6]|pre|hr|table|thead|tbody|tr|th|td)';

/** The spec's HTML as the converter writes it: no newlines between blocks, soft breaks as <br>, <br>/<hr> unslashed. */
function asTeamsWritesIt(html: string): string {
	return html
		.split(/(<pre>[\s\S]*?<\/pre>)/)
		.map((part, index) => {
			if (index % 2 === 1) return part;
			return part
				.replace(/<(br|hr) \/>/g, '<$1>')
				.replace(/<br>\n/g, '<br>')
				.replace(new RegExp(`(<\\/?${BLOCK_TAG}\\b[^>]*>)\\n`, 'g'), '$1')
				.replace(new RegExp(`\\n(?=<\\/?${BLOCK_TAG}\\b)`, 'g'), '')
				.replace(/\n$/, '')
				.replace(/\n/g, '<br>');
		})
		.join('');
}

const SAFE_HREF = /^(?:https?:\/\/|mailto:|tel:)/i;
const withHtml = new MarkdownIt('commonmark', { html: true });
const withoutHtml = new MarkdownIt('commonmark', { html: false });
const safeLinksOnly = new MarkdownIt('commonmark', { html: false });
safeLinksOnly.validateLink = (url) => SAFE_HREF.test(url);

/** Not comparable: a newline in the text (from &#10;) or in a link title is not a soft line break. */
const LITERAL_NEWLINE = [39, 198];

const examples = (spec.examples as SpecExample[]).filter(
	(example) => !example.markdown.includes('![') && !LITERAL_NEWLINE.includes(example.example),
);
/** Examples where CommonMark passes raw HTML through. */
const rawHtml = examples.filter((example) => withHtml.render(example.markdown) !== withoutHtml.render(example.markdown));
/** Examples with a link (or link definition) to a relative address or another scheme. */
const unsafeLinks = examples.filter(
	(example) => !rawHtml.includes(example) && safeLinksOnly.render(example.markdown) !== withoutHtml.render(example.markdown),
);
const conforming = examples.filter((example) => !rawHtml.includes(example) && !unsafeLinks.includes(example));

describe('Markdown: CommonMark spec examples of the constructs Teams renders', () => {
	it('covers every section Teams renders, with most examples compared as they are', () => {
		const sections = new Set(conforming.map((example) => example.section));
		for (const section of ['Thematic breaks', 'ATX headings', 'Setext headings', 'Indented code blocks', 'Fenced code blocks', 'Paragraphs', 'Block quotes', 'List items', 'Lists', 'Backslash escapes', 'Entity and numeric character references', 'Code spans', 'Emphasis and strong emphasis', 'Links', 'Link reference definitions', 'Autolinks', 'Hard line breaks', 'Soft line breaks']) {
			expect(sections).toContain(section);
		}
		expect(conforming.length).toBeGreaterThan(400);
		// Counted in the node's doc: compared as they are, raw HTML shown as text, other links not linked.
		expect([conforming.length, rawHtml.length, unsafeLinks.length]).toEqual([433, 15, 100]);
	});

	it.each(conforming.map((example) => [example.example, example.section, example] as const))(
		'example %i (%s) renders as CommonMark says',
		(_number, _section, example) => {
			expect(markdownToTeamsHtml(example.markdown)).toBe(asTeamsWritesIt(example.html));
		},
	);

	it.each(rawHtml.map((example) => [example.example, example.section, example] as const))(
		'example %i (%s): raw HTML shows as text, no tag of it reaches the message',
		(_number, _section, example) => {
			const html = contentToHtml('markdown', example.markdown);
			expect(html).not.toMatch(/<(?!\/?(?:p|ul|ol|li|blockquote|h[1-6]|pre|code|hr|br|em|strong|a|table|thead|tbody|tr|th|td|s)\b)[a-z!?/]/i);
		},
	);

	// The same converter with CommonMark's link check instead of the Teams one: everything but the link policy.
	const anyLink = createTeamsMarkdown();
	anyLink.validateLink = withoutHtml.validateLink;

	it.each(unsafeLinks.map((example) => [example.example, example.section, example] as const))(
		'example %i (%s): a link that is not http(s), mailto or tel is not a link; with any link allowed it renders as CommonMark says',
		(_number, _section, example) => {
			expect(anyLink.render(example.markdown)).toBe(asTeamsWritesIt(example.html));
			const html = contentToHtml('markdown', example.markdown);
			for (const match of html.matchAll(/href="([^"]*)"/g)) expect(match[1]).toMatch(/^(?:$|https?:\/\/|mailto:|tel:)/i);
		},
	);
});
