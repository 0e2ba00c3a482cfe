/**
 * Retries what is safe to retry after a lost answer, and nothing else.
 *
 * A dropped connection, a timeout or a 5xx after the request left us says nothing about whether Graph applied it.
 * Reads and idempotent writes are simply sent again. A POST or PATCH is sent again only after the caller's
 * verifyAfterAmbiguousFailure() has looked and found that it did not happen; if it did, its result stands in for
 * the lost answer. Without a verifier such a write is never repeated: the caller gets an AmbiguousWriteError.
 * (429 needs none of this: Graph did not process a throttled request; graph-client's RetryHandler below retries it.)
 */
import type { Context, Middleware } from '@microsoft/microsoft-graph-client';

import { AmbiguousWriteError, isNetworkError } from '../errors';
import { callState, sleep } from './callState';

const AMBIGUOUS_STATUSES = new Set([500, 502, 503, 504]);
const MAX_ATTEMPTS = 6;
const BASE_DELAY_MS = 250;
const MAX_DELAY_MS = 8_000;

function backoff(attempt: number): number {
	const exponential = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** attempt);
	return exponential / 2 + Math.random() * (exponential / 2);
}

export class AmbiguousWriteGuard implements Middleware {
	private next?: Middleware;

	setNext(next: Middleware): void {
		this.next = next;
	}

	async execute(context: Context): Promise<void> {
		const state = callState(context);
		for (let attempt = 0; ; attempt++) {
			const thrown = await this.next!.execute(context).then(
				() => undefined,
				(error: unknown) => ({ error }),
			);
			if (thrown && !isNetworkError(thrown.error)) throw thrown.error;
			const networkError = thrown?.error;
			if (!thrown) {
				const status = context.response?.status ?? 0;
				// Idempotent 503/504 were already retried by RetryHandler; a 5xx left on a write is ambiguous.
				if (state.idempotent || !AMBIGUOUS_STATUSES.has(status)) return;
			}
			const lostAnswer = networkError ? (networkError as Error).message : `HTTP ${context.response?.status}`;
			const lastAttempt = attempt + 1 >= MAX_ATTEMPTS;
			if (!state.idempotent) {
				if (!state.verifyAfterAmbiguousFailure) {
					if (networkError) throw new AmbiguousWriteError(state.method, state.path, lostAnswer);
					return;
				}
				const existing = await state.verifyAfterAmbiguousFailure();
				if (existing !== undefined && existing !== null) {
					state.verifiedExisting = true;
					context.response = new Response(JSON.stringify(existing), {
						status: state.method === 'POST' ? 201 : 200,
						headers: { 'content-type': 'application/json', 'x-m365-verified-existing': 'true' },
					});
					return;
				}
			}
			const delayMs = backoff(attempt);
			if (lastAttempt || !state.budget.take(delayMs / 1000, context.response?.status)) {
				if (networkError) throw networkError;
				return;
			}
			await sleep(delayMs);
		}
	}
}
