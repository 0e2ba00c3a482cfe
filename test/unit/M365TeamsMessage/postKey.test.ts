import { postKey, stripLegacyMarker } from '../../../nodes/M365TeamsMessage/helpers/postKey';

const source = { executionId: '42', nodeName: 'Teams', itemIndex: 3, target: 'chat:19:abc', content: '<p>Hello</p>' };

describe('postKey', () => {
	it('is the same for the same item, and differs when any part differs', () => {
		expect(postKey(source)).toBe(postKey({ ...source }));
		for (const change of [{ executionId: '43' }, { nodeName: 'Other' }, { itemIndex: 4 }, { target: 'chat:19:def' }, { content: '<p>Hi</p>' }]) {
			expect(postKey({ ...source, ...change })).not.toBe(postKey(source));
		}
	});
});

describe('stripLegacyMarker', () => {
	it('removes the zero-width marker of earlier versions and nothing else', () => {
		const legacy = '<p>Hello</p>\u2063\u2060\u2063\u200B\u200C\u200D\u2062\u2063\u2060\u2063';
		expect(stripLegacyMarker(legacy)).toBe('<p>Hello</p>');
		expect(stripLegacyMarker('a\u200Db')).toBe('a\u200Db');
	});
});
