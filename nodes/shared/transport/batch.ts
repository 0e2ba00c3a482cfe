/**
 * JSON batching: many Graph calls in $batch requests of at most 20, with per-item results and retries.
 *
 * Sub-requests answered 429 (or 503/504 for reads) are sent again in a later round after the longest Retry-After
 * among them; a write whose answer was lost is verified before it is repeated, as in graphRequest. Each caller
 * gets one result per request, in input order; per-item failures are results, not exceptions. The rounds and the
 * $batch calls' own retries draw on one RetryBudget; when it is spent, the items still waiting fail with
 * "throttled, stopped after ...".
 */
import type { IDataObject } from 'n8n-workflow';

import { AmbiguousWriteError, graphFailureOf, isNetworkError } from './errors';
import { IDEMPOTENT_METHODS, sleep } from './middleware/callState';
import { limitsOf } from './limiter';
import { graphRequest } from './request';
import { RetryBudget, retryAfterSeconds } from './retryBudget';
import type { BatchRequestItem, BatchResponseItem, GraphErrorBody, GraphFunctions, GraphVersion } from './types';

export const BATCH_LIMIT = 20;
const MAX_WAIT_SECONDS = 180;

interface WireResponse {
	id: string;
	status: number;
	headers?: Record<string, string>;
	body?: unknown;
}

export interface GraphBatchOptions {
	version?: GraphVersion;
	itemIndex?: number;
	/** $batch requests in flight at once. Graph throttles per app and tenant, so keep this small. */
	concurrency?: number;
	/** The retry budget of the operation this batch run belongs to (default: its own). */
	retryBudget?: RetryBudget;
	/**
	 * What a `$batch` refused as a whole with 4xx (bad request, permission, authentication) does. `throw` (default):
	 * the call rejects with that error. `results`: the refused batch's requests get the failure as their result, and
	 * every request not sent yet gets a `NotSent` result (status 0) instead of being sent; results already received
	 * are kept. Either way no queued `$batch` is sent after the failure.
	 */
	onBatchFailure?: 'throw' | 'results';
	/**
	 * With `onBatchFailure: 'results'`: a sub-response for which this is true (for example a 403 on a write: the
	 * permission was removed mid-run) stops the run like a refused `$batch`: it keeps its own result, and every request
	 * not sent yet gets a `NotSent` result.
	 */
	stopAfter?: (response: BatchResponseItem) => boolean;
}

/** Code of the result given to requests not sent because an earlier `$batch` was refused as a whole. */
export const NOT_SENT = 'NotSent';

function isIdempotent(item: BatchRequestItem): boolean {
	return IDEMPOTENT_METHODS.has(item.method.toUpperCase());
}

/**
 * Keeps items linked by dependsOn in the same $batch (Graph requires it), otherwise fills batches of 20 in order. An
 * item under a limit smaller than a batch (Teams: 1 request per second on one channel or chat, 4 on one team, 4
 * member adds per minute on one team or chat; limiter.ts) goes into the first batch that still has room under that
 * limit: Graph counts each sub-request, so a batch holding more would draw 429s for the rest, while separate batches
 * wait for their window in the client-side limiter.
 */
export function chunkForBatch(items: BatchRequestItem[]): BatchRequestItem[][] {
	const chunks: BatchRequestItem[][] = [];
	const chunkOf = new Map<string, BatchRequestItem[]>();
	/** Per chunk: how many of its items fall under each small limit's key. */
	const keyCounts = new Map<BatchRequestItem[], Map<string, number>>();
	/** Per small limit's key: the first chunk that may still have room for it (chunks only fill up). */
	const firstFor = new Map<string, number>();
	let firstOpen = 0;
	const open = (): BatchRequestItem[] => {
		const chunk: BatchRequestItem[] = [];
		chunks.push(chunk);
		keyCounts.set(chunk, new Map());
		return chunk;
	};
	for (const item of items) {
		const deps = item.dependsOn ?? [];
		const small = limitsOf(item.method, item.url).rates.filter((rule) => rule.limit < BATCH_LIMIT);
		const target = deps.length ? chunkOf.get(deps[0]) : undefined;
		let chunk: BatchRequestItem[] | undefined = target;
		if (target) {
			if (target.length >= BATCH_LIMIT) throw new Error(`Batch item "${item.id}" depends on a batch that is already full`);
		} else {
			while (firstOpen < chunks.length && chunks[firstOpen].length >= BATCH_LIMIT) firstOpen++;
			let at = Math.max(firstOpen, ...small.map((rule) => firstFor.get(rule.key) ?? 0));
			for (; at < chunks.length; at++) {
				const counts = keyCounts.get(chunks[at])!;
				if (chunks[at].length < BATCH_LIMIT && small.every((rule) => (counts.get(rule.key) ?? 0) < rule.limit)) break;
			}
			chunk = at < chunks.length ? chunks[at] : open();
			for (const rule of small) firstFor.set(rule.key, at);
		}
		chunk!.push(item);
		chunkOf.set(item.id, chunk!);
		const counts = keyCounts.get(chunk!)!;
		for (const rule of small) counts.set(rule.key, (counts.get(rule.key) ?? 0) + 1);
	}
	return chunks;
}

function toWire(item: BatchRequestItem): IDataObject {
	const wire: IDataObject = { id: item.id, method: item.method.toUpperCase(), url: item.url.startsWith('/') ? item.url : `/${item.url}` };
	// Graph refuses a whole $batch when a write sub-request lacks a body or Content-Type, even an action that
	// takes no parameters (clearUserPreferredPresence, softDelete): such writes get an empty JSON body.
	const isWrite = ['POST', 'PATCH', 'PUT'].includes(String(wire.method));
	if (item.body !== undefined || isWrite) {
		wire.body = (item.body ?? {}) as IDataObject;
		wire.headers = { 'Content-Type': 'application/json', ...item.headers };
	} else if (item.headers) {
		wire.headers = item.headers;
	}
	if (item.dependsOn?.length) wire.dependsOn = item.dependsOn;
	return wire;
}

function lowerCaseHeaders(headers: Record<string, string> | undefined): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [name, value] of Object.entries(headers ?? {})) out[name.toLowerCase()] = String(value);
	return out;
}

function failureResult(id: string, status: number, code: string, message: string): BatchResponseItem {
	return { id, status, headers: {}, body: { error: { code, message } }, error: { code, message } };
}

/** Runs tasks a few at a time; once one fails (or `stopped()` says so), no further task is started. */
async function runLimited<T>(tasks: Array<() => Promise<T>>, concurrency: number, stopped: () => boolean = () => false): Promise<void> {
	let next = 0;
	let failed = false;
	const workers = Array.from({ length: Math.max(1, Math.min(concurrency, tasks.length)) }, async () => {
		while (next < tasks.length && !failed && !stopped()) {
			let done = false;
			try {
				await tasks[next++]();
				done = true;
			} finally {
				if (!done) failed = true;
			}
		}
	});
	await Promise.all(workers);
}

export async function graphBatch(
	this: GraphFunctions,
	credentialType: string,
	requests: BatchRequestItem[],
	options: GraphBatchOptions = {},
): Promise<BatchResponseItem[]> {
	const ids = new Set<string>();
	for (const request of requests) {
		if (ids.has(request.id)) throw new Error(`Duplicate batch request id "${request.id}"`);
		ids.add(request.id);
	}
	const results = new Map<string, BatchResponseItem>();
	const budget = options.retryBudget ?? new RetryBudget();
	/** Set when a $batch was refused as a whole and the caller asked for results: nothing more is sent. */
	let refused: { status: number; code: string; message: string } | undefined;
	let pending = requests;
	for (let round = 0; pending.length > 0; round++) {
		const retry: BatchRequestItem[] = [];
		let waitSeconds = 0;

		/** An item whose answer was lost: reads are retried, writes verified first. */
		const handleLost = async (item: BatchRequestItem, reason: string) => {
			if (isIdempotent(item)) return void retry.push(item);
			if (!item.verifyAfterAmbiguousFailure) {
				results.set(item.id, failureResult(item.id, 0, 'AmbiguousWrite', new AmbiguousWriteError(item.method, item.url, reason).message));
				return;
			}
			const existing = await item.verifyAfterAmbiguousFailure();
			if (existing !== undefined && existing !== null) {
				results.set(item.id, { id: item.id, status: item.method.toUpperCase() === 'POST' ? 201 : 200, headers: {}, body: existing });
			} else {
				retry.push(item);
			}
		};

		const tasks = chunkForBatch(pending).map((chunk) => async () => {
			const byId = new Map(chunk.map((item) => [item.id, item]));
			let responses: WireResponse[] = [];
			let failure: unknown;
			try {
				const answer = await graphRequest.call<GraphFunctions, [Parameters<typeof graphRequest>[0]], Promise<{ responses: WireResponse[] }>>(this, {
					credentialType,
					method: 'POST',
					url: '/$batch',
					version: options.version,
					body: { requests: chunk.map(toWire) },
					itemIndex: options.itemIndex,
					// A batch of reads can be resent whole; one with writes is handled item by item below.
					idempotent: chunk.every(isIdempotent),
					retryBudget: budget,
				});
				responses = answer?.responses ?? [];
			} catch (error) {
				failure = error;
			}
			if (failure !== undefined) {
				const status = graphFailureOf(failure)?.status ?? 0;
				// A $batch that failed as a whole with 4xx (bad request, auth) fails the caller; lost answers are per item.
				if (!(failure instanceof AmbiguousWriteError || isNetworkError(failure) || status >= 500)) {
					if (options.onBatchFailure !== 'results') throw failure;
					const code = graphFailureOf(failure)?.code ?? 'BatchRefused';
					const message = (failure as Error).message;
					refused = refused ?? { status, code, message };
					for (const item of chunk) results.set(item.id, { ...failureResult(item.id, status, code, message), batchRefused: true });
					return;
				}
				for (const item of chunk) await handleLost(item, (failure as Error).message);
				return;
			}
			for (const response of responses) {
				const item = byId.get(response.id);
				if (!item) continue;
				byId.delete(response.id);
				const headers = lowerCaseHeaders(response.headers);
				const status = response.status;
				if (status === 429 || ((status === 503 || status === 504) && isIdempotent(item))) {
					waitSeconds = Math.max(waitSeconds, retryAfterSeconds(headers['retry-after']) ?? 2 ** round);
					retry.push(item);
					continue;
				}
				if (status >= 500 && !isIdempotent(item)) {
					await handleLost(item, `HTTP ${status}`);
					continue;
				}
				const body = response.body;
				const result: BatchResponseItem = {
					id: item.id,
					status,
					headers,
					body,
					error: status >= 400 ? ((body as GraphErrorBody | undefined)?.error ?? { code: `HTTP${status}`, message: `HTTP ${status}` }) : undefined,
				};
				results.set(item.id, result);
				if (options.onBatchFailure === 'results' && !refused && options.stopAfter?.(result)) {
					refused = { status, code: result.error?.code ?? `HTTP${status}`, message: result.error?.message ?? `HTTP ${status}` };
				}
			}
			// Graph answers every sub-request; one missing from the answer counts as lost.
			for (const item of byId.values()) await handleLost(item, 'missing from the $batch response');
		});
		await runLimited(tasks, options.concurrency ?? 4, () => refused !== undefined);

		if (refused) {
			const why = `Not sent: Graph refused an earlier request (${refused.message})`;
			for (const request of pending) if (!results.has(request.id)) results.set(request.id, { ...failureResult(request.id, 0, NOT_SENT, why), batchRefused: true });
			break;
		}
		if (retry.length === 0) break;
		const wait = Math.min(MAX_WAIT_SECONDS, Math.max(waitSeconds, 0.25 * 2 ** round));
		if (!budget.take(wait, 429)) {
			const message = `Microsoft Graph ${budget.summary()}: this request was not sent again.`;
			for (const item of retry) results.set(item.id, failureResult(item.id, 429, 'TooManyRequests', message));
			break;
		}
		await sleep(wait * 1000);
		pending = retry;
	}
	return requests.map((request) => results.get(request.id) ?? failureResult(request.id, 0, 'NoResponse', 'No response for this request.'));
}
