import {
	addMarker,
	hasMarker,
	markerKey,
	readMarkerKey,
	stripMarker,
} from '../../../nodes/M365TeamsMessage/helpers/idempotencyMarker';
import { htmlToPlainText } from '../../../nodes/M365TeamsMessage/helpers/html';

const source = { executionId: '42', nodeName: 'Teams', itemIndex: 3, target: 'chat:19:abc', content: '<p>Hello</p>' };

describe('idempotency marker', () => {
	it('is the same for the same item, and differs when any part differs', () => {
		expect(markerKey(source)).toBe(markerKey({ ...source }));
		for (const change of [{ executionId: '43' }, { nodeName: 'Other' }, { itemIndex: 4 }, { target: 'chat:19:def' }, { content: '<p>Hi</p>' }]) {
			expect(markerKey({ ...source, ...change })).not.toBe(markerKey(source));
		}
	});

	it('is invisible: the plain text is unchanged', () => {
		const { content } = addMarker('<p>Hello</p>', source);
		expect(content).not.toBe('<p>Hello</p>');
		expect(htmlToPlainText(content)).toBe('Hello');
		expect(content).not.toMatch(/<[^>]*hidden|display/);
	});

	it('can be found, read back and stripped', () => {
		const { content, marker } = addMarker('<p>Hello</p>', source);
		expect(hasMarker(content, marker)).toBe(true);
		expect(hasMarker('<p>Hello</p>', marker)).toBe(false);
		expect(hasMarker(undefined, marker)).toBe(false);
		expect(readMarkerKey(content)).toBe(markerKey(source));
		expect(readMarkerKey('<p>Hello</p>')).toBeUndefined();
		expect(stripMarker(content)).toBe('<p>Hello</p>');
	});
});
