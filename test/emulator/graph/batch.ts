// POST /$batch: up to 20 sub-requests, each dispatched through the same router (authentication from the outer
// request, permissions, faults, throttling, logging), dependsOn with 424 for failed prerequisites, responses in
// the order processed.
import { randomUUID } from 'crypto';

import { GRAPH_JSON } from '../http/io';
import { graphErrorBody } from './errors';
import type { DispatchResponse, GraphContext, GraphRouter, GraphResult } from './router';

export const BATCH_LIMIT = 20;

interface BatchRequestItem {
	id?: unknown;
	method?: unknown;
	url?: unknown;
	headers?: Record<string, string>;
	body?: unknown;
	dependsOn?: unknown;
}

function invalid(ctx: GraphContext, message: string): never {
	return ctx.graph.error(400, 'BadRequest', message);
}

async function runBatch(ctx: GraphContext): Promise<GraphResult> {
	if (ctx.inBatch) invalid(ctx, 'Nested batch requests are not supported.');
	const payload = ctx.body as { requests?: BatchRequestItem[] } | undefined;
	if (!payload || typeof payload !== 'object' || !Array.isArray(payload.requests)) invalid(ctx, 'Invalid batch payload format.');
	const items = payload.requests;
	if (items.length === 0) invalid(ctx, 'Invalid batch payload format.');
	if (items.length > BATCH_LIMIT) invalid(ctx, `Maximum number of requests per batch exceeded. The maximum is ${BATCH_LIMIT}.`);

	const ids = new Set<string>();
	for (const item of items) {
		if (typeof item.id !== 'string' || typeof item.method !== 'string' || typeof item.url !== 'string') invalid(ctx, 'Invalid batch payload format.');
		if (ids.has(item.id)) invalid(ctx, `Request id ${item.id} is duplicated.`);
		ids.add(item.id);
		const headers = Object.fromEntries(Object.entries(item.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
		// Graph refuses any write sub-request that lacks a body or its Content-Type, even an action that takes no body.
		if (['POST', 'PATCH', 'PUT'].includes(item.method.toUpperCase()) && (item.body === undefined || !headers['content-type'])) {
			invalid(ctx, `Write request id : ${item.id} does not contain Content-Type header or body.`);
		}
		if (item.dependsOn !== undefined) {
			if (!Array.isArray(item.dependsOn)) invalid(ctx, 'Invalid batch payload format.');
			for (const dependency of item.dependsOn) {
				if (typeof dependency !== 'string' || !items.some((other) => other.id === dependency && other !== item)) {
					invalid(ctx, `Request with id '${item.id}' depends on a request id '${String(dependency)}' that does not exist in the batch.`);
				}
			}
		}
	}

	// Process in an order that honours dependsOn (input order otherwise).
	const remaining = [...items];
	const statusById = new Map<string, number>();
	const responses: Array<{ id: string; status: number; headers: Record<string, string>; body?: unknown }> = [];
	let drop: 'before' | 'after' | undefined;
	while (remaining.length > 0) {
		const index = remaining.findIndex((item) => ((item.dependsOn as string[] | undefined) ?? []).every((d) => statusById.has(d)));
		if (index < 0) invalid(ctx, 'The batch contains a circular dependsOn chain.');
		const [item] = remaining.splice(index, 1);
		const id = item.id as string;
		const failedDependency = ((item.dependsOn as string[] | undefined) ?? []).some((d) => (statusById.get(d) ?? 0) >= 400);
		if (failedDependency) {
			statusById.set(id, 424);
			responses.push({ id, status: 424, headers: { 'Content-Type': 'application/json' }, body: graphErrorBody('FailedDependency', 'The request could not be processed because a request it depends on failed.', randomUUID(), ctx.clientRequestId, ctx.clock.now()) });
			continue;
		}
		const throttled = ctx.throttledSubRequests?.get(id);
		if (throttled) {
			// Outlook's MailboxConcurrency refused it (throttling.ts): a 429 with its own Retry-After inside the batch.
			statusById.set(id, 429);
			responses.push({ id, status: 429, headers: { 'Content-Type': 'application/json', 'Retry-After': String(throttled.retryAfterSeconds) }, body: graphErrorBody(throttled.code, throttled.message, randomUUID(), ctx.clientRequestId, ctx.clock.now()) });
			continue;
		}
		const response = await dispatchSubRequest(ctx, item);
		if (response.drop === 'before') return { drop: 'before' };
		if (response.drop === 'after') drop = 'after';
		statusById.set(id, response.status);
		const headers: Record<string, string> = { ...response.headers };
		if (response.body !== undefined && response.status !== 204) headers['Content-Type'] ??= typeof response.body === 'string' ? 'text/plain' : GRAPH_JSON;
		responses.push({ id, status: response.status, headers, ...(response.body !== undefined && response.status !== 204 ? { body: response.body } : {}) });
	}
	return { status: 200, body: { responses }, ...(drop ? { drop } : {}) };
}

async function dispatchSubRequest(ctx: GraphContext, item: BatchRequestItem): Promise<DispatchResponse> {
	const url = new URL(String(item.url).replace(/^\/?/, '/'), 'https://batch.invalid');
	const headers: Record<string, string> = Object.fromEntries(Object.entries(item.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]));
	// Sub-requests run with the batch's own token.
	if (ctx.headers.authorization) headers.authorization = ctx.headers.authorization;
	if (ctx.headers['client-request-id'] && !headers['client-request-id']) headers['client-request-id'] = ctx.headers['client-request-id'];
	const requestId = randomUUID();
	const response = await ctx.graph.dispatch({
		method: String(item.method).toUpperCase(),
		path: url.pathname,
		version: ctx.version,
		query: url.searchParams,
		headers,
		body: item.body,
		inBatch: true,
		requestId,
	});
	ctx.emulator.requests.record({
		host: 'graph',
		method: String(item.method).toUpperCase(),
		path: `/${ctx.version}${url.pathname}`,
		query: url.search.slice(1),
		route: response.route,
		status: response.drop === 'before' ? 0 : response.status,
		appId: response.appId,
		batch: true,
		time: ctx.clock.now().toISOString(),
		faults: response.faults,
	});
	return response;
}

export function registerBatch(graph: GraphRouter): void {
	graph.route('POST', '/$batch', { handler: runBatch });
}
