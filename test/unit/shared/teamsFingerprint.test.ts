// The content fingerprint a two-way bridge matches a sender-credential post by before its mapping row is saved:
// one function (nodes/shared/teamsText.ts), the same for the HTML the Mirror operation posts and for the message
// as Graph returns it after Teams re-serialised the HTML (the emulator's teamsHtmlRewriting rule), different for
// different text.
import { contentToHtml } from '../../../nodes/M365TeamsMessage/helpers/draft';
import { sanitizeHtml } from '../../../nodes/M365TeamsMessage/helpers/sanitizeHtml';
import { messageFingerprint, textFingerprint } from '../../../nodes/shared/teamsText';
import { rewriteTeamsHtml } from '../../emulator/graph/teamsHtml';

const html = (content: string) => ({ contentType: 'html', content });

describe('messageFingerprint', () => {
	const posted = [
		sanitizeHtml(contentToHtml('markdown', "**Deal** closed: it's done & shipped\u00a0✓ <see https://x.example/?a=1&b=2>\n\nNext: _invoice_")),
		sanitizeHtml(contentToHtml('text', 'Tom & Jerry say "hi" <3\nline two')),
		'<p>It&#39;s done &amp; <a href="https://x.example/?a=1&amp;b=2">shipped</a>\u00a0✓</p><br/><p>Next</p>',
		'<attachment id="1700000000000"></attachment><p>Quoting an earlier message</p>',
	];

	it('is the same for what is posted and what Graph returns, however Teams rewrote the HTML', () => {
		for (const content of posted) {
			const sent = messageFingerprint(html(content));
			for (const mode of ['off', 'normalize', 'wrap'] as const) {
				expect({ mode, content, fingerprint: messageFingerprint(html(rewriteTeamsHtml(content, mode))) }).toEqual({ mode, content, fingerprint: sent });
			}
			// Invisible characters (Teams drops them; the old duplicate marker) and extra whitespace change nothing.
			expect(messageFingerprint(html(`\n  ${content.replace(/ /g, '  \u200B')}\u2063\u2060\u2063\u200B\u2063\u2060\u2063 `))).toBe(sent);
		}
	});

	it('differs for different text, and does not depend on markup alone', () => {
		const fingerprints = [
			'<p>Deal closed</p>',
			'<p>Deal closed.</p>',
			'<p>deal closed</p>',
			'<p>Deal</p><p>closed again</p>',
			'<p>Tom &amp; Jerry</p>',
			'<p>Tom &amp;amp; Jerry</p>',
			'<p></p>',
		].map((content) => messageFingerprint(html(content)));
		expect(new Set(fingerprints).size).toBe(fingerprints.length);
		expect(messageFingerprint(html('<p><b>Deal</b> closed</p>'))).toBe(messageFingerprint(html('<div>Deal <i>closed</i></div>')));
		// Words in neighbouring elements never run together.
		expect(messageFingerprint(html('<p>Deal</p><p>closed</p>'))).toBe(textFingerprint('Deal closed'));
	});

	it('reads a plain-text body as text, not as HTML', () => {
		expect(messageFingerprint({ contentType: 'text', content: 'a <b> c &amp; d' })).toBe(textFingerprint('a <b> c &amp; d'));
		expect(messageFingerprint({ contentType: 'text', content: 'a <b> c' })).not.toBe(messageFingerprint(html('a <b> c')));
	});

	it('is NFC-normalised, 32 hex characters, and null without a body', () => {
		expect(textFingerprint('Cafe\u0301')).toBe(textFingerprint('Caf\u00e9'));
		expect(textFingerprint('x')).toMatch(/^[0-9a-f]{32}$/);
		expect(messageFingerprint(undefined)).toBeNull();
		expect(messageFingerprint(null)).toBeNull();
	});
});
