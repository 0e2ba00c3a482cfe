import { contentToHtml } from '../../../nodes/M365TeamsMessage/helpers/draft';
import { markdownToTeamsHtml } from '../../../nodes/M365TeamsMessage/helpers/markdown';

describe('markdownToTeamsHtml', () => {
	it('converts emphasis, strikethrough, code and links', () => {
		expect(markdownToTeamsHtml('**bold** and *it* and _it2_ and ~~gone~~ and `a*b*c` [site](https://x.y/?a=1&b=2)')).toBe(
			'<p><strong>bold</strong> and <em>it</em> and <em>it2</em> and <s>gone</s> and <code>a*b*c</code> <a href="https://x.y/?a=1&amp;b=2">site</a></p>',
		);
	});

	it('keeps snake_case words and lone asterisks as text', () => {
		expect(markdownToTeamsHtml('a_b_c and 2 * 3')).toBe('<p>a_b_c and 2 * 3</p>');
	});

	it('converts headings, rules, quotes and paragraphs with line breaks as chat clients show them', () => {
		expect(markdownToTeamsHtml('# Title\n\nline one\nline two\n\n---\n> quoted\n> more')).toBe(
			'<h1>Title</h1><p>line one<br>line two</p><hr><blockquote><p>quoted<br>more</p></blockquote>',
		);
	});

	it('converts lists, ordered with a start number, and nested lists', () => {
		expect(markdownToTeamsHtml('- a\n- b\n  - c\n\n3. x\n4. y')).toBe(
			'<ul><li>a</li><li>b<ul><li>c</li></ul></li></ul><ol start="3"><li>x</li><li>y</li></ol>',
		);
	});

	it('converts fenced code without formatting inside', () => {
		expect(contentToHtml('markdown', '```js\nconst a = 1 < 2 && **b**;\n```')).toBe(
			'<pre><code>const a = 1 &lt; 2 &amp;&amp; **b**;\n</code></pre>',
		);
	});

	it('escapes raw HTML and refuses unsafe link schemes', () => {
		expect(markdownToTeamsHtml('<script>alert(1)</script> [x](javascript:void) [y](/relative)')).toBe(
			'<p>&lt;script&gt;alert(1)&lt;/script&gt; [x](javascript:void) [y](/relative)</p>',
		);
	});

	it('turns autolinks into links', () => {
		expect(markdownToTeamsHtml('see <https://example.com/path>')).toBe(
			'<p>see <a href="https://example.com/path">https://example.com/path</a></p>',
		);
	});

	// The cases users met with the earlier hand-written converter (issue 16).
	it('keeps parentheses, asterisks and underscores inside a URL as part of it', () => {
		expect(markdownToTeamsHtml('[Mercury](https://en.wikipedia.org/wiki/Mercury_(planet))')).toBe(
			'<p><a href="https://en.wikipedia.org/wiki/Mercury_(planet)">Mercury</a></p>',
		);
		expect(markdownToTeamsHtml('[x](https://a.example/c_d_e*f*g) and *y*')).toBe(
			'<p><a href="https://a.example/c_d_e*f*g">x</a> and <em>y</em></p>',
		);
	});

	it('renders a link with a title, indented code, and fenced code inside a list item', () => {
		expect(markdownToTeamsHtml('[t](https://x.example "The title")')).toBe('<p><a href="https://x.example" title="The title">t</a></p>');
		expect(markdownToTeamsHtml('    if (a) {\n        b();\n    }')).toBe('<pre><code>if (a) {\n    b();\n}\n</code></pre>');
		expect(markdownToTeamsHtml('1. step\n\n   ```\n   npm ci\n   ```\n2. next')).toBe(
			'<ol><li><p>step</p><pre><code>npm ci\n</code></pre></li><li><p>next</p></li></ol>',
		);
	});

	it('shows an image as a link to it', () => {
		expect(markdownToTeamsHtml('![the chart](https://x.example/c.png)')).toBe('<p><a href="https://x.example/c.png">the chart</a></p>');
		expect(markdownToTeamsHtml('![x](javascript:alert(1))')).toBe('<p>![x](javascript:alert(1))</p>');
	});

	it('renders GitHub tables', () => {
		expect(markdownToTeamsHtml('| a | b |\n|---|---|\n| 1 | 2 |')).toBe(
			'<table><thead><tr><th>a</th><th>b</th></tr></thead><tbody><tr><td>1</td><td>2</td></tr></tbody></table>',
		);
	});

	it('hostile input at the size limit converts to its text, unformatted', () => {
		const links = '[a]('.repeat(7_000);
		expect(markdownToTeamsHtml(links)).toBe(`<p>${links}</p>`);
		const brackets = '['.repeat(28_000);
		expect(markdownToTeamsHtml(brackets)).toBe(`<p>${brackets}</p>`);
		const ticks = '`a'.repeat(14_000);
		const html = markdownToTeamsHtml(ticks);
		expect(html.replace(/<[^>]+>/g, '').split('a').length - 1).toBe(14_000);
	});

	it.each([
		['*a', 14_000],
		['_a', 14_000],
		['**a', 9_000],
		['> ', 14_000],
		['- ', 14_000],
		['1. ', 9_000],
		['<a "', 7_000],
	])('hostile input at the size limit (%j repeated) converts, keeping every letter and no foreign tag', (unit, times) => {
		const html = markdownToTeamsHtml(unit.repeat(times));
		expect(html).not.toMatch(/<(?!\/?(?:p|ul|ol|li|blockquote|pre|code|em|strong|br|hr)\b)/);
		const letters = unit.replace(/[^a]/g, '').length * times;
		expect(html.replace(/<[^>]+>/g, '').split('a').length - 1).toBe(letters);
	});
});
