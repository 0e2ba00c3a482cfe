import fc from 'fast-check';

import { sanitizeHtml } from '../../../nodes/M365TeamsMessage/helpers/sanitizeHtml';
import { activeContent, closesEverything } from './xssOracle';

describe('sanitizeHtml', () => {
	it('keeps the markup Teams renders', () => {
		const html = '<p>Hi <b>there</b>, <a href="https://example.com/a?b=1&amp;c=2" title="t">link</a><br>ok</p><ul><li>x</li></ul>';
		expect(sanitizeHtml(html)).toBe(
			'<p>Hi <b>there</b>, <a href="https://example.com/a?b=1&amp;c=2" title="t">link</a><br />ok</p><ul><li>x</li></ul>',
		);
	});

	it('removes scripts and styles with their content, and event handlers', () => {
		expect(sanitizeHtml('a<script>alert(1)</script>b<style>p{}</style>c')).toBe('abc');
		expect(sanitizeHtml('<img src="https://x/y.png" onerror="alert(1)">')).toBe('<img src="https://x/y.png" />');
		expect(sanitizeHtml('<p onclick="x()" style="display:none">t</p>')).toBe('<p>t</p>');
		expect(sanitizeHtml('<SCRIPT type="text/javascript">evil()</SCRIPT>ok')).toBe('ok');
		expect(sanitizeHtml('<iframe src="https://x"></iframe>ok')).toBe('ok');
	});

	it('drops javascript:, data: and relative links, including obfuscated ones', () => {
		expect(sanitizeHtml('<a href="javascript:alert(1)">x</a>')).toBe('<a>x</a>');
		expect(sanitizeHtml('<a href="java\tscript:alert(1)">x</a>')).toBe('<a>x</a>');
		expect(sanitizeHtml('<a href=" JAVASCRIPT:alert(1)">x</a>')).toBe('<a>x</a>');
		expect(sanitizeHtml('<a href="&#106;avascript:alert(1)">x</a>')).toBe('<a>x</a>');
		expect(sanitizeHtml('<img src="data:image/svg+xml;base64,AAA">')).toBe('<img />');
		expect(sanitizeHtml('<a href="/teams/settings">x</a><a href="//evil.example">y</a>')).toBe('<a>x</a><a>y</a>');
		expect(sanitizeHtml('<a href="mailto:a@b.c">m</a> <a href="tel:+4930123">t</a>')).toBe('<a href="mailto:a@b.c">m</a> <a href="tel:+4930123">t</a>');
	});

	it('unwraps unknown tags and keeps their text', () => {
		expect(sanitizeHtml('<custom-tag x="1">text</custom-tag>')).toBe('text');
	});

	it('never lets <at> or <attachment> from relayed HTML through (only the node adds mentions and card tags)', () => {
		expect(sanitizeHtml('<at id="0">Megan Bowen</at> approved <attachment id="74d20c7f"></attachment>')).toBe('Megan Bowen approved ');
		expect(sanitizeHtml('<AT ID=0>x</AT><at\nid="1">y</at >')).toBe('xy');
	});

	it('closes every element it opens, so what is appended after it stays outside', () => {
		expect(sanitizeHtml('<a href="https://evil.example">click <b>here')).toBe('<a href="https://evil.example">click <b>here</b></a>');
		expect(sanitizeHtml('<table><tr><td>cell')).toBe('<table><tr><td>cell</td></tr></table>');
		for (const open of ['<a href="https://x">', '<ul><li>', '<blockquote><p>', '<pre><code>', '<table><tr><td>', '<h1><i><u>']) {
			expect(closesEverything(sanitizeHtml(open))).toBe(true);
		}
	});

	it('decodes attribute values once (every entity) and escapes them once', () => {
		expect(sanitizeHtml("<a href='https://x.example/?q=it&#39;s&#x26;a=&lt;&eacute;&amp;b'>x</a>")).toBe(
			'<a href="https://x.example/?q=it\'s&amp;a=&lt;é&amp;b">x</a>',
		);
		expect(sanitizeHtml('<a href="https://x" title=\'a" onclick="b\'>x</a>')).toBe('<a href="https://x" title="a&quot; onclick=&quot;b">x</a>');
	});

	it('escapes stray angle brackets and drops comments', () => {
		expect(sanitizeHtml('1 < 2 and 3 > 2')).toBe('1 &lt; 2 and 3 &gt; 2');
		expect(sanitizeHtml('a<!-- <script>x</script> -->b')).toBe('ab');
	});

	it('hostile input at the size limit is cleaned to its text (the earlier tokenizer took seconds on it)', () => {
		expect(sanitizeHtml('<a "'.repeat(28_000))).toBe('');
		expect(sanitizeHtml("<a title='".repeat(11_000))).toBe('');
		expect(sanitizeHtml('<!--'.repeat(28_000))).toBe('');
		const nested = '<b>'.repeat(10_000) + 'x';
		expect(sanitizeHtml(nested)).toBe(`${'<b>'.repeat(10_000)}x${'</b>'.repeat(10_000)}`);
	});

	// Property tests: strings built from the pieces that matter (tags Teams keeps and does not, quotes, entities,
	// comments, unclosed tags, mention and attachment tags).
	const piece = fc.oneof(
		fc.constantFrom(
			'<a href="https://x.example/?a=1&amp;b=2">', '<a href=javascript:alert(1)>', '</a>', '<b>', '</b>', '<p>', '</p>',
			'<ul><li>', '</li>', '<table><tr><td>', '</td>', '<at id="0">', '</at>', '<attachment id="1">', '<script>',
			'</script>', '<img src=x onerror=alert(1)>', '<!--', '-->', '<', '>', '"', "'", '&', '&amp;', '&lt;', '&#39;',
			'&#x6a;', ' ', '\n', 'text', '<br>', '</br>', '<pre><code>', '<svg><a>', '<style>', '<textarea>', '<!DOCTYPE x>',
			'<a title="x', "<a title='", '<p title=">">', '=', '/', '<tr>', '</table>', '<h1>', '<i>', '</p></p>',
		),
		fc.string({ maxLength: 6 }),
	);
	const htmlish = fc.array(piece, { maxLength: 30 }).map((pieces) => pieces.join(''));

	it('is idempotent: sanitizing twice gives what sanitizing once gave', () => {
		fc.assert(
			fc.property(htmlish, (html) => {
				const once = sanitizeHtml(html);
				expect(sanitizeHtml(once)).toBe(once);
			}),
			{ numRuns: 3000, seed: 16 },
		);
	});

	it('never outputs active content, relative links, <at> or <attachment>, and closes every element', () => {
		fc.assert(
			fc.property(htmlish, (html) => {
				const clean = sanitizeHtml(html);
				expect(activeContent(clean)).toEqual([]);
				expect(clean).not.toMatch(/<\/?(?:at|attachment)\b/i);
				expect(closesEverything(clean)).toBe(true);
			}),
			{ numRuns: 3000, seed: 16 },
		);
	});
});
