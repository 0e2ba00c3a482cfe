// The sanitizer against public XSS corpora nobody here wrote (fixtures/xss/, sources and licences in
// fixtures/README.md): DOMPurify's test fixtures, OWASP's XSS filter-evasion cheat sheet and a public payload list.
// Each payload's output is read by a browser-grade parser (parse5) and must hold no active content, no relative
// link, no <at>/<attachment>, leave no element open, and come out unchanged when sanitized again.
import { readFileSync } from 'fs';
import { join } from 'path';

import { sanitizeHtml } from '../../../nodes/M365TeamsMessage/helpers/sanitizeHtml';
import { activeContent, closesEverything } from './xssOracle';

const dir = join(__dirname, 'fixtures', 'xss');
const corpora: Record<string, string[]> = {
	'DOMPurify fixtures': (JSON.parse(readFileSync(join(dir, 'dompurify-fixtures.json'), 'utf8')) as { payloads: string[] }).payloads,
	'OWASP filter evasion': (JSON.parse(readFileSync(join(dir, 'owasp-filter-evasion.json'), 'utf8')) as { payloads: string[] }).payloads,
	'payloadbox xss-payload-list': readFileSync(join(dir, 'payloadbox-xss-payload-list.txt'), 'utf8')
		.split('\n')
		.filter((line) => line.trim() !== ''),
};

describe('sanitizeHtml on public XSS corpora', () => {
	it('has the corpora in full', () => {
		expect(Object.values(corpora).map((payloads) => payloads.length)).toEqual([223, 151, 6613]);
	});

	it.each(Object.entries(corpora))('%s: nothing active passes, nothing is left open, a second pass changes nothing', (_name, payloads) => {
		const failures: string[] = [];
		for (const payload of payloads) {
			const clean = sanitizeHtml(payload);
			const problems = activeContent(clean);
			if (problems.length > 0) failures.push(`${payload} -> ${problems.join(', ')}`);
			if (/<\/?(?:at|attachment)\b/i.test(clean)) failures.push(`${payload} -> <at>/<attachment> passed`);
			if (!closesEverything(clean)) failures.push(`${payload} -> left open: ${clean}`);
			if (sanitizeHtml(clean) !== clean) failures.push(`${payload} -> not idempotent: ${clean}`);
		}
		expect(failures).toEqual([]);
	});
});
