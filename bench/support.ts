/**
 * What every benchmark needs, in one place: timing with peak memory, Graph request counts from the emulator, the
 * tenant app's credential data, and the bare keep-alive HTTPS client the "naive" side uses (one call per item,
 * as a workflow with n8n's HTTP Request node would make them).
 */
import { Agent, request } from 'node:https';

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

/** One HTTPS call over a single kept-alive connection: the naive side's client. */
export async function rawCall(method: string, url: string, headers: Record<string, string>, body?: string): Promise<{ status: number; body: string }> {
	return await new Promise((resolve, reject) => {
		const req = request(url, { method, headers, agent }, (res) => {
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
}
