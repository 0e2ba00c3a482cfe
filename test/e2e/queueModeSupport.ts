// Helpers of the queue-mode e2e tests: n8n in queue mode behind an HTTPS front with an emulator tenant (one setup
// for every such test), which worker ran an execution, the items a workflow's executions output, the workflow's
// static data as n8n stored it, and an HTTPS front to n8n that can answer late (Graph then delivers the
// notification again, as it does when an answer does not come within 3 seconds).
import * as fs from 'node:fs';
import { createServer, request as httpsRequest, type Server } from 'node:https';
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import {
	createCredential,
	createEmulatorCredentials,
	ensureN8n,
	getExecution,
	getWorkflow,
	listExecutions,
	nodeOutput,
	packPackage,
	parseLogEntries,
	signInAsOwner,
	startN8n,
	type CredentialReference,
	type EmulatorCredentials,
	type Execution,
	type N8nInstance,
	type N8nRestClient,
	type StartN8nOptions,
} from '../../scripts/n8n-runtime';
import { startEmulator, type Emulator } from '../emulator';
import { loopbackTlsOptions } from '../harness/tls';
import { DELIVERY_ATTEMPTS } from '../emulator/graph/subscriptions';
import { emulatorTenantOf } from './emulatorTenant';

export interface QueueModeN8n {
	instance: N8nInstance;
	/** signed in as the owner */
	client: N8nRestClient;
	/** HTTPS in front of n8n; n8n builds its webhook URLs on it (N8N_WEBHOOK_URL) */
	front: HttpsFront;
	/** stops n8n (main, workers, webhook processes, Redis), then the front */
	stop(): Promise<void>;
}

/**
 * n8n in queue mode with the packed package, behind an HTTPS front (Graph delivers notifications to HTTPS only),
 * signed in as the owner. The front balances round robin over the `n8n webhook` processes when there are any
 * (the standard way to scale webhook intake), otherwise it forwards to the main process. On PostgreSQL unless
 * asked otherwise, as n8n supports queue mode: on the SQLite file main and workers share, a busy machine makes a
 * worker's first write meet the main's lock, fail at once (SQLITE_BUSY: n8n sets no busy timeout) and n8n marks
 * the execution failed with its trigger items gone, a loss no node can prevent (it had handed its items over).
 */
export async function startQueueModeN8n(
	queueMode: NonNullable<StartN8nOptions['queueMode']>,
	env: NodeJS.ProcessEnv = {},
): Promise<QueueModeN8n> {
	const front = await startHttpsFront();
	try {
		const [, packageTgz] = await Promise.all([ensureN8n(), packPackage()]);
		const instance = await startN8n({
			packageTgz,
			queueMode: { database: 'postgres', ...queueMode },
			env: { ...env, N8N_WEBHOOK_URL: front.url },
		});
		front.setTargets(instance.webhookProcesses.length ? instance.webhookProcesses.map((webhook) => webhook.port) : [instance.port]);
		const client = await signInAsOwner(instance).catch(async (error: unknown) => {
			await instance.stop();
			throw error;
		});
		return {
			instance,
			client,
			front,
			stop: async () => {
				await instance.stop();
				await front.close();
			},
		};
	} catch (error) {
		await front.close();
		throw error;
	}
}

export interface EmulatorTenantInN8n extends EmulatorCredentials {
	emulator: Emulator;
}

/** An in-process emulator and both of the package's credentials for its tenant (the main seed app) in n8n. */
export async function startEmulatorTenant(client: N8nRestClient): Promise<EmulatorTenantInN8n> {
	const emulator = await startEmulator();
	const credentials = await createEmulatorCredentials(client, emulatorTenantOf(emulator));
	return { emulator, ...credentials };
}

/** An n8n Redis credential for the queue's own Redis (what the documented dedupKey pattern's Redis node uses). */
export async function queueRedisCredential(client: N8nRestClient, instance: N8nInstance, name = 'Queue Redis'): Promise<CredentialReference> {
	if (!instance.redis) throw new Error('n8n is not in queue mode: there is no Redis');
	return {
		name,
		id: await createCredential(client, {
			name,
			type: 'redis',
			data: { host: '127.0.0.1', port: instance.redis.port, database: 0, password: '' },
		}),
	};
}

/** A POST to the emulator's control API (test/emulator/README.md); resolves with the status. */
export async function emulatorControl(emulator: Emulator, path: string, body: unknown): Promise<number> {
	return await new Promise((resolve, reject) => {
		const req = httpsRequest(`${emulator.graphUrl}/_emulator${path}`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
			res.resume();
			res.on('end', () => resolve(res.statusCode ?? 0));
		});
		req.on('error', reject);
		req.end(JSON.stringify(body));
	});
}

/** The indexes of the workers whose log says they finished this execution (n8n: "Worker finished execution <id> ..."). */
export function workersThatRan(instance: N8nInstance, executionId: string): number[] {
	return instance.workers
		.map((worker, index) => ({ index, entries: parseLogEntries(fs.readFileSync(worker.logFile, 'utf8')) }))
		.filter(({ entries }) => entries.some((entry) => entry.message.startsWith(`Worker finished execution ${executionId} `)))
		.map(({ index }) => index);
}

const FINISHED = new Set(['success', 'error', 'crashed', 'canceled']);

export interface WorkflowRuns {
	executions: Execution[];
	/** every item the node output, over all executions, oldest execution first */
	items: Array<Record<string, unknown>>;
	/** executions not finished yet */
	unfinished: number;
}

/** Every finished execution of the workflow (fetched once each) and the items the node output in them. */
export function executionCollector(client: N8nRestClient, workflowId: string, nodeName: string) {
	const fetched = new Map<string, Execution>();
	return async (): Promise<WorkflowRuns> => {
		const summaries = await listExecutions(client, workflowId);
		for (const summary of summaries) {
			if (!FINISHED.has(summary.status) || fetched.has(summary.id)) continue;
			fetched.set(summary.id, await getExecution(client, summary.id));
		}
		const executions = [...fetched.values()].sort((a, b) => Number(a.id) - Number(b.id));
		return {
			executions,
			items: executions.flatMap((execution) => nodeOutput(execution, nodeName) as Array<Record<string, unknown>>),
			unfinished: summaries.filter((summary) => !FINISHED.has(summary.status)).length,
		};
	};
}

/** The workflow's static data as stored in n8n's database (what a newly started poller or webhook call reads). */
export async function storedStaticData(client: N8nRestClient, workflowId: string): Promise<Record<string, unknown>> {
	const workflow = (await getWorkflow(client, workflowId)) as unknown as { staticData?: Record<string, unknown> | string | null };
	const data = workflow.staticData;
	if (typeof data === 'string') return JSON.parse(data) as Record<string, unknown>;
	return data ?? {};
}

export interface HttpsFront {
	url: string;
	setTarget(port: number): void;
	/** Several n8n processes behind the front: each request goes to the next one in turn (round robin). */
	setTargets(ports: number[]): void;
	/**
	 * While on, the first POST of each distinct body is forwarded at once but answered only after `ms`: a sender
	 * that gives up earlier (Graph: 3 s) sends it again, and n8n sees the same notification twice.
	 */
	answerFirstCopyLate(ms: number | undefined): void;
	/** Bodies of the POSTs received so far. */
	posts(): string[];
	close(): Promise<void>;
}

/** HTTPS in front of n8n's plain HTTP listener (Graph delivers only to HTTPS). */
export async function startHttpsFront(): Promise<HttpsFront> {
	let targetPorts = [0];
	let turn = 0;
	let lateMs: number | undefined;
	const seen = new Set<string>();
	const posts: string[] = [];
	const server: Server = createServer(loopbackTlsOptions(), (req: IncomingMessage, res: ServerResponse) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const body = Buffer.concat(chunks);
			const text = body.toString('utf8');
			let holdMs = 0;
			if (req.method === 'POST') {
				posts.push(text);
				if (lateMs !== undefined && !seen.has(text)) holdMs = lateMs;
				seen.add(text);
			}
			const targetPort = targetPorts[turn++ % targetPorts.length];
			const upstream = httpRequest(
				{ host: '127.0.0.1', port: targetPort, method: req.method, path: req.url, headers: req.headers },
				(answer) => {
					const answerChunks: Buffer[] = [];
					answer.on('data', (chunk: Buffer) => answerChunks.push(chunk));
					answer.on('end', () => {
						const reply = () => {
							if (res.destroyed) return;
							res.writeHead(answer.statusCode ?? 502, answer.headers);
							res.end(Buffer.concat(answerChunks));
						};
						if (holdMs > 0) setTimeout(reply, holdMs).unref();
						else reply();
					});
				},
			);
			upstream.on('error', () => {
				if (!res.headersSent && !res.destroyed) res.writeHead(502);
				res.end();
			});
			upstream.end(body);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `https://127.0.0.1:${(server.address() as AddressInfo).port}/`,
		setTarget: (port) => (targetPorts = [port]),
		setTargets: (ports) => (targetPorts = [...ports]),
		answerFirstCopyLate: (ms) => (lateMs = ms),
		posts: () => [...posts],
		close: async () => {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

/** How many times each value occurs, for "exactly once" checks with readable failures. */
export function occurrences(values: string[]): Record<string, number> {
	const counts: Record<string, number> = {};
	for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
	return counts;
}

type DeliveryLogEntry = { url: string; body: unknown; status: number; attempts: number };

function lifecycleEventOf(entry: DeliveryLogEntry): string | undefined {
	return (entry.body as { value?: Array<{ lifecycleEvent?: string }> }).value?.[0]?.lifecycleEvent;
}

/**
 * Graph's fate of each change notification POSTed to `notificationUrl` (after `from` in the emulator's log): answered
 * 2xx, or, when the receiver answered with errors DELIVERY_ATTEMPTS times, given up and followed by a `missed`
 * lifecycle notification that was answered (the trigger then catches up through delta). A receiver that does not answer
 * within Graph's 3 s (n8n on a loaded machine) is tried again for as long as Graph does (subscriptions.ts). What the tests
 * hold to is that every mail comes out once.
 * Returns the change notifications, in the order Graph gave up on or delivered them.
 */
export function expectEachAnsweredOrMissed(log: DeliveryLogEntry[], notificationUrl: string, count: number): DeliveryLogEntry[] {
	const changes = log.filter((entry) => entry.url === notificationUrl && lifecycleEventOf(entry) === undefined);
	expect(changes).toHaveLength(count);
	const givenUp = changes.filter((entry) => entry.status < 200 || entry.status >= 300);
	if (givenUp.length > 0) {
		const missed = log.filter((entry) => lifecycleEventOf(entry) === 'missed');
		expect({ givenUp: givenUp.length, missedAnswered: missed.filter((entry) => entry.status >= 200 && entry.status < 300).length }).toEqual({
			givenUp: givenUp.length,
			missedAnswered: givenUp.length,
		});
	}
	for (const entry of givenUp) expect(entry.attempts).toBeGreaterThanOrEqual(DELIVERY_ATTEMPTS);
	return changes;
}
