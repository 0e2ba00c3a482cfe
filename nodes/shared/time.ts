// The package's one reader of times that come from users and other systems (node parameters, item fields).
// Graph's own timestamps (ISO with Z) are not read here. Built on luxon, the date library n8n itself uses for
// $now and DateTime in expressions, so a time reads here as it reads in an n8n expression.
//
// Accepted: epoch seconds or milliseconds (number or digits; a value below 10^11 is seconds: 10^11 seconds is the
// year 5138, 10^11 milliseconds is 1973), ISO 8601 (with or without an offset; a date alone is midnight), SQL
// ("2026-12-04 09:30:00"), RFC 2822 and HTTP dates, JavaScript Dates and luxon DateTimes. A time without an offset
// is read in the given zone (the workflow's time zone, `this.getTimezone()`), never the server's.
import type { INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { DateTime } from 'luxon';

/** Below this a number is epoch seconds, from it on milliseconds. */
const SECONDS_BELOW = 1e11;

export interface TimeBounds {
	/** How far before `now` a time may lie (ms); undefined: no limit. */
	maxPastMs?: number;
	/** How far after `now` a time may lie (ms); undefined: no limit. */
	maxFutureMs?: number;
}

export interface TimeReadOptions extends TimeBounds {
	/** IANA zone for times without an offset: the workflow's (`this.getTimezone()`). */
	timezone: string;
	/** Epoch ms the bounds are measured from. */
	now: number;
}

export type TimeReading =
	| { kind: 'empty' }
	| { kind: 'time'; ms: number }
	| { kind: 'invalid'; reason: string };

function fromText(text: string, zone: string): DateTime | undefined {
	const options = { zone, setZone: false };
	for (const parse of [DateTime.fromISO, DateTime.fromSQL, DateTime.fromRFC2822, DateTime.fromHTTP]) {
		const parsed = parse(text, options);
		if (parsed.isValid) return parsed;
	}
	return undefined;
}

function fromEpoch(value: number): number {
	return Math.abs(value) < SECONDS_BELOW ? Math.round(value * 1000) : Math.round(value);
}

function describeSpan(ms: number): string {
	const minutes = Math.round(ms / 60_000);
	if (minutes < 120) return `${minutes} minute${minutes === 1 ? '' : 's'}`;
	const hours = Math.round(ms / 3_600_000);
	if (hours < 48) return `${hours} hours`;
	return `${Math.round(ms / 86_400_000)} days`;
}

/** Reads a time; pure (no n8n context), so every caller and test reads times the same way. */
export function readTime(value: unknown, options: TimeReadOptions): TimeReading {
	if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return { kind: 'empty' };
	let ms: number | undefined;
	if (typeof value === 'number') {
		if (!Number.isFinite(value)) return { kind: 'invalid', reason: 'is not a finite number' };
		ms = fromEpoch(value);
	} else if (value instanceof Date) {
		ms = value.getTime();
	} else if (DateTime.isDateTime(value)) {
		ms = value.isValid ? value.toMillis() : undefined;
	} else if (typeof value === 'string') {
		const text = value.trim();
		if (/^-?\d+(\.\d+)?$/.test(text)) ms = fromEpoch(Number(text));
		else ms = fromText(text, options.timezone)?.toMillis();
	}
	if (ms === undefined || Number.isNaN(ms)) {
		return { kind: 'invalid', reason: 'is not a time: give ISO 8601 (e.g. 2026-12-04T09:30:00, with or without an offset) or epoch seconds or milliseconds' };
	}
	const at = DateTime.fromMillis(ms, { zone: 'utc' }).toISO() ?? String(ms);
	if (options.maxPastMs !== undefined && ms < options.now - options.maxPastMs) {
		return { kind: 'invalid', reason: `is ${at}, more than ${describeSpan(options.maxPastMs)} in the past` };
	}
	if (options.maxFutureMs !== undefined && ms > options.now + options.maxFutureMs) {
		return { kind: 'invalid', reason: `is ${at}, more than ${describeSpan(options.maxFutureMs)} in the future` };
	}
	return { kind: 'time', ms };
}

/**
 * Reads a time a user gave in a field, throwing a NodeOperationError that names the field and the item when it
 * is not a time or lies outside the bounds. Returns undefined for an empty value.
 */
export function readTimeField(
	node: INode,
	value: unknown,
	field: string,
	options: TimeReadOptions & { itemIndex?: number; hint?: string },
): number | undefined {
	const reading = readTime(value, options);
	if (reading.kind === 'empty') return undefined;
	if (reading.kind === 'time') return reading.ms;
	const where = options.itemIndex === undefined ? '' : ` (item ${options.itemIndex})`;
	throw new NodeOperationError(node, `${field}${where} ${reading.reason}`, {
		...(options.itemIndex === undefined ? {} : { itemIndex: options.itemIndex }),
		description: `${field} was "${String(value)}". Times without an offset are read in the workflow's time zone (${options.timezone}).${options.hint ? ` ${options.hint}` : ''}`,
	});
}
