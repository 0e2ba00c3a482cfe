import type { ChatMessage } from '@microsoft/microsoft-graph-types';

import { CLOCK_SKEW_MS, findPosted, visibleText } from '../../../nodes/M365TeamsMessage/helpers/findPosted';
import { rewriteTeamsHtml } from '../../emulator/graph/teamsHtml';

const started = Date.parse('2026-11-23T12:00:00Z');
const content = '<b>Kim</b> (external, via Slack):<br/><p>It&#39;s done &amp; <a href="https://x.example/?a=1&amp;b=2">shipped</a>\u00a0✓</p>';
const message = (id: string, body: string, authorId = 'bot', created = '2026-11-23T12:00:01Z', attachments: string[] = []): ChatMessage => ({
	id,
	createdDateTime: created,
	body: { contentType: 'html', content: body },
	from: { user: { id: authorId } },
	attachments: attachments.map((attachmentId) => ({ id: attachmentId })),
});
const lookup = { content, attachmentIds: [] as string[], authorId: 'bot', attemptStartedMs: started, knownIds: new Set<string>() };

describe('findPosted', () => {
	it('finds our message however Teams re-serialised it (entities, void elements, wrapping, invisible characters)', () => {
		for (const mode of ['off', 'normalize', 'wrap'] as const) {
			const stored = rewriteTeamsHtml(content, mode);
			expect(findPosted([message('1', '<p>Other</p>'), message('2', stored)], lookup)?.id).toBe('2');
		}
		expect(findPosted([message('3', `${content}\u200B\u2060`)], lookup)?.id).toBe('3');
	});

	it('matches the card and quote attachments by id', () => {
		const withCard = { ...lookup, attachmentIds: ['74d20c7f34aa4a7fb74e2b30004247c5'] };
		expect(findPosted([message('4', content, 'bot', '2026-11-23T12:00:01Z', ['other'])], withCard)).toBeUndefined();
		expect(findPosted([message('5', content, 'bot', '2026-11-23T12:00:01Z', ['74d20c7f34aa4a7fb74e2b30004247c5'])], withCard)?.id).toBe('5');
	});

	it('never takes a message this run already accounted for, another author, other text or an old message', () => {
		expect(findPosted([message('3', content)], { ...lookup, knownIds: new Set(['3']) })).toBeUndefined();
		expect(findPosted([message('4', content, 'someone-else')], lookup)).toBeUndefined();
		expect(findPosted([message('5', content.replace('done', 'failed'))], lookup)).toBeUndefined();
		const old = new Date(started - CLOCK_SKEW_MS - 1000).toISOString();
		expect(findPosted([message('6', content, 'bot', old)], lookup)).toBeUndefined();
	});

	it('of two that qualify, takes the older (the first attempt)', () => {
		expect(findPosted([message('8', content, 'bot', '2026-11-23T12:00:05Z'), message('7', content, 'bot', '2026-11-23T12:00:02Z')], lookup)?.id).toBe('7');
	});
});

describe('visibleText', () => {
	it('is what a reader sees: entities decoded, tags gone, words apart', () => {
		expect(visibleText('<p>a&eacute;&#x26;&lt;</p><p>b</p>')).toBe('aé&< b');
		expect(visibleText('x<script>y</script>z')).toBe('x z');
	});
});
