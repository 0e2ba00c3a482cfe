// One real n8n (a main process, plus workers and Redis in queue mode) with this package installed as a
// community package: its own user folder (SQLite, settings, installed nodes), random ports, logs in files.
// Stopping kills every process group it started (task runners too), and so does the test process exiting.
import type { ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { ensureN8n, type N8nRuntime } from './install';
import { step } from './progress';
import { freePort } from './ports';
import { spawnManaged, type ManagedProcess } from './process';
import { startPostgres, type PostgresServer } from './postgres';
import { startRedis, type RedisServer } from './redis';
import { run } from './run';

export interface StartN8nOptions {
	/** the packed package to install into the user folder; omit when restarting a folder that already has it */
	packageTgz?: string;
	/** extra environment for n8n (and for CLI commands run against this instance) */
	env?: NodeJS.ProcessEnv;
	/** reuse a user folder (its database, encryption key and installed package) */
	userFolder?: string;
	/** keep the same port across a restart, so webhook URLs registered before stay valid */
	port?: number;
	/**
	 * n8n's queue mode, the way it scales past one machine: a private Redis, this process as main (UI, API,
	 * triggers, webhooks) and `workers` worker processes running the executions. SQLite is shared by all of
	 * them (n8n warns that it supports queue mode officially with PostgreSQL only).
	 */
	queueMode?: {
		workers?: number;
		concurrency?: number;
		/**
		 * `n8n webhook` processes (n8n's way to scale webhook intake: each serves production webhook URLs, runs the
		 * trigger's webhook() and queues the execution), sharing the user folder's database and Redis. A load
		 * balancer in front of them is the test's (see `webhookPorts`).
		 */
		webhookProcesses?: number;
		/**
		 * The database main, workers and webhook processes share: SQLite in the user folder (default), or a private
		 * PostgreSQL (postgres.ts), which n8n requires for queue mode in production; write-heavy workflows (Data
		 * tables) fail on shared SQLite with SQLITE_BUSY.
		 */
		database?: 'sqlite' | 'postgres';
	};
	/** queue mode: start Redis on this port (restartN8n: the one before, which Redis credentials in n8n point at) */
	redisPort?: number;
	/** print the start-up as a progress step (the demo); otherwise only a start that is slow says so */
	announce?: boolean;
}

export interface N8nInstance {
	runtime: N8nRuntime;
	baseUrl: string;
	/** what n8n builds its webhook URLs from (N8N_WEBHOOK_URL), ending in '/' */
	webhookUrl: string;
	port: number;
	userFolder: string;
	logFile: string;
	/** the environment n8n runs with; CLI commands against this instance start from it */
	env: NodeJS.ProcessEnv;
	/** what was asked for on top of the defaults (kept across a restart) */
	extraEnv: NodeJS.ProcessEnv;
	process: ChildProcess;
	/** queue mode: the worker processes and Redis */
	workers: ManagedProcess[];
	/** queue mode: the `n8n webhook` processes and the local port each listens on */
	webhookProcesses: Array<{ process: ManagedProcess; port: number }>;
	redis?: RedisServer;
	/** queue mode with `database: 'postgres'` */
	postgres?: PostgresServer;
	queueMode?: StartN8nOptions['queueMode'];
	/** everything n8n wrote so far */
	logs(): string;
	/** n8n's log lines as parsed JSON (other output, such as a crash trace, is left out) */
	logEntries(): N8nLogEntry[];
	stop(): Promise<void>;
}

export interface N8nLogEntry {
	level: string;
	message: string;
	[field: string]: unknown;
}

export function parseLogEntries(text: string): N8nLogEntry[] {
	const entries: N8nLogEntry[] = [];
	for (const line of text.split('\n')) {
		if (!line.startsWith('{')) continue;
		try {
			const entry = JSON.parse(line) as Partial<N8nLogEntry>;
			if (typeof entry.level === 'string' && typeof entry.message === 'string') entries.push(entry as N8nLogEntry);
		} catch {
			// not a log line
		}
	}
	return entries;
}

export const PACKAGE_NAME = 'n8n-nodes-m365-integration';
const READY_DEADLINE_MS = 240_000;
const POLL_MS = 250;

/** The settings every instance runs with; `n8n --help` and n8n's config package name them. */
export function baseEnv(userFolder: string, port: number, brokerPort: number): NodeJS.ProcessEnv {
	const baseUrl = `http://127.0.0.1:${port}`;
	return {
		PATH: process.env.PATH,
		HOME: process.env.HOME,
		TZ: process.env.TZ ?? 'UTC',
		// The emulator's self-signed certificate, trusted by n8n and by its task runner.
		NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS ?? process.env.M365_EMULATOR_CA_CERT,
		M365_EMULATOR_CA_CERT: process.env.M365_EMULATOR_CA_CERT,
		// Custom hosts are refused unless listed; the emulator listens on 127.0.0.1.
		M365_ALLOWED_CUSTOM_HOSTS: process.env.M365_ALLOWED_CUSTOM_HOSTS ?? '127.0.0.1',
		N8N_USER_FOLDER: userFolder,
		DB_TYPE: 'sqlite',
		N8N_PORT: String(port),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PROTOCOL: 'http',
		N8N_EDITOR_BASE_URL: `${baseUrl}/`,
		N8N_WEBHOOK_URL: `${baseUrl}/`,
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
		N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
		N8N_SECURE_COOKIE: 'false',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
		N8N_LOG_LEVEL: 'info',
		N8N_LOG_OUTPUT: 'console',
		// One JSON object per line: tests pick out warnings and errors without parsing prose.
		N8N_LOG_FORMAT: 'json',
		NO_COLOR: '1',
	};
}

async function installPackage(userFolder: string, packageTgz: string): Promise<void> {
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	fs.mkdirSync(nodesDir, { recursive: true });
	const manifest = path.join(nodesDir, 'package.json');
	if (!fs.existsSync(manifest)) {
		fs.writeFileSync(manifest, JSON.stringify({ name: 'installed-nodes', private: true, dependencies: {} }));
	}
	// n8n supplies n8n-workflow itself: a second copy would split its classes (instanceof checks fail).
	await run('npm', ['install', packageTgz, '--omit=peer', '--ignore-scripts', '--prefer-offline'], {
		cwd: nodesDir,
		logFile: path.join(userFolder, 'install-package.log'),
	});
}

function lastN8nLogMessage(instance: N8nInstance): string | undefined {
	try {
		const message = instance.logEntries().pop()?.message;
		return message ? `n8n's log: ${message.slice(0, 120)}` : undefined;
	} catch {
		return undefined;
	}
}

async function waitUntilReady(instance: N8nInstance): Promise<void> {
	const deadline = Date.now() + READY_DEADLINE_MS;
	for (;;) {
		if (instance.process.exitCode !== null || instance.process.signalCode !== null) {
			throw new Error(`n8n exited before it was ready:\n${instance.logs().slice(-4000)}`);
		}
		try {
			const response = await fetch(`${instance.baseUrl}/healthz/readiness`);
			if (response.ok) return;
		} catch {
			// not listening yet
		}
		if (Date.now() > deadline) {
			throw new Error(`n8n was not ready within ${READY_DEADLINE_MS / 1000}s:\n${instance.logs().slice(-4000)}`);
		}
		await new Promise((resolve) => setTimeout(resolve, POLL_MS));
	}
}

async function waitForWorker(worker: ManagedProcess): Promise<void> {
	const deadline = Date.now() + READY_DEADLINE_MS;
	while (!parseLogEntries(fs.readFileSync(worker.logFile, 'utf8')).some((entry) => /worker is now ready/.test(entry.message))) {
		if (worker.hasExited() || Date.now() > deadline) {
			await worker.stop();
			throw new Error(`an n8n worker did not start:\n${fs.readFileSync(worker.logFile, 'utf8').slice(-4000)}`);
		}
		await new Promise((resolve) => setTimeout(resolve, POLL_MS));
	}
}

async function startWorkers(
	runtime: N8nRuntime,
	userFolder: string,
	env: NodeJS.ProcessEnv,
	count: number,
	concurrency: number,
): Promise<ManagedProcess[]> {
	const workers: ManagedProcess[] = [];
	for (let index = 0; index < count; index++) {
		const workerEnv = {
			...env,
			N8N_PORT: String(await freePort()),
			QUEUE_HEALTH_CHECK_PORT: String(await freePort()),
			N8N_RUNNERS_BROKER_PORT: String(await freePort()),
		};
		workers.push(
			spawnManaged(runtime.nodeBin, [runtime.n8nBin, 'worker', `--concurrency=${concurrency}`], {
				cwd: userFolder,
				env: workerEnv,
				logFile: path.join(userFolder, `worker-${index + 1}-${Date.now()}.log`),
			}),
		);
	}
	await Promise.all(workers.map(waitForWorker));
	return workers;
}

async function waitForWebhookProcess(webhook: { process: ManagedProcess; port: number }): Promise<void> {
	const deadline = Date.now() + READY_DEADLINE_MS;
	for (;;) {
		try {
			const response = await fetch(`http://127.0.0.1:${webhook.port}/healthz/readiness`);
			if (response.ok) return;
		} catch {
			// not listening yet
		}
		if (webhook.process.hasExited() || Date.now() > deadline) {
			await webhook.process.stop();
			throw new Error(`an n8n webhook process did not start:\n${fs.readFileSync(webhook.process.logFile, 'utf8').slice(-4000)}`);
		}
		await new Promise((resolve) => setTimeout(resolve, POLL_MS));
	}
}

async function startWebhookProcesses(
	runtime: N8nRuntime,
	userFolder: string,
	env: NodeJS.ProcessEnv,
	count: number,
): Promise<Array<{ process: ManagedProcess; port: number }>> {
	const started: Array<{ process: ManagedProcess; port: number }> = [];
	for (let index = 0; index < count; index++) {
		const port = await freePort();
		const webhookEnv = { ...env, N8N_PORT: String(port), N8N_RUNNERS_BROKER_PORT: String(await freePort()) };
		started.push({
			port,
			process: spawnManaged(runtime.nodeBin, [runtime.n8nBin, 'webhook'], {
				cwd: userFolder,
				env: webhookEnv,
				logFile: path.join(userFolder, `webhook-${index + 1}-${Date.now()}.log`),
			}),
		});
	}
	await Promise.all(started.map(waitForWebhookProcess));
	return started;
}

export async function startN8n(options: StartN8nOptions = {}): Promise<N8nInstance> {
	const runtime = await ensureN8n();
	const userFolder = options.userFolder ?? fs.mkdtempSync(path.join(os.tmpdir(), 'm365-n8n-'));
	if (options.packageTgz) await installPackage(userFolder, options.packageTgz);
	const port = options.port ?? (await freePort());
	const redis = options.queueMode ? await startRedis(userFolder, options.redisPort) : undefined;
	const postgres = options.queueMode?.database === 'postgres' ? await startPostgres(userFolder) : undefined;
	const queueEnv: NodeJS.ProcessEnv = redis
		? {
				EXECUTIONS_MODE: 'queue',
				QUEUE_BULL_REDIS_HOST: '127.0.0.1',
				QUEUE_BULL_REDIS_PORT: String(redis.port),
				QUEUE_HEALTH_CHECK_ACTIVE: 'false',
				// Manual runs from the editor go to the workers too, as production executions do.
				OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
				...postgres?.n8nEnv,
			}
		: {};
	const env = { ...baseEnv(userFolder, port, await freePort()), ...queueEnv, ...options.env };
	const logFile = path.join(userFolder, `n8n-${Date.now()}.log`);
	const main = spawnManaged(runtime.nodeBin, [runtime.n8nBin, 'start'], { cwd: userFolder, env, logFile });
	const workers: ManagedProcess[] = [];
	const webhookProcesses: Array<{ process: ManagedProcess; port: number }> = [];

	const instance: N8nInstance = {
		runtime,
		baseUrl: `http://127.0.0.1:${port}`,
		webhookUrl: `http://127.0.0.1:${port}/`,
		port,
		userFolder,
		logFile,
		env,
		extraEnv: options.env ?? {},
		process: main.child,
		workers,
		webhookProcesses,
		redis,
		postgres,
		queueMode: options.queueMode,
		logs: () => fs.readFileSync(logFile, 'utf8'),
		logEntries: () => parseLogEntries(fs.readFileSync(logFile, 'utf8')),
		stop: async () => {
			await Promise.all(webhookProcesses.map(async (webhook) => await webhook.process.stop()));
			await Promise.all(workers.map(async (worker) => await worker.stop()));
			await main.stop();
			await redis?.stop();
			await postgres?.stop();
		},
	};
	try {
		await step(`starting n8n ${runtime.version} (waiting for ${instance.baseUrl}/healthz/readiness)`, async () => await waitUntilReady(instance), {
			quietUnlessSlow: !options.announce,
			detail: () => lastN8nLogMessage(instance),
		});
		if (options.queueMode) {
			const { workers: count = 2, concurrency = 5 } = options.queueMode;
			workers.push(
				...(await step(`starting ${count} n8n workers`, async () => await startWorkers(runtime, userFolder, env, count, concurrency), {
					quietUnlessSlow: !options.announce,
				})),
			);
			const webhookCount = options.queueMode.webhookProcesses ?? 0;
			if (webhookCount > 0) {
				webhookProcesses.push(
					...(await step(`starting ${webhookCount} n8n webhook processes`, async () => await startWebhookProcesses(runtime, userFolder, env, webhookCount), {
						quietUnlessSlow: !options.announce,
					})),
				);
			}
		}
	} catch (error) {
		await instance.stop();
		throw error;
	}
	return instance;
}

/** Stops the instance and starts n8n again on the same user folder and port (database, owner and package kept). */
export async function restartN8n(instance: N8nInstance, env?: NodeJS.ProcessEnv): Promise<N8nInstance> {
	await instance.stop();
	return await startN8n({
		userFolder: instance.userFolder,
		port: instance.port,
		env: { ...instance.extraEnv, ...env },
		queueMode: instance.queueMode,
		redisPort: instance.redis?.port,
	});
}
