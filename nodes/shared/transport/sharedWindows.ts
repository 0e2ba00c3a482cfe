/**
 * The limiter's rate windows shared by every n8n process of a queue-mode installation, in n8n's own Redis
 * (queueRedis.ts). Microsoft's limits are per app and tenant, not per process: two workers pacing themselves
 * to one request per second into one chat together send two, and draw 429s.
 *
 * One sorted set per window key and scope (app + tenant + Graph host, as limiterFor's scope; hashed, so apps and
 * tenants never share a window), under `<QUEUE_BULL_PREFIX>:m365-limits:{<scope hash>}:<key>` (the braces keep a
 * plan's keys in one Redis Cluster slot). Same semantics as the local windows (limiter.ts), each step one atomic
 * Lua script on Redis's clock (one clock for every process and host):
 *   take     drops entries older than the window (+ margin); if every window of the plan has room, adds the plan's
 *            entries as in flight (score: now + IN_FLIGHT_BOUND_MS, so an in-flight entry sorts after every answered
 *            one and cannot leave its window), else answers how long until the entry that must leave does (or that
 *            it is in flight, which nobody can time: the caller asks again shortly).
 *   release  the answer came: the plan's entries get the answer's time (ZADD XX: an entry already gone stays gone).
 * An in-flight entry whose process died (a crashed worker) is never released; it leaves its window
 * IN_FLIGHT_BOUND_MS + the window after it was taken (the transport gives up on a request after 100 s).
 *
 * Any Redis failure (unreachable, timeout, error): the caller paces with its per-process windows, after one warning,
 * and never fails because of this; the next request tries Redis again (see QueueRedis.ready).
 */
import { createHash, randomUUID } from 'crypto';
import { LoggerProxy } from 'n8n-workflow';

import { QueueRedis, queueRedisSettings, type QueueRedisSettings, type RedisClient } from './queueRedis';

export interface SharedRateRule {
	key: string;
	limit: number;
	windowMs: number;
	count: number;
}

/** How long an entry counts as in flight at most (the transport's request timeout is 100 s). */
export const IN_FLIGHT_BOUND_MS = 120_000;
/** When the entry that must leave is in flight in some process: ask again after this long. */
export const IN_FLIGHT_POLL_MS = 100;

// KEYS: the plan's windows. ARGV: token, in-flight bound, margin, then limit, windowMs, count for each key.
// Answers {0} when the slots are taken, {wait ms, 0} when the earliest room is known, {0, 1} when it waits on a
// request in flight.
const TAKE = `
if redis.replicate_commands then redis.replicate_commands() end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local bound = tonumber(ARGV[2])
local margin = tonumber(ARGV[3])
local wait = 0
local inflight = 0
for i, key in ipairs(KEYS) do
  local limit = tonumber(ARGV[1 + i * 3])
  local window = tonumber(ARGV[2 + i * 3]) + margin
  local count = tonumber(ARGV[3 + i * 3])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local admitted = redis.call('ZCARD', key)
  local needed = math.min(count, limit)
  if admitted + needed > limit then
    local at = admitted + needed - limit - 1
    local leaving = tonumber(redis.call('ZRANGE', key, at, at, 'WITHSCORES')[2])
    if leaving > now then
      inflight = 1
    else
      wait = math.max(wait, leaving + window - now + 1)
    end
  end
end
if wait > 0 or inflight == 1 then
  return {wait, inflight}
end
for i, key in ipairs(KEYS) do
  local window = tonumber(ARGV[2 + i * 3]) + margin
  local count = tonumber(ARGV[3 + i * 3])
  for j = 1, count do
    redis.call('ZADD', key, now + bound, ARGV[1] .. ':' .. j)
  end
  redis.call('PEXPIRE', key, window + bound)
end
return {0, 0}
`;

// KEYS: the plan's windows. ARGV: token, margin, then windowMs, count for each key.
const RELEASE = `
if redis.replicate_commands then redis.replicate_commands() end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local margin = tonumber(ARGV[2])
for i, key in ipairs(KEYS) do
  local window = tonumber(ARGV[1 + i * 2]) + margin
  local count = tonumber(ARGV[2 + i * 2])
  for j = 1, count do
    redis.call('ZADD', key, 'XX', now, ARGV[1] .. ':' .. j)
  end
  if redis.call('PTTL', key) < window then
    redis.call('PEXPIRE', key, window)
  end
end
return 1
`;

type ScriptClient = RedisClient & {
	m365LimitsTake(numKeys: number, ...args: Array<string | number>): Promise<[number, number]>;
	m365LimitsRelease(numKeys: number, ...args: Array<string | number>): Promise<number>;
};

export type SharedTake =
	/** The slots are taken in every shared window; call `release` when the answer came. */
	| { kind: 'taken'; release: () => void }
	/** No room yet: ask again after `waitMs`. */
	| { kind: 'wait'; waitMs: number }
	/** Redis is not usable now: pace with the per-process windows. */
	| { kind: 'unavailable' };

/** One queue-mode Redis connection and its state (one per process; see sharedWindowsFor). */
export class SharedWindowStore {
	private warned = false;
	private readonly scripted = new WeakSet<RedisClient>();

	constructor(
		readonly redis: QueueRedis,
		private readonly warn: (message: string) => void = (message) => LoggerProxy.warn(message),
	) {
		redis.errors((error) => this.failed(error));
	}

	get prefix(): string {
		return this.redis.settings.prefix;
	}

	async client(): Promise<ScriptClient | undefined> {
		const client = await this.redis.ready();
		if (!client) {
			this.failed();
			return undefined;
		}
		if (!this.scripted.has(client)) {
			client.defineCommand('m365LimitsTake', { lua: TAKE });
			client.defineCommand('m365LimitsRelease', { lua: RELEASE });
			this.scripted.add(client);
		}
		return client as ScriptClient;
	}

	/** Redis answered: a later failure warns again. */
	worked(): void {
		this.warned = false;
	}

	/** One warning per failure spell, without secrets (host and port only; Redis's error texts carry no password). */
	failed(error?: Error): void {
		if (this.warned) return;
		this.warned = true;
		const { host, port, clusterNodes } = this.redis.settings;
		const where = clusterNodes.length > 0 ? `the Redis cluster ${clusterNodes.map((node) => `${node.host}:${node.port}`).join(',')}` : `Redis at ${host}:${port}`;
		this.warn(
			`Microsoft 365 nodes: queue mode's ${where} cannot hold the shared throttling windows now (${error?.message ?? 'not connected'}); ` +
				"each n8n process keeps to Microsoft's limits on its own until it answers again, so several processes together may draw 429s (retried)",
		);
	}

	async close(): Promise<void> {
		await this.redis.close();
	}
}

/** The shared windows of one scope (app + tenant + Graph host). */
export class SharedWindows {
	private readonly keyBase: string;
	private readonly process = randomUUID();
	private sequence = 0;

	constructor(
		private readonly store: SharedWindowStore,
		scope: string,
		private readonly marginMs: number,
	) {
		const scopeHash = createHash('sha256').update(scope).digest('hex').slice(0, 24);
		this.keyBase = `${store.prefix}:m365-limits:{${scopeHash}}:`;
	}

	/** Redis key of one window (for tests and operators: `<prefix>:m365-limits:{<scope hash>}:<key>`). */
	keyOf(ruleKey: string): string {
		return this.keyBase + ruleKey;
	}

	async take(rules: SharedRateRule[]): Promise<SharedTake> {
		const client = await this.store.client();
		if (!client) return { kind: 'unavailable' };
		const token = `${this.process}:${++this.sequence}`;
		const keys = rules.map((rule) => this.keyOf(rule.key));
		try {
			const [waitMs, inFlight] = await client.m365LimitsTake(keys.length, ...keys, token, IN_FLIGHT_BOUND_MS, this.marginMs, ...rules.flatMap((rule) => [rule.limit, rule.windowMs, rule.count]));
			this.store.worked();
			if (waitMs > 0 || inFlight) return { kind: 'wait', waitMs: inFlight ? Math.max(waitMs, IN_FLIGHT_POLL_MS) : waitMs };
		} catch (error) {
			this.store.failed(error as Error);
			return { kind: 'unavailable' };
		}
		const args = [token, this.marginMs, ...rules.flatMap((rule) => [rule.windowMs, rule.count])];
		return {
			kind: 'taken',
			release: () => {
				// A release that does not arrive leaves the entries in flight until IN_FLIGHT_BOUND_MS (see the header).
				client.m365LimitsRelease(keys.length, ...keys, ...args).then(
					() => this.store.worked(),
					(error: Error) => this.store.failed(error),
				);
			},
		};
	}
}

/** The process's store, created when the first limiter of a queue-mode process asks (undefined outside queue mode). */
let store: SharedWindowStore | undefined | null = null;

export function sharedWindowStore(env: NodeJS.ProcessEnv = process.env): SharedWindowStore | undefined {
	if (store === null) {
		const settings: QueueRedisSettings | undefined = queueRedisSettings(env);
		store = settings ? new SharedWindowStore(new QueueRedis(settings)) : undefined;
	}
	return store;
}

/** Closes the process's connection (tests; n8n processes just exit). The next limiter created reads the environment again. */
export async function closeSharedWindowStore(): Promise<void> {
	const closing = store;
	store = null;
	await closing?.close();
}
