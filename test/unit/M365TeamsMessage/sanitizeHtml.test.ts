import { sanitizeHtml } from '../../../nodes/M365TeamsMessage/helpers/sanitizeHtml';

describe('sanitizeHtml', () => {
	it('keeps the markup Teams renders', () => {
		const html = '<p>Hi <b>there</b>, <a href="https://example.com/a?b=1&amp;c=2" title="t">link</a><br>ok</p><ul><li>x</li></ul>';
		expect(sanitizeHtml(html)).toBe(
			'<p>Hi <b>there</b>, <a href="https://example.com/a?b=1&amp;c=2" title="t">link</a><br/>ok</p><ul><li>x</li></ul>',
		);
	});

	it('removes scripts and styles with their content, and event handlers', () => {
		expect(sanitizeHtml('a<script>alert(1)</script>b<style>p{}</style>c')).toBe('abc');
		expect(sanitizeHtml('<img src="https://x/y.png" onerror="alert(1)">')).toBe('<img src="https://x/y.png"/>');
		expect(sanitizeHtml('<p onclick="x()" style="display:none">t</p>')).toBe('<p>t</p>');
		expect(sanitizeHtml('<SCRIPT type="text/javascript">evil()</SCRIPT>ok')).toBe('ok');
		expect(sanitizeHtml('<iframe src="https://x"></iframe>ok')).toBe('ok');
	});

	it('drops javascript: and data: links, including obfuscated ones', () => {
		expect(sanitizeHtml('<a href="javascript:alert(1)">x</a>')).toBe('<a>x</a>');
		expect(sanitizeHtml('<a href="java\tscript:alert(1)">x</a>')).toBe('<a>x</a>');
		expect(sanitizeHtml('<a href=" JAVASCRIPT:alert(1)">x</a>')).toBe('<a>x</a>');
		expect(sanitizeHtml('<img src="data:image/svg+xml;base64,AAA">')).toBe('<img/>');
		expect(sanitizeHtml('<a href="mailto:a@b.c">m</a>')).toBe('<a href="mailto:a@b.c">m</a>');
	});

	it('unwraps unknown tags and keeps their text, and keeps mention and attachment tags', () => {
		expect(sanitizeHtml('<custom-tag x="1">text</custom-tag>')).toBe('text');
		expect(sanitizeHtml('<at id="0">Jane</at> <attachment id="abc"></attachment>')).toBe('<at id="0">Jane</at> <attachment id="abc"></attachment>');
	});

	it('escapes stray angle brackets and drops comments', () => {
		expect(sanitizeHtml('1 < 2 and 3 > 2')).toBe('1 &lt; 2 and 3 &gt; 2');
		expect(sanitizeHtml('a<!-- <script>x</script> -->b')).toBe('ab');
	});

	it('does not let quoting tricks smuggle attributes', () => {
		expect(sanitizeHtml('<a href="https://x" title=\'a" onclick="b\'>x</a>')).toBe('<a href="https://x" title="a&quot; onclick=&quot;b">x</a>');
	});
});
