import {
	applyBackfillPage,
	applyDeltaPage,
	cursorKey,
	DELIVERY_DELAY_SECONDS,
	hashMessageId,
	initialCursor,
	nextStep,
	readState,
	recordEmitted,
	RECENT_WINDOW_LIMIT,
	RESYNC_OVERLAP_SECONDS,
	resyncCursor,
	toGraphTime,
	type FolderCursor,
	type MessageRef,
} from '../../../nodes/M365OutlookMailboxTrigger/cursor';

const now = new Date('2026-03-10T12:00:00.000Z');
const message = (id: string, receivedDateTime: string): MessageRef => ({ id, receivedDateTime });
/** The delta round's lower bound: the delivery-delay window before `now`. */
const windowStart = toGraphTime(new Date(now.getTime() - DELIVERY_DELAY_SECONDS * 1000));

describe('cursorKey and state', () => {
	it('keys by mailbox and folder, case-insensitively', () => {
		expect(cursorKey(' Anna@Contoso.com ', 'Inbox')).toBe('anna@contoso.com|inbox');
	});

	it('starts empty when static data holds nothing or an unknown shape', () => {
		expect(readState({})).toEqual({ version: 1, cursors: {} });
		expect(readState({ mailboxTrigger: { version: 99 } })).toEqual({ version: 1, cursors: {} });
	});

	it('formats times the way Graph filters expect them', () => {
		expect(toGraphTime(new Date('2026-03-10T12:00:00.123Z'))).toBe('2026-03-10T12:00:00Z');
		expect(() => toGraphTime(new Date('nope'))).toThrow(RangeError);
	});
});

describe('initialCursor', () => {
	it('starting from now has no backfill and a delta round filtered from the delivery-delay window before now', () => {
		const cursor = initialCursor({ kind: 'now' }, now);
		expect(cursor.backfill).toBeUndefined();
		expect(windowStart).toBe('2026-03-10T11:45:00Z');
		expect(nextStep(cursor, 50)).toEqual({
			kind: 'deltaStart',
			filter: `receivedDateTime ge ${windowStart}`,
		});
	});

	it('the first round records what was already there before now as seen, and emits mail that appears later', () => {
		const first = applyDeltaPage(initialCursor({ kind: 'now' }, now), {
			value: [message('there', '2026-03-10T11:58:00Z'), message('at activation', '2026-03-10T12:00:00Z')],
			deltaLink: 'https://graph/d1',
		});
		expect(first.emit.map((m) => m.id)).toEqual(['at activation']);
		expect(first.cursor.preexistingBefore).toBeUndefined();
		// Received before activation, visible only now (transport delay, an inbox rule): emitted.
		const later = applyDeltaPage(first.cursor, {
			value: [message('late', '2026-03-10T11:59:00Z'), message('there', '2026-03-10T11:58:00Z')],
			deltaLink: 'https://graph/d2',
		});
		expect(later.emit.map((m) => m.id)).toEqual(['late']);
	});

	it('a backfill start inside the delivery-delay window needs no backfill listing', () => {
		const cursor = initialCursor({ kind: 'date', from: '2026-03-10T11:50:00Z' }, now);
		expect(cursor.backfill).toBeUndefined();
		expect(cursor.preexistingBefore).toBe('2026-03-10T11:50:00Z');
	});

	it('a number of days backfills from that many days ago up to now', () => {
		const cursor = initialCursor({ kind: 'days', days: 3 }, now);
		expect(cursor.backfill?.nextFrom).toBe('2026-03-07T12:00:00Z');
		expect(nextStep(cursor, 50)).toEqual({
			kind: 'backfill',
			filter: `receivedDateTime ge 2026-03-07T12:00:00Z and receivedDateTime lt ${windowStart}`,
			orderBy: 'receivedDateTime asc',
			top: 50,
		});
	});

	it('a date in the future means no backfill', () => {
		const cursor = initialCursor({ kind: 'date', from: '2027-01-01T00:00:00Z' }, now);
		expect(cursor.backfill).toBeUndefined();
	});
});

describe('backfill pages', () => {
	const start = (): FolderCursor => initialCursor({ kind: 'date', from: '2026-03-01T00:00:00Z' }, now);

	it('a full page moves the lower bound to its newest time and remembers the ids at that time', () => {
		const page = [
			message('a', '2026-03-01T08:00:00Z'),
			message('b', '2026-03-02T08:00:00Z'),
			message('c', '2026-03-02T08:00:00Z'),
		];
		const result = applyBackfillPage(start(), page, 3);
		expect(result.emit.map((m) => m.id)).toEqual(['a', 'b', 'c']);
		expect(result.more).toBe(true);
		expect(result.cursor.backfill).toEqual({
			nextFrom: '2026-03-02T08:00:00Z',
			boundaryIds: [hashMessageId('b'), hashMessageId('c')],
		});
		// The next page asks for the remembered ids on top of the batch, and skips them.
		const step = nextStep(result.cursor, 3);
		expect(step).toMatchObject({ kind: 'backfill', top: 5 });
		const second = applyBackfillPage(
			result.cursor,
			[message('b', '2026-03-02T08:00:00Z'), message('c', '2026-03-02T08:00:00Z'), message('d', '2026-03-03T08:00:00Z')],
			5,
		);
		expect(second.emit.map((m) => m.id)).toEqual(['d']);
	});

	it('many messages in one second never stall the backfill or repeat', () => {
		let cursor = start();
		const sameSecond = Array.from({ length: 7 }, (_, i) => message(`m${i}`, '2026-03-05T10:00:00Z'));
		const emitted: string[] = [];
		for (let round = 0; round < 20 && cursor.backfill; round++) {
			const step = nextStep(cursor, 2);
			if (step.kind !== 'backfill') throw new Error('expected backfill');
			const from = step.skip ?? 0;
			const inWindow = step.filter.startsWith('receivedDateTime gt') ? [] : sameSecond;
			const page = inWindow.slice(from, from + step.top);
			const result = applyBackfillPage(cursor, page, step.top);
			emitted.push(...result.emit.map((m) => m.id));
			cursor = result.cursor;
		}
		expect(emitted.sort()).toEqual(sameSecond.map((m) => m.id).sort());
		expect(cursor.backfill).toBeUndefined();
	});

	it('a full page of one second pages within that second and leaves it only after a pass finds nothing new', () => {
		const second = '2026-03-05T10:00:00Z';
		const reached = applyBackfillPage(start(), [message('a', second), message('b', second)], 2);
		expect(reached.cursor.backfill).toEqual({ nextFrom: second, boundaryIds: [hashMessageId('a'), hashMessageId('b')] });
		// The next page (ge that second, top 2 + 2 remembered) is full and still of that second.
		const full = applyBackfillPage(reached.cursor, [message('a', second), message('b', second), message('c', second), message('d', second)], 4);
		expect(full.emit.map((m) => m.id)).toEqual(['c', 'd']);
		expect(full.cursor.backfill?.sweep).toEqual({ skip: 0, foundNew: false });
		expect(nextStep(full.cursor, 2)).toEqual({
			kind: 'backfill',
			filter: `receivedDateTime ge ${second} and receivedDateTime lt 2026-03-05T10:00:01Z`,
			orderBy: 'receivedDateTime asc',
			top: 2,
			skip: 0,
		});
		// Pass 1: a and b again (seen), then c, d (seen) and e; e is new, so another pass follows.
		let cursor = applyBackfillPage(full.cursor, [message('a', second), message('b', second)], 2).cursor;
		expect(cursor.backfill?.sweep).toEqual({ skip: 2, foundNew: false });
		cursor = applyBackfillPage(cursor, [message('c', second), message('d', second)], 2).cursor;
		const last = applyBackfillPage(cursor, [message('e', second)], 2);
		expect(last.emit.map((m) => m.id)).toEqual(['e']);
		expect(last.cursor.backfill?.sweep).toEqual({ skip: 0, foundNew: false });
		// Pass 2 finds nothing new: the second is done, the listing continues after it.
		cursor = applyBackfillPage(last.cursor, [message('a', second), message('c', second)], 2).cursor;
		cursor = applyBackfillPage(cursor, [message('b', second), message('d', second)], 2).cursor;
		cursor = applyBackfillPage(cursor, [message('e', second)], 2).cursor;
		expect(cursor.backfill).toEqual({ nextFrom: second, pastNextFrom: true, boundaryIds: [] });
		expect(nextStep(cursor, 2)).toMatchObject({ filter: `receivedDateTime gt ${second} and receivedDateTime lt ${windowStart}`, top: 2 });
	});

	it('a short page ends the backfill and hands over to the delta round from the delivery-delay window', () => {
		const result = applyBackfillPage(start(), [message('a', '2026-03-09T08:00:00Z')], 50);
		expect(result.cursor.backfill).toBeUndefined();
		expect(nextStep(result.cursor, 50)).toEqual({
			kind: 'deltaStart',
			filter: `receivedDateTime ge ${windowStart}`,
		});
		expect(result.cursor.watermark).toBe('2026-03-09T08:00:00Z');
	});

	it('emits oldest first even when the page is not ordered', () => {
		const result = applyBackfillPage(
			start(),
			[message('late', '2026-03-04T00:00:00Z'), message('early', '2026-03-02T00:00:00Z')],
			10,
		);
		expect(result.emit.map((m) => m.id)).toEqual(['early', 'late']);
	});
});

describe('delta pages', () => {
	const base = (): FolderCursor => initialCursor({ kind: 'now' }, now);

	it('keeps following the nextLink and stores the deltaLink at the end of a round', () => {
		const first = applyDeltaPage(base(), {
			value: [message('a', '2026-03-10T12:01:00Z')],
			nextLink: 'https://graph/next1',
		});
		expect(first.more).toBe(true);
		expect(nextStep(first.cursor, 10)).toEqual({ kind: 'deltaFollow', url: 'https://graph/next1' });
		const last = applyDeltaPage(first.cursor, { value: [], deltaLink: 'https://graph/delta1' });
		expect(last.more).toBe(false);
		expect(last.cursor.deltaUrl).toBe('https://graph/delta1');
		expect(last.cursor.watermark).toBe('2026-03-10T12:01:00Z');
	});

	it('skips removed entries, repeats within a page and messages emitted before', () => {
		const cursor = recordEmitted(base(), [message('seen', '2026-03-10T12:00:30Z')]);
		const result = applyDeltaPage(cursor, {
			value: [
				{ id: 'gone', '@removed': { reason: 'deleted' } },
				message('seen', '2026-03-10T12:00:30Z'),
				message('new', '2026-03-10T12:02:00Z'),
				message('new', '2026-03-10T12:02:00Z'),
			],
			deltaLink: 'https://graph/delta2',
		});
		expect(result.emit.map((m) => m.id)).toEqual(['new']);
	});

	it('refuses a page without a link, so a cursor is never lost', () => {
		expect(() => applyDeltaPage(base(), { value: [] })).toThrow(/neither/);
	});
});

describe('resync after Graph dropped the sync state', () => {
	it('restarts from the overlap before the watermark and recognises what was emitted', () => {
		let cursor: FolderCursor = { ...initialCursor({ kind: 'now' }, now), deltaUrl: 'https://graph/old' };
		const emitted = [message('x', '2026-03-10T13:00:00Z'), message('y', '2026-03-10T13:10:00Z')];
		cursor = recordEmitted(cursor, emitted);
		const resynced = resyncCursor(cursor);
		expect(resynced.deltaUrl).toBeUndefined();
		const floor = toGraphTime(new Date(Date.parse('2026-03-10T13:10:00Z') - RESYNC_OVERLAP_SECONDS * 1000));
		expect(nextStep(resynced, 10)).toEqual({ kind: 'deltaStart', filter: `receivedDateTime ge ${floor}` });
		const replay = applyDeltaPage(resynced, {
			value: [...emitted, message('z', '2026-03-10T13:11:00Z')],
			deltaLink: 'https://graph/new',
		});
		expect(replay.emit.map((m) => m.id)).toEqual(['z']);
	});

	it('never restarts before the delta boundary', () => {
		const cursor = recordEmitted(initialCursor({ kind: 'now' }, now), [message('x', '2026-03-10T11:55:00Z')]);
		expect(nextStep(resyncCursor(cursor), 10)).toEqual({
			kind: 'deltaStart',
			filter: `receivedDateTime ge ${windowStart}`,
		});
	});

	it('restarts after the newest trimmed entry when the window overflowed', () => {
		const burst = Array.from({ length: RECENT_WINDOW_LIMIT + 10 }, (_, i) =>
			message(`b${i}`, toGraphTime(new Date(Date.parse('2026-03-10T12:10:00Z') + i * 1000))),
		);
		const cursor = recordEmitted(initialCursor({ kind: 'now' }, now), burst);
		expect(cursor.recent).toHaveLength(RECENT_WINDOW_LIMIT);
		const resynced = resyncCursor(cursor);
		const step = nextStep(resynced, 10);
		expect(step.kind).toBe('deltaStart');
		expect(step).toEqual({ kind: 'deltaStart', filter: `receivedDateTime gt ${burst[9].receivedDateTime}` });
		const replay = applyDeltaPage(resynced, { value: burst.slice(10), deltaLink: 'https://graph/d' });
		expect(replay.emit).toEqual([]);
	});
});

describe('dedupe window', () => {
	it('drops entries older than the overlap before the watermark', () => {
		const cursor = recordEmitted(initialCursor({ kind: 'now' }, now), [
			message('old', '2026-03-10T12:00:00Z'),
			message('new', '2026-03-10T14:00:00Z'),
		]);
		expect(cursor.recent.map(([hash]) => hash)).toEqual([hashMessageId('new')]);
	});
});
