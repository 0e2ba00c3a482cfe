// Graph subscriptions of one trigger node: create, renew, recreate, delete, all through the shared transport.
// `reconcileSubscriptions` is the one routine every path uses (activation, each n8n start, lifecycle events), so
// "keep one live subscription per target" is written once.
import type { Subscription } from '@microsoft/microsoft-graph-types';

import type { IHookFunctions } from 'n8n-workflow';

import { graphFailureOf, graphFor, type GraphFunctions } from '../shared/transport';
import { clientStateKeyFrom, clientStateMatches, deriveClientState, type ClientStateKey } from './clientState';
import type { StoredSubscription, TriggerStaticData } from './staticData';
import { expirationFor, hasExpired, renewalDue } from './subscriptionPolicy';
import type { SubscriptionTarget } from './targets';

export interface ReconcileResult {
	created: string[];
	renewed: string[];
	/** Targets whose subscription had vanished or expired: notifications may have been lost, so catch up. */
	recreated: string[];
}

type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** Settles a Graph call into a value or the transport's own error (already a NodeApiError), to inspect without re-wrapping. */
async function settle<T>(call: Promise<T>): Promise<Outcome<T>> {
	return await call.then(
		(value): Outcome<T> => ({ ok: true, value }),
		(error: unknown): Outcome<T> => ({ ok: false, error }),
	);
}

function isGone(error: unknown): boolean {
	const status = graphFailureOf(error)?.status ?? Number((error as { httpCode?: string })?.httpCode);
	return status === 404;
}

/** The clientState key of the trigger's credential (every context that manages subscriptions can read it). */
export async function clientStateKeyOf(ctx: GraphFunctions, credentialType: string): Promise<ClientStateKey> {
	return clientStateKeyFrom(await (ctx as IHookFunctions).getCredentials(credentialType));
}

/** The clientState Graph must echo for a stored subscription; undefined when it was made under another key. */
export function expectedClientState(stored: StoredSubscription, key: ClientStateKey): string | undefined {
	return stored.keyId === key.id ? deriveClientState(key, stored.notificationUrl, stored.target.key) : undefined;
}

export async function createSubscription(
	ctx: GraphFunctions,
	credentialType: string,
	target: SubscriptionTarget,
	notificationUrl: string,
	now: Date,
): Promise<StoredSubscription> {
	const key = await clientStateKeyOf(ctx, credentialType);
	const clientState = deriveClientState(key, notificationUrl, target.key);
	const created = await graphFor(ctx).request<Subscription>({
		credentialType,
		method: 'POST',
		url: '/subscriptions',
		body: {
			changeType: target.changeType,
			notificationUrl,
			// Always set: Graph requires it above one hour on Teams and presence resources, and its
			// reauthorizationRequired and subscriptionRemoved events are how the node stays subscribed.
			lifecycleNotificationUrl: notificationUrl,
			resource: target.resource,
			expirationDateTime: expirationFor(target.kind, now),
			clientState,
			latestSupportedTlsVersion: 'v1_2',
		},
	});
	if (!created?.id) throw new Error('Microsoft Graph created a subscription but returned no id');
	return {
		id: created.id,
		target,
		keyId: key.id,
		expirationDateTime: created.expirationDateTime ?? expirationFor(target.kind, now),
		notificationUrl,
	};
}

/** PATCHes a new expiry (which also reauthorizes). Returns false when Graph no longer has the subscription. */
export async function renewSubscription(
	ctx: GraphFunctions,
	credentialType: string,
	stored: StoredSubscription,
	now: Date,
): Promise<boolean> {
	const outcome = await settle(
		graphFor(ctx).request<Subscription>({
			credentialType,
			method: 'PATCH',
			url: `/subscriptions/${stored.id}`,
			body: { expirationDateTime: expirationFor(stored.target.kind, now) },
			// Setting an absolute expiry twice has the same effect as once.
			idempotent: true,
		}),
	);
	if (!outcome.ok) {
		if (isGone(outcome.error)) return false;
		throw outcome.error;
	}
	stored.expirationDateTime = outcome.value?.expirationDateTime ?? expirationFor(stored.target.kind, now);
	stored.renewedAt = now.toISOString();
	return true;
}

export async function deleteSubscription(
	ctx: GraphFunctions,
	credentialType: string,
	subscriptionId: string,
): Promise<void> {
	const outcome = await settle(
		graphFor(ctx).request({ credentialType, method: 'DELETE', url: `/subscriptions/${subscriptionId}` }),
	);
	// Already gone (expired, removed by Graph, deleted by an earlier deactivation): that is the goal.
	if (!outcome.ok && !isGone(outcome.error)) throw outcome.error;
}

/**
 * Makes Graph hold exactly one live subscription per target, pointing at `notificationUrl`: renews the ones that
 * are due (all of them with `renewAll`), recreates vanished or expired ones, creates missing ones and deletes the
 * ones for targets the node no longer watches.
 */
export async function reconcileSubscriptions(
	ctx: GraphFunctions,
	credentialType: string,
	targets: SubscriptionTarget[],
	notificationUrl: string,
	state: TriggerStaticData,
	now: Date,
	options: { renewAll?: boolean } = {},
): Promise<ReconcileResult> {
	const result: ReconcileResult = { created: [], renewed: [], recreated: [] };
	const wanted = new Set(targets.map((t) => t.key));
	const key = await clientStateKeyOf(ctx, credentialType);

	for (const [key, stored] of Object.entries(state.subscriptions)) {
		if (wanted.has(key)) continue;
		await deleteSubscription(ctx, credentialType, stored.id);
		delete state.subscriptions[key];
	}

	for (const target of targets) {
		const stored = state.subscriptions[target.key];
		const usable =
			stored !== undefined &&
			stored.notificationUrl === notificationUrl &&
			stored.target.resource === target.resource &&
			// Edits and deletes turned on or off: Graph cannot change a subscription's changeType, so it is replaced.
			stored.target.changeType === target.changeType &&
			// Made under another key (a rotated client secret): its notifications could not be verified any more.
			stored.keyId === key.id &&
			!hasExpired(stored.expirationDateTime, now);
		if (usable) {
			if (!options.renewAll && !renewalDue(target.kind, stored.expirationDateTime, now)) continue;
			stored.target = target;
			if (await renewSubscription(ctx, credentialType, stored, now)) {
				result.renewed.push(target.key);
				continue;
			}
		}
		if (stored) {
			// Expired, vanished, or pointing at an old URL: notifications since may have gone nowhere.
			await deleteSubscription(ctx, credentialType, stored.id);
			result.recreated.push(target.key);
			delete state.subscriptions[target.key];
		} else {
			result.created.push(target.key);
		}
		state.subscriptions[target.key] = await createSubscription(ctx, credentialType, target, notificationUrl, now);
	}
	return result;
}

/** Replaces one target's subscription (after Graph removed it). */
export async function recreateSubscription(
	ctx: GraphFunctions,
	credentialType: string,
	state: TriggerStaticData,
	targetKey: string,
	now: Date,
): Promise<StoredSubscription | undefined> {
	const stored = state.subscriptions[targetKey];
	if (!stored) return undefined;
	await deleteSubscription(ctx, credentialType, stored.id);
	const replacement = await createSubscription(ctx, credentialType, stored.target, stored.notificationUrl, now);
	state.subscriptions[targetKey] = replacement;
	return replacement;
}

/**
 * Deletes the node's subscriptions on deactivation: the ones static data names, then every other one of this app
 * that notifies `notificationUrl`. Static data alone is not proof enough: n8n saves a webhook call's copy when the
 * call ends, so a call that outlived a deactivation and reactivation can write back ids of the earlier activation,
 * and the live subscription would be left behind (Graph keeps notifying for up to its lifetime, days); and when an
 * activation fails part way, n8n removes the webhooks with the static data it had before, without the subscriptions
 * already made. The URL is proof of ownership: it is this node's own webhook path, which n8n gives no other node,
 * and Graph lists only this app's subscriptions (subscription-list.md; delegated: the ones it made for the signed-in
 * user).
 */
export async function deleteAllSubscriptions(
	ctx: GraphFunctions,
	credentialType: string,
	state: TriggerStaticData,
	notificationUrl: string,
): Promise<void> {
	for (const [key, stored] of Object.entries(state.subscriptions)) {
		await deleteSubscription(ctx, credentialType, stored.id);
		delete state.subscriptions[key];
	}
	if (!notificationUrl) return;
	const left = await graphFor(ctx).all<Subscription>({ credentialType, method: 'GET', url: '/subscriptions' });
	for (const subscription of left) {
		if (subscription.id && subscription.notificationUrl === notificationUrl) {
			await deleteSubscription(ctx, credentialType, subscription.id);
		}
	}
}

export function findStoredSubscription(
	state: TriggerStaticData,
	subscriptionId: string,
): StoredSubscription | undefined {
	return Object.values(state.subscriptions).find((s) => s.id === subscriptionId);
}

/**
 * The stored subscription whose target a notification of an unknown subscription id claims, by its clientState
 * (checked locally: nothing is asked of Graph); undefined when the clientState is none of this node's.
 */
export function subscriptionOfClientState(
	state: TriggerStaticData,
	key: ClientStateKey,
	subscriptionId: string,
	receivedClientState: unknown,
): StoredSubscription | undefined {
	if (!/^[0-9a-f-]{36}$/i.test(subscriptionId)) return undefined;
	return Object.values(state.subscriptions).find((s) =>
		clientStateMatches(deriveClientState(key, s.notificationUrl, s.target.key), receivedClientState),
	);
}

/**
 * Takes back a subscription static data lost. n8n saves static data per webhook call, last write wins: when two
 * calls overlap and one recreated a subscription, its new id can be overwritten, and every notification of it would
 * be refused. The notification's clientState is checked first, without any Graph call: it must be the one derived
 * for one of this node's targets (a forged POST never gets further). Only then is Graph asked about the unknown id:
 * a subscription of this app, pointing at that target's URL and resource, is ours.
 * Returns 'adopted', 'notOurs' (clientState of none of ours: nothing was asked) or 'notFound' (Graph said no).
 */
export async function adoptLostSubscription(
	ctx: GraphFunctions,
	credentialType: string,
	state: TriggerStaticData,
	key: ClientStateKey,
	subscriptionId: string,
	receivedClientState: unknown,
): Promise<'adopted' | 'notOurs' | 'notFound'> {
	const replaced = subscriptionOfClientState(state, key, subscriptionId, receivedClientState);
	if (!replaced) return 'notOurs';
	const outcome = await settle(
		graphFor(ctx).request<Subscription>({ credentialType, method: 'GET', url: `/subscriptions/${subscriptionId}` }),
	);
	if (!outcome.ok || !outcome.value?.id) return 'notFound';
	const found = { ...outcome.value, id: outcome.value.id };
	if (found.notificationUrl !== replaced.notificationUrl || found.resource !== replaced.target.resource) return 'notFound';
	if (replaced.id !== found.id) await deleteSubscription(ctx, credentialType, replaced.id);
	state.subscriptions[replaced.target.key] = {
		id: found.id,
		target: replaced.target,
		keyId: key.id,
		expirationDateTime: found.expirationDateTime ?? replaced.expirationDateTime,
		notificationUrl: replaced.notificationUrl,
	};
	return 'adopted';
}
