import { messageSizeProblem, TEAMS_MESSAGE_LIMIT_BYTES } from '../../../nodes/M365TeamsMessage/helpers/messageSize';

describe('messageSizeProblem', () => {
	it('accepts a message at the limit and refuses one byte more, counting UTF-8 bytes and attachments', () => {
		expect(messageSizeProblem('a'.repeat(TEAMS_MESSAGE_LIMIT_BYTES))).toBeUndefined();
		expect(messageSizeProblem('a'.repeat(TEAMS_MESSAGE_LIMIT_BYTES + 1))).toMatch(/over Teams' limit of 28\.0 KB/);
		expect(messageSizeProblem('é'.repeat(TEAMS_MESSAGE_LIMIT_BYTES / 2 + 1))).toBeDefined();
		expect(messageSizeProblem('a', [{ content: 'b'.repeat(TEAMS_MESSAGE_LIMIT_BYTES) }])).toBeDefined();
	});
});
