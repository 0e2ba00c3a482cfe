// What an anonymous POST to the trigger's URL may cost. Anyone who knows the URL can post; only Graph (or whoever
// holds the credential's secret) can produce a valid clientState. These bounds keep forged or replayed POSTs from
// spending the app's Graph throttling budget or flooding n8n's log: per trigger activation and n8n process,
// subscription lookups are budgeted and their "not found" answers remembered, refusals are logged as a sample,
// and lifecycle events act on Graph (renew, recreate) at most once per target in a while.
import type { Logger } from 'n8n-workflow';

/** Lookups of unknown subscription ids Graph is asked about, per window. */
export const LOOKUPS_PER_WINDOW = 10;
export const LOOKUP_WINDOW_MS = 10 * 60_000;
/** How long a subscription id Graph did not know stays known as "not ours". */
const NOT_FOUND_TTL_MS = 60 * 60_000;
const NOT_FOUND_MAX = 1000;
/** At most one refusal warning per interval; the others are counted into the next one. */
export const WARNING_INTERVAL_MS = 60_000;
/** A lifecycle event renews or recreates a target's subscription at most once per interval. */
export const LIFECYCLE_INTERVAL_MS = 5 * 60_000;

interface Guard {
	lookups: number[];
	notFound: Map<string, number>;
	lastWarning?: number;
	suppressed: number;
	lifecycle: Map<string, number>;
}

const guards = new Map<string, Guard>();

export interface WebhookGuard {
	/** Whether Graph may be asked about this unknown subscription id now (counts against the budget when yes). */
	mayLookUp(subscriptionId: string): boolean;
	rememberNotFound(subscriptionId: string): void;
	/** Logs a refusal, at most once per interval, with the number left out since the last one. */
	refused(logger: Logger, message: string): void;
	/** Whether a lifecycle event may act on Graph for the target now: not within the interval after a success. */
	mayActOnLifecycle(targetKey: string): boolean;
	/** Records a lifecycle action that Graph accepted (a refused one may be tried again at the next event). */
	actedOnLifecycle(targetKey: string): void;
}

export function webhookGuard(instanceId: string, now: () => number = Date.now): WebhookGuard {
	let guard = guards.get(instanceId);
	if (!guard) {
		guard = { lookups: [], notFound: new Map(), suppressed: 0, lifecycle: new Map() };
		guards.set(instanceId, guard);
	}
	const g = guard;
	return {
		mayLookUp(subscriptionId) {
			const at = now();
			const until = g.notFound.get(subscriptionId);
			if (until !== undefined && until > at) return false;
			g.lookups = g.lookups.filter((time) => at - time < LOOKUP_WINDOW_MS);
			if (g.lookups.length >= LOOKUPS_PER_WINDOW) return false;
			g.lookups.push(at);
			return true;
		},
		rememberNotFound(subscriptionId) {
			const at = now();
			g.notFound.delete(subscriptionId);
			g.notFound.set(subscriptionId, at + NOT_FOUND_TTL_MS);
			for (const [id, until] of g.notFound) {
				if (until > at && g.notFound.size <= NOT_FOUND_MAX) break;
				g.notFound.delete(id);
			}
		},
		refused(logger, message) {
			const at = now();
			if (g.lastWarning !== undefined && at - g.lastWarning < WARNING_INTERVAL_MS) {
				g.suppressed++;
				return;
			}
			const more = g.suppressed > 0 ? ` (and ${g.suppressed} more refused since the last such warning)` : '';
			g.lastWarning = at;
			g.suppressed = 0;
			logger.warn(`${message}${more}`);
		},
		mayActOnLifecycle(targetKey) {
			const last = g.lifecycle.get(targetKey);
			return last === undefined || now() - last >= LIFECYCLE_INTERVAL_MS;
		},
		actedOnLifecycle(targetKey) {
			g.lifecycle.set(targetKey, now());
		},
	};
}

/** A deactivated trigger's guard goes with it. */
export function forgetWebhookGuard(instanceId: string): void {
	guards.delete(instanceId);
}

/** Longest validation token answered; Graph's are about a hundred characters. */
const MAX_VALIDATION_TOKEN_LENGTH = 1024;

/**
 * Whether a request is Graph's validation handshake as Microsoft documents it: a POST with only `validationToken`
 * in the query and an empty body (https://learn.microsoft.com/en-us/graph/change-notifications-delivery-webhooks,
 * "Notification endpoint validation"). Anything else with a token is not answered with it.
 */
export function isValidationHandshake(query: Record<string, unknown>, body: unknown): boolean {
	const token = query.validationToken;
	if (typeof token !== 'string' || token.length === 0 || token.length > MAX_VALIDATION_TOKEN_LENGTH) return false;
	if (Object.keys(query).some((name) => name !== 'validationToken')) return false;
	// eslint-disable-next-line no-control-regex
	if (/[\u0000-\u0008\u000b-\u001f\u007f]/.test(token)) return false;
	if (body === undefined || body === null || body === '') return true;
	if (Buffer.isBuffer(body)) return body.length === 0;
	return typeof body === 'object' && Object.keys(body).length === 0;
}
