/**
 * The limiter's windows shared through queue mode's Redis (nodes/shared/transport/sharedWindows.ts): two limiters
 * with their own Redis connections, as two n8n processes of one queue-mode installation have, post into one chat of
 * the emulator with Teams' 1 request per second per app per chat on (rule teamsPosting, as by default). A private
 * redis-server (as the e2e suite starts one). Counted from the emulator's request log, never timed.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Redis } from 'ioredis';

import { freePort } from '../../../scripts/n8n-runtime/ports';
import { startRedis, type RedisServer } from '../../../scripts/n8n-runtime/redis';
import { createLimiter, limitsOf, type Limiter } from '../../../nodes/shared/transport/limiter';
import { QueueRedis, queueRedisSettings, RECONNECT_AFTER_MS, type QueueRedisSettings } from '../../../nodes/shared/transport/queueRedis';
import { IN_FLIGHT_BOUND_MS, SharedWindows, SharedWindowStore } from '../../../nodes/shared/transport/sharedWindows';
import { type Emulator, SEED_APPS, SEED_CHATS, SEED_USERS, startEmulator } from '../../emulator';
import { emulatorRequest } from '../../emulator/testClient';

const SCOPE = 'app:tenant-1:client-1:graph.microsoft.com';

let emulator: Emulator;
let redis: RedisServer;
let folder: string;
let token: string;
const stores: SharedWindowStore[] = [];

beforeAll(async () => {
	folder = fs.mkdtempSync(path.join(os.tmpdir(), 'm365-shared-limits-'));
	[emulator, redis] = await Promise.all([startEmulator({ latencyMs: 20 }), startRedis(folder)]);
	// The integration account, signed in (a member of the chat): Teams' limits per app per chat, and 1 post per
	// second per user in it.
	token = emulator.tokens.issueDelegatedTokens(SEED_APPS.main.appId, SEED_USERS.integration.id).accessToken;
});
afterAll(async () => {
	await Promise.all(stores.map((store) => store.close()));
	await Promise.all([emulator?.close(), redis?.stop()]);
	fs.rmSync(folder, { recursive: true, force: true });
});
beforeEach(() => {
	emulator.reset();
});

function settings(port: number, prefix = 'bull'): QueueRedisSettings {
	return queueRedisSettings({ EXECUTIONS_MODE: 'queue', QUEUE_BULL_REDIS_HOST: '127.0.0.1', QUEUE_BULL_REDIS_PORT: String(port), QUEUE_BULL_PREFIX: prefix })!;
}

/** A store with its own connection (one n8n process); `warnings` collects what it logs. */
function processStore(port: number, warnings: string[] = [], prefix?: string): SharedWindowStore {
	const store = new SharedWindowStore(new QueueRedis(settings(port, prefix)), (message) => warnings.push(message));
	stores.push(store);
	return store;
}

const chatUrl = (chatId: string) => `/chats/${chatId}/messages`;

/** Posts `count` messages into one chat through `limiter`, all asking at once, each holding its slot until answered. */
async function post(limiter: Limiter, chatId: string, count: number, label: string): Promise<number[]> {
	return await Promise.all(
		Array.from({ length: count }, async (_, n) => {
			const release = await limiter.acquire(limitsOf('POST', chatUrl(chatId)));
			try {
				const answer = await emulatorRequest(`${emulator.graphUrl}/v1.0${chatUrl(chatId)}`, { method: 'POST', token, json: { body: { content: `${label} ${n}` } } });
				return answer.status;
			} finally {
				release();
			}
		}),
	);
}

function chatRequests(chatId: string) {
	return emulator.requests.entries().filter((entry) => entry.host === 'graph' && entry.path.toLowerCase().includes(`/chats/${chatId.toLowerCase()}/`));
}

/** The most requests into the chat the emulator saw within any one second of its clock. */
function mostInOneSecond(chatId: string): number {
	const times = chatRequests(chatId)
		.map((entry) => Date.parse(entry.time))
		.sort((a, b) => a - b);
	let most = 0;
	for (let i = 0, j = 0; i < times.length; i++) {
		while (times[i] - times[j] >= 1_000) j++;
		most = Math.max(most, i - j + 1);
	}
	return most;
}

describe('limiter windows shared by the processes of a queue-mode installation (Redis)', () => {
	it('two processes posting into one chat together keep to 1 request per second: no 429, every post delivered', async () => {
		const chat = SEED_CHATS.projectFalcon;
		const before = emulator.state.chat(chat.id)!.messages.length;
		const workerA = createLimiter(SCOPE, processStore(redis.port));
		const workerB = createLimiter(SCOPE, processStore(redis.port));
		const statuses = await Promise.all([post(workerA, chat.id, 3, 'worker A'), post(workerB, chat.id, 3, 'worker B')]);
		expect(statuses.flat()).toEqual(Array(6).fill(201));
		expect(chatRequests(chat.id).filter((entry) => entry.status === 429)).toEqual([]);
		expect(mostInOneSecond(chat.id)).toBe(1);
		expect(emulator.state.chat(chat.id)!.messages.length - before).toBe(6);
	});

	it('requests that ask while the first connection is under way wait for it: all take their slots in Redis, no warning', async () => {
		const warnings: string[] = [];
		const store = processStore(redis.port, warnings);
		const limiter = createLimiter(`${SCOPE}:first-connection`, store);
		const chats = ['first-a', 'first-b', 'first-c'];
		const releases = await Promise.all(chats.map((chat) => limiter.acquire(limitsOf('GET', `/chats/${chat}/messages`))));
		releases.forEach((release) => release());
		const windows = new SharedWindows(store, `${SCOPE}:first-connection`, 20);
		const inspect = new Redis({ host: '127.0.0.1', port: redis.port, lazyConnect: true });
		try {
			await inspect.connect();
			expect(await Promise.all(chats.map((chat) => inspect.zcard(windows.keyOf(`chat:${chat}`))))).toEqual([1, 1, 1]);
		} finally {
			inspect.disconnect();
		}
		expect(warnings).toEqual([]);
	});

	it('keys windows by scope (app + tenant) and by QUEUE_BULL_PREFIX: other apps or installations never share them', async () => {
		const store = processStore(redis.port);
		const other = processStore(redis.port, [], 'other-installation');
		const rules = limitsOf('POST', chatUrl('C')).rates;
		const first = new SharedWindows(store, SCOPE, 20);
		// A request in flight in one app's window of chat C ...
		const taken = await first.take(rules);
		expect(taken.kind).toBe('taken');
		// ... fills that window for the app (the same scope, any process) ...
		expect((await new SharedWindows(processStore(redis.port), SCOPE, 20).take(rules)).kind).toBe('wait');
		// ... but not another app's, another tenant's, or another installation's (QUEUE_BULL_PREFIX).
		expect((await new SharedWindows(store, 'app:tenant-1:client-2:graph.microsoft.com', 20).take(rules)).kind).toBe('taken');
		expect((await new SharedWindows(store, 'app:tenant-2:client-1:graph.microsoft.com', 20).take(rules)).kind).toBe('taken');
		expect((await new SharedWindows(other, SCOPE, 20).take(rules)).kind).toBe('taken');
		expect(first.keyOf('chat:c')).toMatch(/^bull:m365-limits:\{[0-9a-f]{24}\}:chat:c$/);
		if (taken.kind === 'taken') taken.release();
	});

	it('an in-flight slot whose process never answers (a crashed worker) leaves its window after a bounded time', async () => {
		const store = processStore(redis.port);
		const windows = new SharedWindows(store, `${SCOPE}:crash`, 20);
		const key = windows.keyOf('chat:crashed');
		expect((await windows.take([{ key: 'chat:crashed', limit: 1, windowMs: 1_000, count: 1 }])).kind).toBe('taken');
		// Never released. The entry is in flight until IN_FLIGHT_BOUND_MS after it was taken, then leaves the
		// window (and Redis drops the key) one window later.
		const inspect = new Redis({ host: '127.0.0.1', port: redis.port, lazyConnect: true });
		try {
			await inspect.connect();
			const [seconds, micros] = await inspect.time();
			const now = Number(seconds) * 1_000 + Math.floor(Number(micros) / 1_000);
			const [, score] = await inspect.zrange(key, 0, 0, 'WITHSCORES');
			expect(Number(score)).toBeGreaterThan(now);
			expect(Number(score)).toBeLessThanOrEqual(now + IN_FLIGHT_BOUND_MS);
			const ttl = await inspect.pttl(key);
			expect(ttl).toBeGreaterThan(0);
			expect(ttl).toBeLessThanOrEqual(IN_FLIGHT_BOUND_MS + 1_020);
		} finally {
			inspect.disconnect();
		}
	});
});

describe('Redis unreachable or failing: each process paces itself, one warning, no failed request', () => {
	it('no Redis at the configured address: the per-process limiter, one warning without secrets', async () => {
		const chat = SEED_CHATS.adeleIntegration;
		const warnings: string[] = [];
		const port = await freePort(); // nothing listens there
		const store = new SharedWindowStore(new QueueRedis({ ...settings(port), password: 'secret-redis-password' }), (message) => warnings.push(message));
		stores.push(store);
		const limiter = createLimiter(SCOPE, store);
		expect(await post(limiter, chat.id, 3, 'no redis')).toEqual([201, 201, 201]);
		expect(chatRequests(chat.id).filter((entry) => entry.status === 429)).toEqual([]);
		expect(warnings).toHaveLength(1);
		expect(warnings[0]).toContain(`Redis at 127.0.0.1:${port}`);
		expect(warnings[0]).not.toContain('secret-redis-password');
	});

	it('Redis stops between requests: the next ones pace per process, one warning', async () => {
		const chat = SEED_CHATS.projectFalcon;
		const own = await startRedis(folder);
		const warnings: string[] = [];
		try {
			const limiter = createLimiter(SCOPE, processStore(own.port, warnings));
			expect(await post(limiter, chat.id, 1, 'redis up')).toEqual([201]);
			expect(warnings).toEqual([]);
			await own.stop();
			expect(await post(limiter, chat.id, 3, 'redis gone')).toEqual([201, 201, 201]);
			expect(chatRequests(chat.id).filter((entry) => entry.status === 429)).toEqual([]);
			expect(warnings).toHaveLength(1);
		} finally {
			await own.stop();
		}
	});
});

describe('Redis back after a failure', () => {
	it('the next request after the reconnect delay (test clock) connects again and shares its windows again', async () => {
		const chat = SEED_CHATS.projectFalcon;
		let clock = 0;
		const warnings: string[] = [];
		const own = await startRedis(folder);
		const store = new SharedWindowStore(new QueueRedis(settings(own.port), () => clock), (message) => warnings.push(message));
		stores.push(store);
		const limiter = createLimiter(SCOPE, store);
		const windowKey = new SharedWindows(store, SCOPE, 20).keyOf(`chat:${chat.id.toLowerCase()}`);
		let back: RedisServer | undefined;
		const inspect = new Redis({ host: '127.0.0.1', port: own.port, lazyConnect: true, retryStrategy: () => null });
		try {
			await own.stop();
			expect(await post(limiter, chat.id, 1, 'redis gone')).toEqual([201]);
			expect(warnings).toHaveLength(1);
			back = await startRedis(folder, own.port);
			expect(await post(limiter, chat.id, 1, 'too soon to reconnect')).toEqual([201]);
			clock += RECONNECT_AFTER_MS;
			// The first request after the delay starts the connection in the background and paces locally; once
			// connected, requests take their slots in Redis again.
			while (!(await store.client())) await new Promise((resolve) => setImmediate(resolve));
			expect(await post(limiter, chat.id, 1, 'redis back')).toEqual([201]);
			await inspect.connect();
			expect(await inspect.zcard(windowKey)).toBe(1);
			expect(warnings).toHaveLength(1);
			expect(chatRequests(chat.id).filter((entry) => entry.status === 429)).toEqual([]);
		} finally {
			inspect.disconnect();
			await back?.stop();
			await own.stop();
		}
	});
});

describe('queue mode as n8n reads it (@n8n/config 2.40.7)', () => {
	it('shared windows only with EXECUTIONS_MODE=queue, from the QUEUE_BULL_REDIS_* settings, unless M365_SHARED_LIMITS=false', () => {
		expect(queueRedisSettings({})).toBeUndefined();
		expect(queueRedisSettings({ EXECUTIONS_MODE: 'regular', QUEUE_BULL_REDIS_HOST: 'redis' })).toBeUndefined();
		expect(queueRedisSettings({ EXECUTIONS_MODE: 'queue', M365_SHARED_LIMITS: 'false' })).toBeUndefined();
		expect(queueRedisSettings({ EXECUTIONS_MODE: 'queue' })).toEqual({
			host: 'localhost',
			port: 6379,
			username: '',
			password: '',
			db: 0,
			tls: undefined,
			clusterNodes: [],
			dualStack: false,
			dnsLookupNone: false,
			prefix: 'bull',
		});
		const passwordFile = path.join(folder, 'redis-password');
		fs.writeFileSync(passwordFile, 'from-file\n');
		expect(
			queueRedisSettings({
				EXECUTIONS_MODE: 'queue',
				QUEUE_BULL_REDIS_HOST: 'redis.internal',
				QUEUE_BULL_REDIS_PORT: '6380',
				QUEUE_BULL_REDIS_USERNAME: 'n8n',
				QUEUE_BULL_REDIS_PASSWORD_FILE: passwordFile,
				QUEUE_BULL_REDIS_DB: '2',
				QUEUE_BULL_REDIS_TLS: 'true',
				QUEUE_BULL_REDIS_TLS_SERVERNAME: 'redis.example',
				QUEUE_BULL_REDIS_TLS_VALIDATE_CERTIFICATE: 'false',
				QUEUE_BULL_REDIS_CLUSTER_NODES: 'a:7000, b:7001',
				QUEUE_BULL_REDIS_DUALSTACK: 'true',
				QUEUE_BULL_REDIS_DNS_LOOKUP_STRATEGY: 'NONE',
				QUEUE_BULL_PREFIX: '{n8n}',
			}),
		).toEqual({
			host: 'redis.internal',
			port: 6380,
			username: 'n8n',
			password: 'from-file',
			db: 2,
			tls: { servername: 'redis.example', rejectUnauthorized: false },
			clusterNodes: [
				{ host: 'a', port: 7000 },
				{ host: 'b', port: 7001 },
			],
			dualStack: true,
			dnsLookupNone: true,
			prefix: '{n8n}',
		});
	});
});
