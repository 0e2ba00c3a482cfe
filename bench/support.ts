/**
 * What every benchmark needs, in one place: timing with peak memory, Graph request counts from the emulator, the
 * tenant app's credential data, and the bare keep-alive HTTPS client the "naive" side uses (one call per item,
 * as a workflow with n8n's HTTP Request node would make them).
 */
import { Agent, request } from 'node:https';
import { cpus, loadavg } from 'node:os';

import type { Emulator } from '../test/emulator';
import { SEED_APPS } from '../test/emulator';
export { tenantAppCredentialData } from '../test/support/emulatorCredentials';

export interface Measured<T> {
	result: T;
	ms: number;
	peakRssMb: number;
	startRssMb: number;
}

/** Wall time of `work` and the peak resident set size while it runs (sampled every 50 ms). */
export async function measure<T>(work: () => Promise<T>): Promise<Measured<T>> {
	global.gc?.();
	let peak = process.memoryUsage().rss;
	const startRssMb = Math.round(peak / 1024 / 1024);
	const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
	const started = performance.now();
	try {
		const result = await work();
		peak = Math.max(peak, process.memoryUsage().rss);
		return { result, ms: Math.round(performance.now() - started), peakRssMb: Math.round(peak / 1024 / 1024), startRssMb };
	} finally {
		clearInterval(timer);
	}
}

/**
 * The highest V8 heap in use right after a full garbage collection, sampled from now until `stop()` (which samples
 * once more): the live working set, without the garbage RSS and plain heap readings include. Needs `--expose-gc`.
 * Each sample stops the process for a full collection, so the pause between samples grows with its cost (at most a
 * fifth of the time goes to sampling); timings and RSS of a sampled run are not comparable with an unsampled one.
 */
export function sampleLiveHeap(): { stop(): number } {
	const gc = global.gc;
	if (!gc) throw new Error('sampleLiveHeap needs node --expose-gc');
	let peak = 0;
	let timer: NodeJS.Timeout | undefined;
	let stopped = false;
	const sample = () => {
		const started = performance.now();
		gc();
		peak = Math.max(peak, process.memoryUsage().heapUsed);
		if (!stopped) timer = setTimeout(sample, Math.max(100, (performance.now() - started) * 4));
	};
	sample();
	return {
		stop() {
			stopped = true;
			clearTimeout(timer);
			sample();
			return peak;
		},
	};
}

export const toMb = (bytes: number): number => Math.round((bytes / 1024 / 1024) * 10) / 10;

/** Top-level HTTP requests to Graph, and $batch sub-requests counted apart. */
export function graphCounts(emulator: Emulator): { graphRequests: number; subRequests: number } {
	const graph = emulator.requests.entries().filter((entry) => entry.host === 'graph');
	return { graphRequests: graph.filter((entry) => !entry.batch).length, subRequests: graph.filter((entry) => entry.batch).length };
}

export interface BenchSide {
	graphRequests: number;
	subRequests: number;
	wallMs: number;
	peakRssMb: number;
}

/** Resets the emulator's request log, runs `work`, and reports requests, wall time and peak memory. */
export async function measureSide(emulator: Emulator, work: () => Promise<unknown>): Promise<BenchSide> {
	emulator.requests.reset();
	const run = await measure(work);
	return { ...graphCounts(emulator), wallMs: run.ms, peakRssMb: run.peakRssMb };
}

const agent = new Agent({ keepAlive: true, maxSockets: 1 });
/** For a bare client's requests at once (a bench's baseline, not the naive side): a connection each, kept alive. */
const parallelAgent = new Agent({ keepAlive: true });

/** One HTTPS call over a single kept-alive connection: the naive side's client. */
export async function rawCall(method: string, url: string, headers: Record<string, string>, body?: string, options: { parallel?: boolean } = {}): Promise<{ status: number; body: string }> {
	return await new Promise((resolve, reject) => {
		const req = request(url, { method, headers, agent: options.parallel ? parallelAgent : agent }, (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (chunk: Buffer) => chunks.push(chunk));
			res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
		});
		req.on('error', reject);
		if (body) req.write(body);
		req.end();
	});
}

/** An app-only token for the naive side, from the emulator's token endpoint (client credentials, main app). */
export async function naiveAppToken(emulator: Pick<Emulator, 'loginUrl' | 'tenantId'>): Promise<string> {
	const form = new URLSearchParams({
		grant_type: 'client_credentials',
		client_id: SEED_APPS.main.appId,
		client_secret: SEED_APPS.main.secret,
		scope: 'https://graph.microsoft.com/.default',
	}).toString();
	const answer = await rawCall('POST', `${emulator.loginUrl}/${emulator.tenantId}/oauth2/v2.0/token`, { 'Content-Type': 'application/x-www-form-urlencoded' }, form);
	return (JSON.parse(answer.body) as { access_token: string }).access_token;
}

/** Closes the naive client's kept-alive connection, so the benchmark process can exit. */
export function closeRawClient(): void {
	agent.destroy();
	parallelAgent.destroy();
}

// ----- floors, throttling and the emulator's CPU share (issue: benchmarks measured against Microsoft's limits) -----

/** 429 answers the emulator gave (top-level and inside $batch) since the request log was reset. */
export function throttledCount(emulator: Emulator): number {
	return emulator.requests.entries().filter((entry) => entry.host === 'graph' && entry.status === 429).length;
}

export interface CpuSplit {
	/** CPU time (ms) the emulator's Graph handlers used; in process, a lower bound (TLS, HTTP and JSON not counted). */
	emulatorMs: number;
	/** CPU time (ms) of the whole benchmark process (node, n8n, and an in-process emulator). */
	processMs: number;
	/** Share of the emulator in all CPU time used, 0..1. */
	emulatorShare: number;
	how: 'in process: handler time' | 'emulator process';
}

const cpuMs = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1000;
const handlerCpu = new WeakMap<object, { ms: number }>();

/**
 * Counts the CPU time of every Graph handler of an in-process emulator (each handler's synchronous part, where
 * the emulator's work is: lookups, filters, paging, serialising state). Call once after startEmulator.
 */
export function meterEmulatorHandlers(emulator: Emulator): void {
	const routes = (emulator.graph as unknown as { routes: Array<{ definition: { handler: (ctx: unknown) => unknown } }> }).routes;
	const total = { ms: 0 };
	handlerCpu.set(emulator, total);
	for (const route of routes) {
		const original = route.definition.handler;
		route.definition.handler = (ctx: unknown) => {
			const started = process.cpuUsage();
			try {
				return original(ctx);
			} finally {
				total.ms += cpuMs(process.cpuUsage(started));
			}
		};
	}
}

/** Runs `work` and splits the CPU it cost between the in-process emulator's handlers and everything else. */
export async function withCpuSplit<T>(emulator: Emulator, work: () => Promise<T>): Promise<{ result: T; cpu: CpuSplit }> {
	const meter = handlerCpu.get(emulator);
	if (!meter) throw new Error('meterEmulatorHandlers(emulator) first');
	const before = meter.ms;
	const started = process.cpuUsage();
	const result = await work();
	const processMs = cpuMs(process.cpuUsage(started));
	const emulatorMs = meter.ms - before;
	return { result, cpu: { emulatorMs: Math.round(emulatorMs), processMs: Math.round(processMs), emulatorShare: processMs > 0 ? emulatorMs / processMs : 0, how: 'in process: handler time' } };
}

/** The same for an emulator in its own process (GET /_emulator/cpu): exact. */
export async function withCpuSplitRemote<T>(graphUrl: string, work: () => Promise<T>): Promise<{ result: T; cpu: CpuSplit }> {
	const read = async () => JSON.parse((await rawCall('GET', `${graphUrl}/_emulator/cpu`, {})).body) as NodeJS.CpuUsage;
	const emulatorBefore = await read();
	const started = process.cpuUsage();
	const result = await work();
	const nodeMs = cpuMs(process.cpuUsage(started));
	const emulatorAfter = await read();
	const emulatorMs = cpuMs({ user: emulatorAfter.user - emulatorBefore.user, system: emulatorAfter.system - emulatorBefore.system });
	return { result, cpu: { emulatorMs: Math.round(emulatorMs), processMs: Math.round(nodeMs + emulatorMs), emulatorShare: emulatorMs / Math.max(1, nodeMs + emulatorMs), how: 'emulator process' } };
}

/** The time Microsoft's limit allows a job at best, and how it is derived. */
export interface Floor {
	ms: number;
	basis: string;
}

/** Prints what a long scenario is doing and how far it got (stderr, so results on stdout stay clean). */
export function progress(scenario: string): (done: number, total: number) => void {
	const started = Date.now();
	let last = 0;
	return (done, total) => {
		const now = Date.now();
		if (now - last < 5000 && done < total) return;
		last = now;
		process.stderr.write(`  ${scenario}: ${done.toLocaleString('en-US')} / ${total.toLocaleString('en-US')} (${Math.round((now - started) / 1000)} s)\n`);
	};
}

/** Calls `tick` every few seconds while `work` runs (for scenarios whose progress is inside n8n's engine). */
export async function withProgress<T>(scenario: string, read: () => number, total: number, work: () => Promise<T>): Promise<T> {
	const report = progress(scenario);
	const timer = setInterval(() => report(read(), total), 5000);
	try {
		return await work();
	} finally {
		clearInterval(timer);
		report(read(), total);
	}
}

/** Cores, load average and the time now, for the report's "busy machine" line and its run times. */
export function machineLoad(): { cores: number; loadAverage: number[]; at: string } {
	return { cores: cpus().length, loadAverage: loadavg(), at: new Date().toISOString() };
}
