import { alreadyPosted, rememberPosted } from '../../../nodes/M365TeamsMessage/helpers/postedRegistry';

describe('posted registry', () => {
	it('answers a marker posted earlier in the same execution and node only', () => {
		rememberPosted('exec-1', 'Teams', 'marker-a', { id: '1' });
		expect(alreadyPosted('exec-1', 'Teams', 'marker-a')).toEqual({ id: '1' });
		expect(alreadyPosted('exec-1', 'Teams', 'marker-b')).toBeUndefined();
		expect(alreadyPosted('exec-2', 'Teams', 'marker-a')).toBeUndefined();
		expect(alreadyPosted('exec-1', 'Other node', 'marker-a')).toBeUndefined();
	});

	it('keeps only the most recent executions', () => {
		rememberPosted('old-execution', 'Teams', 'm', { id: 'old' });
		for (let index = 0; index < 60; index++) rememberPosted(`execution-${index}`, 'Teams', 'm', { id: String(index) });
		expect(alreadyPosted('old-execution', 'Teams', 'm')).toBeUndefined();
		expect(alreadyPosted('execution-59', 'Teams', 'm')).toEqual({ id: '59' });
	});
});
