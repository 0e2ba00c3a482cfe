/**
 * One retry budget per logical operation (a request, a paged listing, a $batch run), shared by every layer that
 * retries inside it: graph-client's RetryHandler (429/503/504 with Retry-After), the lost-answer guard and the
 * $batch rounds. Without it each layer retried on its own (8 times, up to 180 s a wait), so one poll could wait
 * tens of minutes without a word. When the budget is spent the operation fails with "throttled, stopped after ...".
 *
 * Waiting is counted as wall time: waits that overlap (parallel $batch calls throttled together) count once.
 */

/** Retries one operation may make in all (each throttled call resent counts one); graph-client's own maximum. */
export const MAX_RETRIES_PER_OPERATION = 10;
/** Seconds one operation may spend waiting for Retry-After or backoff in all. */
export const MAX_RETRY_WAIT_SECONDS = 300;

export class RetryBudget {
	private retries = 0;
	private waitedMs = 0;
	private waitsEndAt = 0;
	private spent = false;
	private lastStatus?: number;

	constructor(
		private readonly maxRetries = MAX_RETRIES_PER_OPERATION,
		private readonly maxWaitSeconds = MAX_RETRY_WAIT_SECONDS,
	) {}

	/** Claims one retry after waiting `delaySeconds` (for a response of `status`); false when the budget cannot pay for it. */
	take(delaySeconds: number, status?: number): boolean {
		if (status !== undefined) this.lastStatus = status;
		const now = Date.now();
		const end = now + Math.max(0, delaySeconds) * 1000;
		const added = Math.max(0, end - Math.max(now, this.waitsEndAt));
		if (this.retries + 1 > this.maxRetries || this.waitedMs + added > this.maxWaitSeconds * 1000) {
			this.spent = true;
			return false;
		}
		this.retries++;
		this.waitedMs += added;
		this.waitsEndAt = Math.max(this.waitsEndAt, end);
		return true;
	}

	get exhausted(): boolean {
		return this.spent;
	}

	/** "throttled, stopped after 12 retries and 41 s of waiting" (or "unavailable, ..." for 503/504). */
	summary(): string {
		const what = this.lastStatus === undefined || this.lastStatus === 429 ? 'throttled' : `unavailable (HTTP ${this.lastStatus})`;
		return `${what}, stopped after ${this.retries} ${this.retries === 1 ? 'retry' : 'retries'} and ${Math.round(this.waitedMs / 1000)} s of waiting`;
	}
}

/** Seconds a Retry-After header asks for (seconds or an HTTP date); undefined without one. */
export function retryAfterSeconds(value: string | null | undefined): number | undefined {
	if (value === null || value === undefined || value.trim() === '') return undefined;
	const seconds = Number(value);
	if (Number.isFinite(seconds)) return Math.max(0, seconds);
	const date = Date.parse(value);
	return Number.isNaN(date) ? undefined : Math.max(0, (date - Date.now()) / 1000);
}
