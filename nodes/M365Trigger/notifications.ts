// Checks a POST to the trigger's webhook before anything else happens: is it shaped like Graph's
// changeNotificationCollection, does each notification name a subscription this node made, and does it carry that
// subscription's clientState. Pure; the webhook answers and starts the workflow only for what passes.
import type { ChangeType, LifecycleEventType } from '@microsoft/microsoft-graph-types';

import { clientStateMatches } from './clientState';

export interface KnownSubscription {
	id: string;
	/** The clientState Graph must echo; undefined when the subscription was made under another key (rotated secret). */
	clientState: string | undefined;
	targetKey: string;
}

export interface CheckedChange {
	subscriptionId: string;
	targetKey: string;
	changeType: ChangeType;
	/** As Graph wrote it; not trusted for content, only to know what to fetch (see resourcePaths.ts). */
	resource: string;
	resourceId?: string;
	subscriptionExpirationDateTime?: string;
}

export interface CheckedLifecycleEvent {
	subscriptionId: string;
	targetKey: string;
	lifecycleEvent: LifecycleEventType;
	subscriptionExpirationDateTime?: string;
}

export type RejectionReason = 'malformed' | 'unknownSubscription' | 'clientStateMismatch' | 'staleKey';

export interface Rejection {
	index: number;
	reason: RejectionReason;
	/** For 'staleKey': the target whose subscription must be replaced. */
	targetKey?: string;
}

export type NotificationVerdict =
	| { kind: 'malformed'; reason: string }
	| {
			kind: 'checked';
			changes: CheckedChange[];
			lifecycleEvents: CheckedLifecycleEvent[];
			rejected: Rejection[];
	  };

const CHANGE_TYPES: readonly string[] = ['created', 'updated', 'deleted'];
const LIFECYCLE_EVENTS: readonly string[] = ['reauthorizationRequired', 'subscriptionRemoved', 'missed'];
/** Graph batches notifications; far more than this in one POST is not Graph. */
const MAX_NOTIFICATIONS_PER_POST = 1000;
const MAX_RESOURCE_LENGTH = 2048;

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalString(value: unknown): string | undefined {
	return typeof value === 'string' ? value : undefined;
}

function parseBody(body: unknown): unknown {
	if (typeof body === 'string') {
		try {
			return JSON.parse(body);
		} catch {
			return undefined;
		}
	}
	if (Buffer.isBuffer(body)) return parseBody(body.toString('utf8'));
	return body;
}

export function checkNotifications(
	rawBody: unknown,
	findSubscription: (subscriptionId: string) => KnownSubscription | undefined,
): NotificationVerdict {
	const body = parseBody(rawBody);
	if (!isRecord(body)) return { kind: 'malformed', reason: 'The body is not a JSON object' };
	const { value } = body;
	if (!Array.isArray(value)) return { kind: 'malformed', reason: 'The body has no "value" array' };
	if (value.length === 0) return { kind: 'malformed', reason: 'The "value" array is empty' };
	if (value.length > MAX_NOTIFICATIONS_PER_POST) {
		return { kind: 'malformed', reason: 'The "value" array is too long' };
	}

	const changes: CheckedChange[] = [];
	const lifecycleEvents: CheckedLifecycleEvent[] = [];
	const rejected: Rejection[] = [];

	value.forEach((item: unknown, index) => {
		if (!isRecord(item) || typeof item.subscriptionId !== 'string' || item.subscriptionId === '') {
			rejected.push({ index, reason: 'malformed' });
			return;
		}
		const lifecycleEvent = item.lifecycleEvent;
		const isLifecycle = lifecycleEvent !== undefined && lifecycleEvent !== null;
		if (isLifecycle) {
			if (typeof lifecycleEvent !== 'string' || !LIFECYCLE_EVENTS.includes(lifecycleEvent)) {
				rejected.push({ index, reason: 'malformed' });
				return;
			}
		} else {
			const { changeType, resource } = item;
			const shaped =
				typeof changeType === 'string' &&
				CHANGE_TYPES.includes(changeType) &&
				typeof resource === 'string' &&
				resource.length > 0 &&
				resource.length <= MAX_RESOURCE_LENGTH &&
				(item.resourceData === undefined || item.resourceData === null || isRecord(item.resourceData));
			if (!shaped) {
				rejected.push({ index, reason: 'malformed' });
				return;
			}
		}

		const known = findSubscription(item.subscriptionId);
		if (!known) {
			rejected.push({ index, reason: 'unknownSubscription' });
			return;
		}
		if (known.clientState === undefined) {
			rejected.push({ index, reason: 'staleKey', targetKey: known.targetKey });
			return;
		}
		if (!clientStateMatches(known.clientState, item.clientState)) {
			rejected.push({ index, reason: 'clientStateMismatch' });
			return;
		}

		const subscriptionExpirationDateTime = optionalString(item.subscriptionExpirationDateTime);
		if (isLifecycle) {
			lifecycleEvents.push({
				subscriptionId: known.id,
				targetKey: known.targetKey,
				lifecycleEvent: lifecycleEvent as LifecycleEventType,
				subscriptionExpirationDateTime,
			});
			return;
		}
		const resourceData = isRecord(item.resourceData) ? item.resourceData : undefined;
		changes.push({
			subscriptionId: known.id,
			targetKey: known.targetKey,
			changeType: item.changeType as ChangeType,
			resource: item.resource as string,
			resourceId: optionalString(resourceData?.id),
			subscriptionExpirationDateTime,
		});
	});

	return { kind: 'checked', changes, lifecycleEvents, rejected };
}

/**
 * The HTTP status for a POST whose notifications were all rejected: 400 when it is not Graph's shape at all, 403
 * when it is shaped right but names no subscription of ours or carries the wrong clientState.
 */
export function statusForRejectedPost(verdict: NotificationVerdict): number | undefined {
	if (verdict.kind === 'malformed') return 400;
	if (verdict.changes.length > 0 || verdict.lifecycleEvents.length > 0) return undefined;
	return verdict.rejected.some((r) => r.reason !== 'malformed') ? 403 : 400;
}
