/**
 * graphRequest: one Graph call through the shared chain, its JSON parsed, its failure turned into a NodeApiError.
 */
import type { Middleware } from '@microsoft/microsoft-graph-client';

import { buildChain, sendThroughChain } from './client';
import { getGraphConnection, type GraphConnection } from './connection';
import { graphApiError, parseGraphError } from './errors';
import { IDEMPOTENT_METHODS } from './middleware/callState';
import { limitsOf, limitsOfBatch, pathSegments, type LimitPlan } from './limiter';
import { RetryBudget } from './retryBudget';
import type { GraphFunctions, GraphRequest, GraphResponse } from './types';
import { graphUrl, pathOf } from './url';

interface Session {
	connection: GraphConnection;
	chain: Middleware;
}

/** One chain per context and credential type: connection settings are read once per execution. */
const sessions = new WeakMap<object, Map<string, Promise<Session>>>();

export async function graphSession(ctx: GraphFunctions, credentialType: string): Promise<Session> {
	let perContext = sessions.get(ctx);
	if (!perContext) {
		perContext = new Map();
		sessions.set(ctx, perContext);
	}
	let session = perContext.get(credentialType);
	if (!session) {
		session = (async () => {
			const connection = await getGraphConnection.call(ctx, credentialType);
			return { connection, chain: buildChain(ctx, connection) };
		})();
		perContext.set(credentialType, session);
		session.catch(() => perContext!.delete(credentialType));
	}
	return await session;
}

function responseHeaders(response: Response): Record<string, string> {
	const headers: Record<string, string> = {};
	response.headers.forEach((value, name) => {
		headers[name.toLowerCase()] = value;
	});
	return headers;
}

async function readBody(response: Response, binary: boolean): Promise<unknown> {
	if (binary && response.ok) return Buffer.from(await response.arrayBuffer());
	const text = await response.text();
	if (!text) return undefined;
	const type = response.headers.get('content-type') ?? '';
	if (type.includes('json') || /^[[{]/.test(text.trimStart())) {
		try {
			return JSON.parse(text);
		} catch {
			return text;
		}
	}
	return text;
}

function limitsOfRequest(method: string, url: string, body: GraphRequest['body']): LimitPlan {
	const requests = (body as { requests?: unknown } | undefined)?.requests;
	const segments = pathSegments(url);
	if (method === 'POST' && segments.length === 1 && segments[0] === '$batch' && Array.isArray(requests)) {
		return limitsOfBatch(requests as Array<{ method: string; url: string }>);
	}
	return limitsOf(method, url);
}

export async function graphRequestWithResponse<T>(this: GraphFunctions, request: GraphRequest): Promise<GraphResponse<T>> {
	const { connection, chain } = await graphSession(this, request.credentialType);
	const url = graphUrl(connection.graphHost, request.url, request.version, request.qs);
	const method = request.method.toUpperCase();
	const headers: Record<string, string> = { Accept: 'application/json', ...request.headers };
	let body: string | undefined;
	if (request.body !== undefined) {
		body = JSON.stringify(request.body);
		headers['Content-Type'] = headers['Content-Type'] ?? 'application/json';
	}
	const budget = request.retryBudget ?? new RetryBudget();
	const path = pathOf(url);
	const idempotent = request.idempotent ?? IDEMPOTENT_METHODS.has(method);
	const { response } = await sendThroughChain(chain, url, { method, headers, body }, {
		method,
		path,
		idempotent,
		verifyAfterAmbiguousFailure: request.verifyAfterAmbiguousFailure,
		binary: request.binary === true,
		budget,
		limits: limitsOfRequest(method, url, request.body),
	});
	const parsed = await readBody(response, request.binary === true);
	const headersOut = responseHeaders(response);
	if (!response.ok) {
		const failure = parseGraphError(response.status, parsed, headersOut);
		// 429 (any method) and 503/504 (idempotent) are retried until the budget or the handler's cap ends it.
		if (response.status === 429 || (idempotent && (response.status === 503 || response.status === 504))) {
			failure.message = `${method} ${path}: ${budget.summary()} (${failure.message})`;
		}
		throw graphApiError(this.getNode(), failure, connection, request.itemIndex);
	}
	return { statusCode: response.status, headers: headersOut, body: parsed as T };
}

export async function graphRequest<T>(this: GraphFunctions, request: GraphRequest): Promise<T> {
	return (await graphRequestWithResponse.call<GraphFunctions, [GraphRequest], Promise<GraphResponse<T>>>(this, request)).body;
}

/** The Graph origin for a credential (https://host, no version), e.g. to build links users can open. */
export async function graphBaseUrl(this: GraphFunctions, credentialType: string): Promise<string> {
	const { connection } = await graphSession(this, credentialType);
	return `https://${connection.graphHost}`;
}
