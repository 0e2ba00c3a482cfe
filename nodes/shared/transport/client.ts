/**
 * Assembles the middleware chain every Graph call goes through, top to bottom:
 *   AmbiguousWriteGuard  lost answers: retry reads, verify writes before repeating them
 *   RetryHandler         graph-client's: 429 (any method) and 503/504 (idempotent) with Retry-After, capped backoff
 *   ClientLimit          Microsoft's throttling limits, client side: each attempt waits for room (limiter.ts)
 *   TokenRefresh         401 / 403 InvalidAuthenticationToken: resend once with a fresh token
 *   N8nSender            n8n's request helpers (proxy, SSRF guard), token or OAuth2 signing
 */
import { RetryHandler, RetryHandlerOptions, type Context, type Middleware } from '@microsoft/microsoft-graph-client';

import type { GraphConnection } from './connection';
import { AmbiguousWriteGuard } from './middleware/ambiguousWriteGuard';
import { ClientLimit } from './middleware/clientLimit';
import { callStateOfOptions, IDEMPOTENT_METHODS, setCallState, type CallState } from './middleware/callState';
import { N8nSender } from './middleware/n8nSender';
import { TokenRefresh } from './middleware/tokenRefresh';
import { retryAfterSeconds } from './retryBudget';
import type { GraphFunctions } from './types';

/** Seconds before the first retry when Graph sends no Retry-After; later retries back off exponentially. */
const RETRY_BASE_DELAY_SECONDS = 1;
/** graph-client's own cap (its maximum); the operation's RetryBudget decides first. */
const MAX_HANDLER_RETRIES = 10;

/** The wait graph-client's RetryHandler will choose (its getDelay without the jitter). */
function handlerDelay(response: Response, attempt: number): number {
	const asked = retryAfterSeconds(response.headers.get('retry-after'));
	if (asked !== undefined) return asked;
	const next = attempt + 1;
	return next >= 2 ? Math.round(0.5 * (2 ** next - 1)) + RETRY_BASE_DELAY_SECONDS : RETRY_BASE_DELAY_SECONDS;
}

function retryHandler(): RetryHandler {
	const shouldRetry = (_delay: number, attempt: number, _request: RequestInfo, options: RequestInit | undefined, response: Response) => {
		const method = (options?.method ?? 'GET').toUpperCase();
		// Graph did not process a throttled request, so even a POST may be resent; a 503/504 on a write is ambiguous
		// and left to AmbiguousWriteGuard.
		if (response.status !== 429 && !IDEMPOTENT_METHODS.has(method)) return false;
		const budget = callStateOfOptions(options)?.budget;
		return budget ? budget.take(handlerDelay(response, attempt), response.status) : true;
	};
	return new RetryHandler(new RetryHandlerOptions(RETRY_BASE_DELAY_SECONDS, MAX_HANDLER_RETRIES, shouldRetry));
}

export function buildChain(ctx: GraphFunctions, connection: GraphConnection): Middleware {
	const links: Middleware[] = [new AmbiguousWriteGuard(), retryHandler(), new ClientLimit(connection), new TokenRefresh(connection), new N8nSender(ctx, connection)];
	for (let i = 0; i < links.length - 1; i++) links[i].setNext!(links[i + 1]);
	return links[0];
}

export async function sendThroughChain(
	chain: Middleware,
	url: string,
	init: RequestInit,
	state: Omit<CallState, 'forceTokenRefresh' | 'verifiedExisting'>,
): Promise<{ response: Response; verifiedExisting: boolean }> {
	const context: Context = { request: url, options: init };
	const fullState: CallState = { ...state, forceTokenRefresh: false, verifiedExisting: false };
	setCallState(context, fullState);
	await chain.execute(context);
	if (!context.response) throw new Error(`No response for ${state.method} ${state.path}`);
	return { response: context.response, verifiedExisting: fullState.verifiedExisting };
}
