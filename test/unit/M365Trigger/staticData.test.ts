import { rememberEmitted, storedIdOf, triggerState, wasEmitted, EMITTED_IDS_KEPT } from '../../../nodes/M365Trigger/staticData';

describe('emitted ids in static data', () => {
	const mailId = 'AAMkADk0ZTVhNDdmLWE1ZjQtNGJiMi1iOWI5LTY0MjA0OTZiYTU5ZgBGAAAAAAC7Z3-LZs6mTqQh7wBfj8dJBwCcnF0Lq1J7R5h8m0G2yWfmAAAAAAEMAACcnF0Lq1J7R5h8m0G2yWfmAAAp3TGkAAA=';

	it('keeps short ids as they are and long ones (mail) as a 17-character hash', () => {
		expect(storedIdOf('1764850000000')).toBe('1764850000000');
		expect(storedIdOf(mailId)).toMatch(/^#[A-Za-z0-9_-]{16}$/);
		const state = triggerState({}, false);
		rememberEmitted(state, 'mail:a', [mailId, '1764850000000']);
		expect(state.emitted['mail:a']).toEqual([storedIdOf(mailId), '1764850000000']);
		expect(wasEmitted(state, 'mail:a', mailId)).toBe(true);
		expect(wasEmitted(state, 'mail:a', `${mailId}x`)).toBe(false);
	});

	it('still recognises ids that older state kept whole, and stays bounded', () => {
		const state = triggerState({ production: { emitted: { 'mail:a': [mailId] } } }, false);
		expect(wasEmitted(state, 'mail:a', mailId)).toBe(true);
		rememberEmitted(state, 'mail:a', Array.from({ length: EMITTED_IDS_KEPT + 50 }, (_, i) => `${mailId}${i}`));
		expect(state.emitted['mail:a']).toHaveLength(EMITTED_IDS_KEPT);
		expect(JSON.stringify(state.emitted).length).toBeLessThan(EMITTED_IDS_KEPT * 21);
	});
});
