/**
 * One sliding-window rule, written twice: in JS for the process's own windows (windowWait and dropLeft in
 * nodes/shared/transport/limiter.ts) and in Lua for the windows shared through queue mode's Redis (TAKE in
 * sharedWindows.ts, atomic on Redis's clock). The same table of windows runs against both, so a change to one that
 * the other does not follow fails here. A private redis-server (as sharedLimits.test.ts starts one).
 *
 * Each case seeds every window with entries answered some milliseconds ago and entries still in flight, then asks
 * for room: JS with the seeding time as its clock, Lua on Redis's clock, read just before seeding and again after the
 * answer, so the Lua wait is checked against the exact figure less the time that passed in between (a case retries
 * when a busy machine let so much pass that its figure would cross a boundary).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { startRedis, type RedisServer } from '../../../scripts/n8n-runtime/redis';
import { dropLeft, IN_FLIGHT, WINDOW_MARGIN_MS, windowWait } from '../../../nodes/shared/transport/limiter';
import { QueueRedis, queueRedisSettings } from '../../../nodes/shared/transport/queueRedis';
import { IN_FLIGHT_BOUND_MS, SharedWindows, SharedWindowStore } from '../../../nodes/shared/transport/sharedWindows';

/** An entry of a window: answered this many ms ago, or still in flight. */
type Entry = number | 'inFlight';

interface WindowCase {
	limit: number;
	windowMs: number;
	/** Slots the request takes in this window (a $batch: one per sub-request). */
	count: number;
	entries: Entry[];
}

type Expected = { room: 'now' } | { room: 'after'; ms: number } | { room: 'whenAnswered' };

const CASES: Array<{ name: string; windows: WindowCase[]; expected: Expected }> = [
	{ name: 'an empty window', windows: [{ limit: 1, windowMs: 1_000, count: 1, entries: [] }], expected: { room: 'now' } },
	{ name: 'one per second, answered 300 ms ago', windows: [{ limit: 1, windowMs: 1_000, count: 1, entries: [300] }], expected: { room: 'after', ms: 1_000 + WINDOW_MARGIN_MS - 300 + 1 } },
	{ name: 'one per second, answered 1,200 ms ago (left the window)', windows: [{ limit: 1, windowMs: 1_000, count: 1, entries: [1_200] }], expected: { room: 'now' } },
	{ name: 'one per second, in flight', windows: [{ limit: 1, windowMs: 1_000, count: 1, entries: ['inFlight'] }], expected: { room: 'whenAnswered' } },
	{ name: 'four per second, three in the window', windows: [{ limit: 4, windowMs: 1_000, count: 1, entries: [900, 500, 100] }], expected: { room: 'now' } },
	{ name: 'four per second, full: the oldest leaves first', windows: [{ limit: 4, windowMs: 1_000, count: 1, entries: [800, 500, 300, 100] }], expected: { room: 'after', ms: 1_000 + WINDOW_MARGIN_MS - 800 + 1 } },
	{ name: 'four per second, full with one in flight: the oldest answered leaves first', windows: [{ limit: 4, windowMs: 1_000, count: 1, entries: [800, 500, 100, 'inFlight'] }], expected: { room: 'after', ms: 1_000 + WINDOW_MARGIN_MS - 800 + 1 } },
	{ name: 'a batch of three into four per second with three there: waits for the second oldest', windows: [{ limit: 4, windowMs: 1_000, count: 3, entries: [800, 500, 100] }], expected: { room: 'after', ms: 1_000 + WINDOW_MARGIN_MS - 500 + 1 } },
	{ name: 'a batch larger than the window waits for an empty window', windows: [{ limit: 4, windowMs: 1_000, count: 6, entries: [500] }], expected: { room: 'after', ms: 1_000 + WINDOW_MARGIN_MS - 500 + 1 } },
	{ name: 'a batch of three that needs a slot still in flight', windows: [{ limit: 4, windowMs: 1_000, count: 3, entries: [700, 200, 'inFlight', 'inFlight'] }], expected: { room: 'whenAnswered' } },
	{
		name: 'a chat post: the chat is full, the tenant has room: the longer wait',
		windows: [
			{ limit: 1, windowMs: 1_000, count: 1, entries: [300] },
			{ limit: 20, windowMs: 1_000, count: 1, entries: [900, 700, 500, 300, 100] },
		],
		expected: { room: 'after', ms: 1_000 + WINDOW_MARGIN_MS - 300 + 1 },
	},
	{
		name: 'a channel request: its channel has room, its team is full of requests in flight',
		windows: [
			{ limit: 1, windowMs: 1_000, count: 1, entries: [] },
			{ limit: 4, windowMs: 1_000, count: 1, entries: ['inFlight', 'inFlight', 'inFlight', 'inFlight'] },
		],
		expected: { room: 'whenAnswered' },
	},
	{ name: 'a long window (directory writes), full: the oldest leaves first', windows: [{ limit: 3, windowMs: 150_000, count: 1, entries: [140_000, 60_000, 10] }], expected: { room: 'after', ms: 150_000 + WINDOW_MARGIN_MS - 140_000 + 1 } },
];

/** How the JS rule answers: the entries as the process keeps them (answer times oldest first, then in flight). */
function jsAnswer(windows: WindowCase[], now: number): number {
	let wait = 0;
	for (const window of windows) {
		const answered = window.entries.filter((entry): entry is number => entry !== 'inFlight').sort((a, b) => b - a).map((age) => now - age);
		const entries = [...answered, ...window.entries.filter((entry) => entry === 'inFlight').map(() => IN_FLIGHT)];
		dropLeft(entries, window, now);
		wait = Math.max(wait, windowWait(entries, window, now));
	}
	return wait;
}

function expectedAs(wait: number): Expected {
	if (wait === 0) return { room: 'now' };
	return Number.isFinite(wait) ? { room: 'after', ms: wait } : { room: 'whenAnswered' };
}

let redis: RedisServer;
let folder: string;
let store: SharedWindowStore;
let run = 0;

beforeAll(async () => {
	folder = fs.mkdtempSync(path.join(os.tmpdir(), 'm365-window-rule-'));
	redis = await startRedis(folder);
	const settings = queueRedisSettings({ EXECUTIONS_MODE: 'queue', QUEUE_BULL_REDIS_HOST: '127.0.0.1', QUEUE_BULL_REDIS_PORT: String(redis.port) })!;
	store = new SharedWindowStore(new QueueRedis(settings), (message) => {
		throw new Error(`Redis failed in the test: ${message}`);
	});
});
afterAll(async () => {
	await store?.close();
	await redis?.stop();
	fs.rmSync(folder, { recursive: true, force: true });
});

async function redisNow(): Promise<number> {
	const client = (await store.client())!;
	const [seconds, micros] = (await client.call('TIME')) as [string, string];
	return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
}

/**
 * How the Lua rule answers, on fresh keys seeded relative to Redis's clock: the wait it gave, whether it waits on a
 * request in flight, the slots it added, and how many ms of Redis's clock passed between seeding and answering.
 */
async function luaAnswer(windows: WindowCase[]): Promise<{ wait: number; inFlight: boolean; added: number[]; elapsed: number }> {
	const client = (await store.client())!;
	const shared = new SharedWindows(store, `window-rule-${++run}`, WINDOW_MARGIN_MS);
	const keys = windows.map((_, index) => shared.keyOf(`window${index}`));
	const before = await redisNow();
	for (const [index, window] of windows.entries()) {
		for (const [n, entry] of window.entries.entries()) {
			await client.zadd(keys[index], entry === 'inFlight' ? before + IN_FLIGHT_BOUND_MS : before - entry, `seed:${n}`);
		}
	}
	const [wait, inFlight] = await client.m365LimitsTake(keys.length, ...keys, 'probe', IN_FLIGHT_BOUND_MS, WINDOW_MARGIN_MS, ...windows.flatMap((window) => [window.limit, window.windowMs, window.count]));
	const elapsed = (await redisNow()) - before;
	const after = await Promise.all(keys.map(async (key) => await client.zrangebyscore(key, '-inf', '+inf')));
	// Slots the probe took, per window (its entries are named after its token); entries that left are gone.
	const added = after.map((members) => members.filter((member) => member.startsWith('probe:')).length);
	return { wait: Number(wait), inFlight: Number(inFlight) === 1, added, elapsed };
}

/** A case's boundaries are 100 ms or more away from its ages: more Redis time than this between seeding and answer retries it. */
const MOST_ELAPSED_MS = 60;

describe('the sliding-window rule: JS (per process) and Lua (shared through Redis) answer alike', () => {
	it.each(CASES)('$name', async ({ windows, expected }) => {
		const now = Date.now();
		expect(expectedAs(jsAnswer(windows, now))).toEqual(expected);

		for (let attempt = 1; ; attempt++) {
			const lua = await luaAnswer(windows);
			if (lua.elapsed > MOST_ELAPSED_MS && attempt < 5) continue;
			if (expected.room === 'whenAnswered') {
				expect(lua.inFlight).toBe(true);
			} else if (expected.room === 'now') {
				expect(lua).toMatchObject({ wait: 0, inFlight: false });
			} else {
				expect(lua.inFlight).toBe(false);
				// Redis's clock ran on between seeding and answering: the wait is shorter by as much, never longer.
				expect(lua.wait).toBeLessThanOrEqual(expected.ms);
				expect(lua.wait).toBeGreaterThanOrEqual(expected.ms - lua.elapsed);
			}
			// Room now: the probe took its slots in every window; otherwise none.
			expect(lua.added).toEqual(windows.map((window) => (expected.room === 'now' ? window.count : 0)));
			break;
		}
	});
});
