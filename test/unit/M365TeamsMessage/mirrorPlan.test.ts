// The Mirror operation's decisions (pure): what each outside event does given the mapping rows.
import { planMirror, type MirrorEvent } from '../../../nodes/M365TeamsMessage/helpers/mirror/plan';
import { contentHash, parseMirrorRow, type MirrorRow } from '../../../nodes/M365TeamsMessage/helpers/mirror/row';

const row = (overrides: Partial<MirrorRow> = {}): MirrorRow => ({
	platform: 'slack', outsideId: 'S1', outsideThreadId: '', teamsMessageId: '100', teamsThreadId: '', teamId: 't', channelId: 'c', chatId: '',
	origin: 'outside', postedAs: 'integrationAccount', teamsAuthorId: 'u', contentHash: contentHash('hello'), teamsEditedAt: '', deleted: false, teamsFingerprint: '',
	...overrides,
});
const event = (overrides: Partial<MirrorEvent> = {}): MirrorEvent => ({ type: 'created', platform: 'slack', outsideId: 'S1', outsideThreadId: '', contentHash: contentHash('hello'), ...overrides });

describe('planMirror', () => {
	it('posts a new message, replies in a mapped thread, and says when the thread is not mapped', () => {
		expect(planMirror(event(), undefined, undefined)).toEqual({ action: 'post', threadNotMapped: false });
		// Slack gives a thread's first message thread_ts equal to its own ts: not a reply.
		expect(planMirror(event({ outsideThreadId: 'S1' }), undefined, undefined)).toEqual({ action: 'post', threadNotMapped: false });
		const thread = row({ outsideId: 'S0' });
		expect(planMirror(event({ outsideThreadId: 'S0' }), undefined, thread)).toEqual({ action: 'post', thread, threadNotMapped: false });
		expect(planMirror(event({ outsideThreadId: 'S0' }), undefined, undefined)).toEqual({ action: 'post', threadNotMapped: true });
	});

	it('never posts twice: a created event with a row is a repeat', () => {
		expect(planMirror(event(), row(), undefined)).toMatchObject({ action: 'skip', outcome: 'duplicate' });
		expect(planMirror(event(), row({ deleted: true }), undefined)).toMatchObject({ action: 'skip', outcome: 'duplicate' });
	});

	it('edits only mapped, living messages with new text', () => {
		expect(planMirror(event({ type: 'edited', contentHash: contentHash('new') }), row(), undefined)).toMatchObject({ action: 'edit' });
		expect(planMirror(event({ type: 'edited' }), row(), undefined)).toMatchObject({ action: 'skip', outcome: 'unchanged' });
		expect(planMirror(event({ type: 'edited', contentHash: contentHash('new') }), row({ deleted: true }), undefined)).toMatchObject({ action: 'skip', outcome: 'deletedInTeams' });
		expect(planMirror(event({ type: 'edited' }), undefined, undefined)).toEqual({ action: 'skip', outcome: 'notMapped' });
	});

	it('deletes once, and never a Teams user\'s own message', () => {
		expect(planMirror(event({ type: 'deleted', contentHash: '' }), row(), undefined)).toMatchObject({ action: 'delete' });
		expect(planMirror(event({ type: 'deleted', contentHash: '' }), row({ deleted: true }), undefined)).toMatchObject({ action: 'skip', outcome: 'alreadyDeleted' });
		expect(planMirror(event({ type: 'deleted', contentHash: '' }), row({ origin: 'teams', postedAs: 'teamsUser' }), undefined)).toMatchObject({ action: 'skip', outcome: 'teamsAuthored' });
		expect(planMirror(event({ type: 'edited', contentHash: 'x' }), row({ origin: 'teams', postedAs: 'teamsUser' }), undefined)).toMatchObject({ action: 'skip', outcome: 'teamsAuthored' });
	});
});

describe('parseMirrorRow', () => {
	it('reads the Data table node output, ignoring its system columns', () => {
		const parsed = parseMirrorRow({ id: 7, createdAt: '2026-01-01', updatedAt: '2026-01-01', ...row(), teamsMessageId: 100, deleted: 'true' });
		expect(parsed).toEqual({ row: row({ deleted: true }) });
	});

	it('treats empty lookups as no row and says what is wrong otherwise', () => {
		for (const empty of ['', '  ', {}, [], null, undefined, { platform: 'slack' }]) expect(parseMirrorRow(empty)).toEqual({});
		expect(parseMirrorRow(JSON.stringify(row()))).toEqual({ row: row() });
		expect(parseMirrorRow('{oops').problem).toMatch(/^is not JSON/);
		expect(parseMirrorRow([row(), row()]).problem).toMatch(/^holds 2 rows/);
		expect(parseMirrorRow(42).problem).toMatch(/^is not a row/);
	});

	it('hashes text, not storing it, the same for the same visible text', () => {
		expect(contentHash(' hello ')).toBe(contentHash('hello'));
		expect(contentHash('cafe\u0301')).toBe(contentHash('café'));
		expect(contentHash('hello')).not.toBe(contentHash('hello!'));
	});
});
