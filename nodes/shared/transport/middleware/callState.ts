/**
 * What one Graph call carries through the middleware chain besides the fetch-style request: the retry rules
 * and the token-refresh flag. Kept beside the graph-client Context rather than inside it, because Context's
 * options are a typed fetch RequestInit.
 */
import type { Context } from '@microsoft/microsoft-graph-client';

import type { LimitPlan } from '../limiter';
import type { RetryBudget } from '../retryBudget';

export interface CallState {
	method: string;
	/** For messages: the path without host and query. */
	path: string;
	idempotent: boolean;
	verifyAfterAmbiguousFailure?: () => Promise<unknown>;
	/** Set by the token-refresh middleware for one resend: mint or refresh the token first. */
	forceTokenRefresh: boolean;
	/** Set when a lost write turned out to have happened; the response is then the found resource. */
	verifiedExisting: boolean;
	binary: boolean;
	/** The operation's retry budget, shared by every retrying layer. */
	budget: RetryBudget;
	/** Microsoft's throttling limits this call falls under (a $batch: its sub-requests'). */
	limits: LimitPlan;
}

const states = new WeakMap<Context, CallState>();
/** graph-client's shouldRetry callback sees the request options, not the Context. */
const statesByOptions = new WeakMap<object, CallState>();

export function setCallState(context: Context, state: CallState): void {
	states.set(context, state);
	if (context.options) statesByOptions.set(context.options, state);
}

export function callStateOfOptions(options: object | undefined): CallState | undefined {
	return options ? statesByOptions.get(options) : undefined;
}

export function callState(context: Context): CallState {
	const state = states.get(context);
	if (!state) throw new Error('Graph call state missing: requests must be sent through nodes/shared/transport');
	return state;
}

export const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

export async function sleep(ms: number): Promise<void> {
	await new Promise((resolve) => setTimeout(resolve, ms));
}
