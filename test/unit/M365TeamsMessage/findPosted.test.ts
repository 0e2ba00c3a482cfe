import type { ChatMessage } from '@microsoft/microsoft-graph-types';

import { CLOCK_SKEW_MS, findPosted } from '../../../nodes/M365TeamsMessage/helpers/findPosted';
import { addMarker } from '../../../nodes/M365TeamsMessage/helpers/idempotencyMarker';

const started = Date.parse('2026-11-23T12:00:00Z');
const { content, marker } = addMarker('<p>Deploy done</p>', { executionId: 'e', nodeName: 'n', itemIndex: 0, target: 't', content: '<p>Deploy done</p>' });
const message = (id: string, body: string, authorId = 'bot', created = '2026-11-23T12:00:01Z'): ChatMessage => ({
	id,
	createdDateTime: created,
	body: { contentType: 'html', content: body },
	from: { user: { id: authorId } },
});
const lookup = { marker, content, authorId: 'bot', attemptStartedMs: started, knownIds: new Set<string>() };

describe('findPosted', () => {
	it('finds our message by its marker', () => {
		expect(findPosted([message('1', '<p>Other</p>'), message('2', content)], lookup)?.id).toBe('2');
	});

	it('falls back to author, visible text and time when the marker was stripped', () => {
		expect(findPosted([message('3', '<p>Deploy done</p>')], lookup)?.id).toBe('3');
	});

	it('never takes a message this run already accounted for, another author, other text or an old message', () => {
		expect(findPosted([message('3', '<p>Deploy done</p>')], { ...lookup, knownIds: new Set(['3']) })).toBeUndefined();
		expect(findPosted([message('4', '<p>Deploy done</p>', 'someone-else')], lookup)).toBeUndefined();
		expect(findPosted([message('5', '<p>Deploy failed</p>')], lookup)).toBeUndefined();
		const old = new Date(started - CLOCK_SKEW_MS - 1000).toISOString();
		expect(findPosted([message('6', '<p>Deploy done</p>', 'bot', old)], lookup)).toBeUndefined();
	});
});
