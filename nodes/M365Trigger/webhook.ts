// The trigger's webhook: Graph's validation handshake, change notifications and lifecycle notifications all
// arrive here (the lifecycle URL is the notification URL). Everything is checked before the answer; the answer
// (202) goes out before any Graph call, because Graph wants it within 3 seconds; then resources are fetched in
// full, subscriptions renewed or recreated, missed changes read back, and the workflow started with the result.
import type { IWebhookFunctions, IWebhookResponseData, INodeExecutionData } from 'n8n-workflow';

import { KINDS_WITHOUT_READER, readChanges } from './changeReaders';
import { checkNotifications, statusForRejectedPost, type CheckedChange, type Rejection } from './notifications';
import { emissionLedger } from './emissionLedger';
import { emitChanges, type EventFilter } from './output';
import { changedResourceFor } from './resourcePaths';
import { readCredentialType, readerCredential, readEvent, readDropOwnPosts, readIncludeChanges, readIncludeReplies, readIncludeSystemEvents } from './selection';
import { triggerState, type TriggerStaticData } from './staticData';
import { renewalDue } from './subscriptionPolicy';
import type { ClientStateKey } from './clientState';
import {
	adoptLostSubscription,
	clientStateKeyOf,
	expectedClientState,
	findStoredSubscription,
	recreateSubscription,
	renewSubscription,
	subscriptionOfClientState,
} from './subscriptions';
import { isValidationHandshake, webhookGuard, type WebhookGuard } from './webhookGuards';

const NO_WORKFLOW: IWebhookResponseData = { noWebhookResponse: true };

async function catchUp(
	ctx: IWebhookFunctions,
	filter: EventFilter,
	state: TriggerStaticData,
	targetKey: string,
	now: Date,
): Promise<INodeExecutionData[]> {
	const stored = state.subscriptions[targetKey];
	const cursor = state.cursors[targetKey];
	if (!stored || !cursor) return [];
	if (KINDS_WITHOUT_READER.includes(stored.target.kind)) {
		ctx.logger.warn(`Microsoft 365 Trigger: Graph offers no way to read back missed changes of ${stored.target.resource}`);
		return [];
	}
	const reader = readerCredential(ctx, stored.target);
	const { changes, cursor: next } = await readChanges(ctx, reader, stored.target, cursor, now);
	let unread = 0;
	const warn = (message: string) => ctx.logger.warn(`Microsoft 365 Trigger: ${message}`);
	const items = await emitChanges(ctx, reader, filter, stored.target, changes, state, (message) => {
		unread++;
		warn(message);
	});
	if (unread > 0) {
		// What could not be read stays ahead of the cursor: a later call reads from here again.
		needCatchUp(state, targetKey, warn);
		return items;
	}
	state.cursors[targetKey] = { ...state.cursors[targetKey], ...next, catchUpPending: false };
	emissionLedger(state.instanceId).caughtUp(targetKey);
	return items;
}

/**
 * A changed resource could not be read after the notification was answered (Graph sends it no more): the target is
 * read back, in this call and, while that fails, in later ones. Marked in this call's copy of the static data (what
 * a restart finds) and in the process's ledger (what every overlapping call's copy is topped up with).
 */
function needCatchUp(state: TriggerStaticData, targetKey: string, warn: (message: string) => void): void {
	const stored = state.subscriptions[targetKey];
	if (stored && KINDS_WITHOUT_READER.includes(stored.target.kind)) {
		warn(`Graph offers no way to read back what could not be read of ${stored.target.resource}`);
		return;
	}
	const cursor = state.cursors[targetKey];
	if (!cursor) return;
	cursor.catchUpPending = true;
	emissionLedger(state.instanceId).needCatchUp(targetKey);
}

/** At most this many unknown subscription ids are looked up per POST (and fewer when the budget is spent). */
const MAX_LOOKUPS_PER_POST = 2;

/**
 * Asks Graph about subscription ids static data does not know (see adoptLostSubscription): only for a clientState
 * derived for one of ours, within the guard's budget, never again for an id Graph did not know.
 */
async function adoptLostSubscriptions(
	ctx: IWebhookFunctions,
	state: TriggerStaticData,
	key: ClientStateKey,
	guard: WebhookGuard,
	rejected: Rejection[],
): Promise<boolean> {
	const body = ctx.getBodyData() as { value?: Array<{ subscriptionId?: unknown; clientState?: unknown }> };
	const unknown = new Map<string, unknown>();
	for (const { index, reason } of rejected) {
		const item = body.value?.[index];
		if (reason !== 'unknownSubscription' || typeof item?.subscriptionId !== 'string') continue;
		if (unknown.size < MAX_LOOKUPS_PER_POST) unknown.set(item.subscriptionId, item.clientState);
	}
	let adopted = false;
	for (const [subscriptionId, clientState] of unknown) {
		// A clientState of none of ours (a forged POST) never reaches Graph nor the lookup budget.
		if (!subscriptionOfClientState(state, key, subscriptionId, clientState)) continue;
		if (!guard.mayLookUp(subscriptionId)) continue;
		try {
			const outcome = await adoptLostSubscription(ctx, readCredentialType(ctx), state, key, subscriptionId, clientState);
			if (outcome === 'adopted') adopted = true;
			else guard.rememberNotFound(subscriptionId);
		} catch (error) {
			ctx.logger.warn(`Microsoft 365 Trigger: could not look up subscription ${subscriptionId}: ${(error as Error).message}`);
		}
	}
	return adopted;
}

export async function handleWebhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const res = this.getResponseObject();
	const query = this.getQueryData() as Record<string, unknown>;

	if (query.validationToken !== undefined) {
		// Graph's handshake: echo the token as text/plain (Express has already URL-decoded it), nothing else.
		if (isValidationHandshake(query, this.getBodyData())) {
			res.status(200).type('text/plain').send(query.validationToken as string);
		} else {
			res.status(400).end();
		}
		return NO_WORKFLOW;
	}

	const state = triggerState(this.getWorkflowStaticData('node'), this.getMode() === 'manual');
	const guard = webhookGuard(state.instanceId);
	const credentialType = readCredentialType(this);
	let key: ClientStateKey;
	try {
		key = await clientStateKeyOf(this, credentialType);
	} catch (error) {
		guard.refused(this.logger, `Microsoft 365 Trigger: cannot check notifications: ${(error as Error).message}`);
		res.status(500).end();
		return NO_WORKFLOW;
	}
	const check = () =>
		checkNotifications(this.getBodyData(), (id) => {
			const stored = findStoredSubscription(state, id);
			return stored && { id: stored.id, clientState: expectedClientState(stored, key), targetKey: stored.target.key };
		});
	let verdict = check();
	if (verdict.kind === 'checked' && verdict.rejected.some((r) => r.reason === 'unknownSubscription')) {
		if (await adoptLostSubscriptions(this, state, key, guard, verdict.rejected)) verdict = check();
	}
	// Subscriptions made under another key (the credential's secret was rotated) cannot be verified any more: they
	// are replaced, and what they may have announced is read back from Graph, never taken from this POST.
	const staleTargets = new Set(
		verdict.kind === 'checked' ? verdict.rejected.flatMap((r) => (r.reason === 'staleKey' && r.targetKey ? [r.targetKey] : [])) : [],
	);
	const rejectedStatus = staleTargets.size > 0 ? undefined : statusForRejectedPost(verdict);
	if (rejectedStatus !== undefined || verdict.kind !== 'checked') {
		guard.refused(this.logger, `Microsoft 365 Trigger: refused a notification POST (${rejectedStatus ?? 400})`);
		res.status(rejectedStatus ?? 400).end();
		return NO_WORKFLOW;
	}
	res.status(202).end();

	const filter: EventFilter = {
		event: readEvent(this),
		includeReplies: readIncludeReplies(this),
		includeChanges: readIncludeChanges(this),
		dropOwnPosts: readDropOwnPosts(this),
		includeSystemEvents: readIncludeSystemEvents(this),
	};
	const now = new Date();
	const warn = (message: string) => this.logger.warn(`Microsoft 365 Trigger: ${message}`);
	const items: INodeExecutionData[] = [];

	const byTarget = new Map<string, CheckedChange[]>();
	for (const change of verdict.changes) {
		byTarget.set(change.targetKey, [...(byTarget.get(change.targetKey) ?? []), change]);
	}
	for (const [targetKey, changes] of byTarget) {
		const stored = state.subscriptions[targetKey];
		if (!stored) continue;
		const changed = [];
		for (const change of changes) {
			const resource = changedResourceFor(stored.target, change.resource, change.resourceId);
			if (resource) changed.push({ changed: resource, changeType: change.changeType });
			else warn(`ignored a notification about ${change.resource}, which ${stored.target.resource} does not cover`);
		}
		const unreadable = (message: string) => {
			warn(message);
			needCatchUp(state, targetKey, warn);
		};
		try {
			items.push(...(await emitChanges(this, readerCredential(this, stored.target), filter, stored.target, changed, state, unreadable)));
		} catch (error) {
			unreadable(`could not read the changed resources: ${(error as Error).message}`);
		}
	}

	const needsCatchUp = new Set<string>();
	for (const targetKey of staleTargets) {
		if (!guard.mayActOnLifecycle(targetKey)) continue;
		try {
			await recreateSubscription(this, credentialType, state, targetKey, now);
			guard.actedOnLifecycle(targetKey);
			needsCatchUp.add(targetKey);
		} catch (error) {
			warn(`replacing the subscription of ${targetKey} (made with an earlier client secret) failed: ${(error as Error).message}`);
		}
	}
	for (const event of verdict.lifecycleEvents) {
		// Graph repeats reauthorizationRequired until it is answered, and a captured one can be replayed: the renewal
		// keeps the subscription id, so at most one per target in a while; the catch-up is marked pending instead, so
		// a later call still reads what was missed. (subscriptionRemoved replaces the id: a repeat names an unknown one.)
		if (event.lifecycleEvent === 'reauthorizationRequired' && !guard.mayActOnLifecycle(event.targetKey)) {
			const cursor = state.cursors[event.targetKey];
			if (cursor) cursor.catchUpPending = true;
			continue;
		}
		try {
			if (event.lifecycleEvent === 'reauthorizationRequired') {
				const stored = state.subscriptions[event.targetKey];
				if (stored && !(await renewSubscription(this, credentialType, stored, now))) {
					await recreateSubscription(this, credentialType, state, event.targetKey, now);
				}
				guard.actedOnLifecycle(event.targetKey);
				// Graph may have paused delivery until this reauthorization, and what changed meanwhile is lost.
				needsCatchUp.add(event.targetKey);
			} else if (event.lifecycleEvent === 'subscriptionRemoved') {
				await recreateSubscription(this, credentialType, state, event.targetKey, now);
				needsCatchUp.add(event.targetKey);
			} else {
				needsCatchUp.add(event.targetKey);
			}
		} catch (error) {
			warn(`handling ${event.lifecycleEvent} failed: ${(error as Error).message}`);
		}
	}

	// Every notification is also a chance to renew: a busy subscription never gets near its expiry.
	for (const targetKey of byTarget.keys()) {
		const stored = state.subscriptions[targetKey];
		if (!stored || !renewalDue(stored.target.kind, stored.expirationDateTime, now)) continue;
		try {
			if (!(await renewSubscription(this, credentialType, stored, now))) {
				await recreateSubscription(this, credentialType, state, targetKey, now);
				needsCatchUp.add(targetKey);
			}
		} catch (error) {
			warn(`renewing ${stored.target.resource} failed: ${(error as Error).message}`);
		}
	}

	const ledger = emissionLedger(state.instanceId);
	for (const [targetKey, cursor] of Object.entries(state.cursors)) {
		if (cursor.catchUpPending) needsCatchUp.add(targetKey);
	}
	for (const targetKey of ledger.catchUpsPending()) if (state.cursors[targetKey]) needsCatchUp.add(targetKey);
	for (const targetKey of needsCatchUp) {
		try {
			items.push(...(await catchUp(this, filter, state, targetKey, now)));
		} catch (error) {
			warn(`catching up on ${targetKey} failed: ${(error as Error).message}`);
			needCatchUp(state, targetKey, warn);
		}
	}

	// Whichever overlapping call's copy n8n saves last still says what is left to read back.
	for (const targetKey of ledger.catchUpsPending()) {
		const cursor = state.cursors[targetKey];
		if (cursor) cursor.catchUpPending = true;
	}

	if (items.length === 0) return NO_WORKFLOW;
	return { noWebhookResponse: true, workflowData: [items] };
}
