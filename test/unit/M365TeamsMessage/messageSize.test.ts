import type { IExecuteFunctions, INode } from 'n8n-workflow';

import { buildDraft } from '../../../nodes/M365TeamsMessage/helpers/draft';
import * as markdown from '../../../nodes/M365TeamsMessage/helpers/markdown';
import {
	messageSizeProblem,
	RAW_HTML_LIMIT_BYTES,
	rawContentSizeProblem,
	TEAMS_MESSAGE_LIMIT_BYTES,
} from '../../../nodes/M365TeamsMessage/helpers/messageSize';
import * as sanitizer from '../../../nodes/M365TeamsMessage/helpers/sanitizeHtml';

// The converters, watched: a refused item must not have reached them.
jest.mock('../../../nodes/M365TeamsMessage/helpers/markdown', () => {
	const actual = jest.requireActual('../../../nodes/M365TeamsMessage/helpers/markdown');
	return { ...actual, markdownToTeamsHtml: jest.fn(actual.markdownToTeamsHtml) };
});
jest.mock('../../../nodes/M365TeamsMessage/helpers/sanitizeHtml', () => {
	const actual = jest.requireActual('../../../nodes/M365TeamsMessage/helpers/sanitizeHtml');
	return { ...actual, sanitizeHtml: jest.fn(actual.sanitizeHtml) };
});

describe('messageSizeProblem', () => {
	it('accepts a message at the limit and refuses one byte more, counting UTF-8 bytes and attachments', () => {
		expect(messageSizeProblem('a'.repeat(TEAMS_MESSAGE_LIMIT_BYTES))).toBeUndefined();
		expect(messageSizeProblem('a'.repeat(TEAMS_MESSAGE_LIMIT_BYTES + 1))).toMatch(/over Teams' limit of 28\.0 KB/);
		expect(messageSizeProblem('é'.repeat(TEAMS_MESSAGE_LIMIT_BYTES / 2 + 1))).toBeDefined();
		expect(messageSizeProblem('a', [{ content: 'b'.repeat(TEAMS_MESSAGE_LIMIT_BYTES) }])).toBeDefined();
	});
});

describe('rawContentSizeProblem (size before work)', () => {
	it('holds text and Markdown to the limit as given, counting UTF-8 bytes', () => {
		expect(rawContentSizeProblem('text', 'a'.repeat(TEAMS_MESSAGE_LIMIT_BYTES))).toBeUndefined();
		expect(rawContentSizeProblem('markdown', 'a'.repeat(TEAMS_MESSAGE_LIMIT_BYTES + 1))).toMatch(
			/^The message is 28\.0 KB, over Teams' limit of 28\.0 KB \(checked before conversion/,
		);
		expect(rawContentSizeProblem('text', '€'.repeat(TEAMS_MESSAGE_LIMIT_BYTES / 3 + 1))).toBeDefined();
	});

	it('gives raw HTML room for what cleaning removes, and no more', () => {
		expect(rawContentSizeProblem('html', 'a'.repeat(RAW_HTML_LIMIT_BYTES))).toBeUndefined();
		expect(rawContentSizeProblem('html', 'a'.repeat(RAW_HTML_LIMIT_BYTES + 1))).toMatch(
			/^The message HTML is 112\.0 KB, over the 112\.0 KB this node accepts before cleaning/,
		);
	});
});

describe('buildDraft refuses oversized content before converting it', () => {
	const node: INode = { id: 'n', name: 'Teams', type: 'm365TeamsMessage', typeVersion: 1, position: [0, 0], parameters: {} };
	const context = { getNode: () => node } as unknown as IExecuteFunctions;
	afterEach(() => jest.clearAllMocks());

	it('converts content within the limit (the watch works)', async () => {
		await buildDraft(context, 0, { contentType: 'markdown', content: '**hi**', mentions: [], placeholdersFromContent: false });
		expect(markdown.markdownToTeamsHtml).toHaveBeenCalledTimes(1);
		expect(sanitizer.sanitizeHtml).toHaveBeenCalledTimes(1);
	});

	it.each([
		['markdown', '[a]('.repeat(100_000)],
		['html', '<a "'.repeat(100_000)],
		['text', 'x'.repeat(300_000)],
	] as const)('%s: a few hundred KB of hostile input fail the item, and no converter runs', async (contentType, content) => {
		await expect(buildDraft(context, 3, { contentType, content, mentions: [], placeholdersFromContent: false })).rejects.toMatchObject({
			message: expect.stringMatching(/over .*limit|over the .* KB this node accepts/),
			context: { itemIndex: 3 },
		});
		expect(markdown.markdownToTeamsHtml).not.toHaveBeenCalled();
		expect(sanitizer.sanitizeHtml).not.toHaveBeenCalled();
	});
});
