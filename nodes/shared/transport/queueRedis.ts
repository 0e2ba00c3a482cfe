/**
 * n8n's queue-mode Redis, as n8n itself is configured to reach it: every main, worker and webhook process of a
 * queue-mode installation has these settings, so the limiter's shared windows (sharedWindows.ts) need no store or
 * setting of their own. Names and defaults as n8n 2.40.7 reads them (@n8n/config: executions.config `mode`,
 * scaling-mode.config `bull`), `_FILE` variants included (n8n reads a variable's value from the file `<NAME>_FILE`
 * names). `M365_SHARED_LIMITS=false` keeps the per-process limiter in queue mode too.
 *
 * One client per process, created on first use. It never keeps the process alive (its socket is unref'd and it sets
 * no reconnect timer: after a lost connection the next request that needs it starts a new attempt, at most one per
 * RECONNECT_AFTER_MS) and never queues a command while disconnected: whoever asks gets an error at once and paces
 * on its own.
 */
import { readFileSync } from 'fs';
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';

export interface QueueRedisSettings {
	host: string;
	port: number;
	username: string;
	password: string;
	db: number;
	tls?: { servername?: string; rejectUnauthorized: boolean };
	/** QUEUE_BULL_REDIS_CLUSTER_NODES (`host:port,host:port`): a Redis Cluster instead of host and port. */
	clusterNodes: Array<{ host: string; port: number }>;
	dualStack: boolean;
	/** QUEUE_BULL_REDIS_DNS_LOOKUP_STRATEGY=NONE: cluster node addresses are used as given. */
	dnsLookupNone: boolean;
	/** QUEUE_BULL_PREFIX: n8n's key prefix ('bull'); ours go under `<prefix>:m365-limits:`. */
	prefix: string;
}

/** A setting as n8n reads it: the variable, or the content of the file its `_FILE` variant names (trimmed). */
function setting(env: NodeJS.ProcessEnv, name: string): string | undefined {
	const file = env[`${name}_FILE`];
	if (file) {
		try {
			return readFileSync(file, 'utf8').trim();
		} catch {
			return undefined;
		}
	}
	return env[name];
}

function flag(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
	const value = setting(env, name)?.trim().toLowerCase();
	if (value === 'true' || value === '1') return true;
	if (value === 'false' || value === '0') return false;
	return fallback;
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
	const value = Number(setting(env, name));
	return Number.isInteger(value) && value >= 0 ? value : fallback;
}

/** The queue-mode Redis of this n8n installation, or undefined outside queue mode (or with M365_SHARED_LIMITS=false). */
export function queueRedisSettings(env: NodeJS.ProcessEnv = process.env): QueueRedisSettings | undefined {
	if (setting(env, 'EXECUTIONS_MODE')?.trim() !== 'queue') return undefined;
	if (!flag(env, 'M365_SHARED_LIMITS', true)) return undefined;
	const tls = flag(env, 'QUEUE_BULL_REDIS_TLS', false);
	const servername = setting(env, 'QUEUE_BULL_REDIS_TLS_SERVERNAME') || undefined;
	return {
		host: setting(env, 'QUEUE_BULL_REDIS_HOST') || 'localhost',
		port: integer(env, 'QUEUE_BULL_REDIS_PORT', 6379),
		username: setting(env, 'QUEUE_BULL_REDIS_USERNAME') ?? '',
		password: setting(env, 'QUEUE_BULL_REDIS_PASSWORD') ?? '',
		db: integer(env, 'QUEUE_BULL_REDIS_DB', 0),
		tls: tls ? { servername, rejectUnauthorized: flag(env, 'QUEUE_BULL_REDIS_TLS_VALIDATE_CERTIFICATE', true) } : undefined,
		clusterNodes: (setting(env, 'QUEUE_BULL_REDIS_CLUSTER_NODES') ?? '')
			.split(',')
			.filter((pair) => pair.trim().length > 0)
			.map((pair) => {
				const [host, port] = pair.trim().split(':');
				return { host, port: parseInt(port, 10) };
			}),
		dualStack: flag(env, 'QUEUE_BULL_REDIS_DUALSTACK', false),
		dnsLookupNone: setting(env, 'QUEUE_BULL_REDIS_DNS_LOOKUP_STRATEGY') === 'NONE',
		prefix: setting(env, 'QUEUE_BULL_PREFIX') || 'bull',
	};
}

const CONNECT_TIMEOUT_MS = 5_000;
/** A command without an answer after this long fails (the caller then paces on its own). */
const COMMAND_TIMEOUT_MS = 5_000;
/** After a lost or failed connection, the next attempt waits at least this long. */
export const RECONNECT_AFTER_MS = 10_000;

export type RedisClient = Redis | Cluster;

/** Lazily connected client; `ready()` says whether it can take a command now (and starts a connection if due). */
export class QueueRedis {
	private client?: RedisClient;
	private connecting?: Promise<boolean>;
	/** The first connection attempt, while it runs. */
	private first?: Promise<boolean>;
	private lastAttempt = -Infinity;
	private onError: (error: Error) => void = () => {};

	constructor(
		readonly settings: QueueRedisSettings,
		private readonly now: () => number = Date.now,
	) {}

	/** Called with every connection or command error of the client (the caller logs what it needs). */
	errors(listener: (error: Error) => void): void {
		this.onError = listener;
	}

	/**
	 * The client when it can take a command. The first use waits for the first connection (at most
	 * CONNECT_TIMEOUT_MS); later attempts after a lost connection run in the background, so callers never wait for
	 * an unreachable Redis more than once.
	 */
	async ready(): Promise<RedisClient | undefined> {
		if (!this.client) {
			this.client = this.create();
			this.first = this.connect();
		}
		if (this.first) {
			// Everyone asking during the first attempt waits for it.
			const connected = await this.first;
			this.first = undefined;
			if (connected && this.client?.status === 'ready') return this.client;
			return undefined;
		}
		if (this.client.status === 'ready') return this.client;
		if (this.connecting) {
			// Later attempts run in the background (see above).
			return undefined;
		}
		if (this.now() - this.lastAttempt >= RECONNECT_AFTER_MS && (this.client.status === 'end' || this.client.status === 'close' || this.client.status === 'wait')) {
			this.connecting = this.connect();
		}
		return undefined;
	}

	async close(): Promise<void> {
		const client = this.client;
		this.client = undefined;
		if (!client) return;
		await Promise.all([this.first, this.connecting]);
		// A client already ended has nothing to close (disconnect() would still arm a 2 s timer on its dead socket).
		if (client.status !== 'end') client.disconnect();
	}

	private async connect(): Promise<boolean> {
		this.lastAttempt = this.now();
		const client = this.client!;
		try {
			await client.connect();
			return true;
		} catch (error) {
			this.onError(error as Error);
			return false;
		} finally {
			this.connecting = undefined;
		}
	}

	private create(): RedisClient {
		const { settings } = this;
		const options: RedisOptions = {
			username: settings.username || undefined,
			password: settings.password || undefined,
			db: settings.db,
			lazyConnect: true,
			enableOfflineQueue: false,
			enableReadyCheck: false,
			maxRetriesPerRequest: 0,
			// No reconnect timer of ioredis (it would keep the process alive): ready() starts the next attempt.
			retryStrategy: () => null,
			connectTimeout: CONNECT_TIMEOUT_MS,
			commandTimeout: COMMAND_TIMEOUT_MS,
			...(settings.dualStack ? { family: 0 } : {}),
			...(settings.tls ? { tls: { servername: settings.tls.servername, rejectUnauthorized: settings.tls.rejectUnauthorized } } : {}),
		};
		let client: RedisClient;
		if (settings.clusterNodes.length > 0) {
			const clusterOptions: ClusterOptions = {
				redisOptions: options,
				lazyConnect: true,
				enableOfflineQueue: false,
				enableReadyCheck: false,
				clusterRetryStrategy: () => null,
				...(settings.dnsLookupNone ? { dnsLookup: (address: string, lookup: (error: null, address: string) => void) => lookup(null, address) } : {}),
			};
			const cluster = new Cluster(settings.clusterNodes, clusterOptions);
			cluster.on('+node', (node: Redis) => node.on('connect', () => unref(node)));
			client = cluster;
		} else {
			const single = new Redis({ ...options, host: settings.host, port: settings.port });
			single.on('connect', () => unref(single));
			client = single;
		}
		// Without a listener an 'error' event would end the process.
		client.on('error', (error: Error) => this.onError(error));
		return client;
	}
}

function unref(client: Redis): void {
	(client as unknown as { stream?: { unref?: () => void } }).stream?.unref?.();
}
