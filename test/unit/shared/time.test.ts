import { NodeOperationError } from 'n8n-workflow';
import type { INode } from 'n8n-workflow';
import { DateTime } from 'luxon';

import { readTime, readTimeField } from '../../../nodes/shared/time';

const NOW = Date.UTC(2026, 11, 4, 12, 0, 0);
const DAY = 86_400_000;
const options = { timezone: 'Europe/Berlin', now: NOW, maxPastMs: 366 * DAY, maxFutureMs: 5 * 60_000 };
const node = { name: 'Sync', type: 'test', typeVersion: 1, position: [0, 0], parameters: {} } as unknown as INode;

describe('readTime', () => {
	it('reads epoch seconds as seconds and epoch milliseconds as milliseconds', () => {
		const seconds = Math.floor(NOW / 1000) - 60;
		expect(readTime(seconds, options)).toEqual({ kind: 'time', ms: seconds * 1000 });
		expect(readTime(String(seconds), options)).toEqual({ kind: 'time', ms: seconds * 1000 });
		expect(readTime(NOW - 60_000, options)).toEqual({ kind: 'time', ms: NOW - 60_000 });
		expect(readTime(`${NOW - 60_000}`, options)).toEqual({ kind: 'time', ms: NOW - 60_000 });
		expect(readTime('1764849540.5', options)).toEqual({ kind: 'time', ms: 1764849540500 });
	});

	it("reads a time without an offset in the workflow's time zone, and honours an offset when given", () => {
		// 12:59 in Berlin (UTC+1 in December) is 11:59 UTC.
		expect(readTime('2026-12-04T12:59:00', options)).toEqual({ kind: 'time', ms: NOW - 60_000 });
		expect(readTime('2026-12-04 12:59:00', options)).toEqual({ kind: 'time', ms: NOW - 60_000 });
		expect(readTime('2026-12-04T11:59:00Z', options)).toEqual({ kind: 'time', ms: NOW - 60_000 });
		expect(readTime('2026-12-04T06:59:00-05:00', options)).toEqual({ kind: 'time', ms: NOW - 60_000 });
		expect(readTime('2026-12-04T12:59:00', { ...options, timezone: 'America/New_York' })).toEqual({ kind: 'invalid', reason: expect.stringContaining('in the future') });
		expect(readTime('Fri, 04 Dec 2026 11:59:00 GMT', options)).toEqual({ kind: 'time', ms: NOW - 60_000 });
	});

	it('takes Dates and luxon DateTimes (what n8n expressions give)', () => {
		expect(readTime(new Date(NOW - 1000), options)).toEqual({ kind: 'time', ms: NOW - 1000 });
		expect(readTime(DateTime.fromMillis(NOW - 1000), options)).toEqual({ kind: 'time', ms: NOW - 1000 });
	});

	it('rejects what is not a time, and times far in the past or the future', () => {
		expect(readTime('soon', options).kind).toBe('invalid');
		expect(readTime(Number.NaN, options).kind).toBe('invalid');
		expect(readTime(0, options)).toEqual({ kind: 'invalid', reason: expect.stringContaining('1970-01-01T00:00:00.000Z, more than 366 days in the past') });
		expect(readTime(NOW + 10 * 60_000, options)).toEqual({ kind: 'invalid', reason: expect.stringContaining('more than 5 minutes in the future') });
		expect(readTime(NOW + 4 * 60_000, options).kind).toBe('time');
		expect(readTime('', options)).toEqual({ kind: 'empty' });
		expect(readTime(undefined, options)).toEqual({ kind: 'empty' });
	});
});

describe('readTimeField', () => {
	it('throws a NodeOperationError naming the field and the item', () => {
		let thrown: unknown;
		try {
			readTimeField(node, '1970-01-01', 'Status Changed At', { ...options, itemIndex: 3 });
		} catch (error) {
			thrown = error;
		}
		expect(thrown).toBeInstanceOf(NodeOperationError);
		expect((thrown as NodeOperationError).message).toMatch(/^Status Changed At \(item 3\) is 1969-12-31T23:00:00.000Z, more than 366 days in the past$/);
		expect((thrown as NodeOperationError).description).toContain('Europe/Berlin');
		expect(readTimeField(node, '', 'Status Changed At', options)).toBeUndefined();
	});
});
