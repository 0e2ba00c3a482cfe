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

	it('converts headings, rules, quotes and paragraphs with line breaks', () => {
		expect(markdownToTeamsHtml('# Title\n\nline one\nline two\n\n---\n> quoted\n> more')).toBe(
			'<h1>Title</h1><p>line one<br/>line two</p><hr/><blockquote><p>quoted<br/>more</p></blockquote>',
		);
	});

	it('converts lists, ordered with a start number, and nested lists', () => {
		expect(markdownToTeamsHtml('- a\n- b\n  - c\n\n3. x\n4. y')).toBe(
			'<ul><li>a</li><li>b<ul><li>c</li></ul></li></ul><ol start="3"><li>x</li><li>y</li></ol>',
		);
	});

	it('converts fenced code without formatting inside', () => {
		expect(markdownToTeamsHtml('```js\nconst a = 1 < 2 && **b**;\n```')).toBe(
			'<pre><code>const a = 1 &lt; 2 &amp;&amp; **b**;</code></pre>',
		);
	});

	it('escapes raw HTML and refuses unsafe link schemes', () => {
		expect(markdownToTeamsHtml('<script>alert(1)</script> [x](javascript:void)')).toBe(
			'<p>&lt;script&gt;alert(1)&lt;/script&gt; x</p>',
		);
	});

	it('turns autolinks into links', () => {
		expect(markdownToTeamsHtml('see <https://example.com/path>')).toBe(
			'<p>see <a href="https://example.com/path">https://example.com/path</a></p>',
		);
	});
});
