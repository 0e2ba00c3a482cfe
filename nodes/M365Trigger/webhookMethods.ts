// n8n's webhook lifecycle for the trigger: checkExists when the workflow is activated (and, on n8n versions that
// still use the legacy activation path, at every start), create when checkExists says no, delete on deactivation.
// checkExists renews every subscription to its full lifetime; the lifecycle events handled in webhook.ts keep
// them alive in between (n8n 2.40 does not call checkExists at start: it keeps webhooks registered).
import { randomUUID } from 'crypto';

import { NodeOperationError } from 'n8n-workflow';
import type { IHookFunctions } from 'n8n-workflow';

import { KINDS_WITHOUT_READER, startCursor } from './changeReaders';
import { forgetEmissionLedger } from './emissionLedger';
import { forgetWebhookGuard } from './webhookGuards';
import { assertSubscriptionsOfferedInCloud, readCredentialType, resolveTargets } from './selection';
import { forgetTargetsExcept, triggerState, type TriggerStaticData } from './staticData';
import { notificationUrlProblem } from './subscriptionPolicy';
import { deleteAllSubscriptions, reconcileSubscriptions } from './subscriptions';
import type { SubscriptionTarget } from './targets';

/**
 * Whether this hook runs for the editor's test URL. n8n deletes test webhooks in mode 'internal', like production
 * ones, so the URL (n8n's test endpoint, `webhook-test` unless N8N_ENDPOINT_WEBHOOK_TEST changes it) decides too.
 */
function isTestRun(ctx: IHookFunctions): boolean {
	const url = ctx.getNodeWebhookUrl('default') ?? '';
	const testEndpoint = process.env.N8N_ENDPOINT_WEBHOOK_TEST ?? 'webhook-test';
	return ctx.getMode() === 'manual' || url.includes(`/${testEndpoint}/`);
}

function stateOf(ctx: IHookFunctions): TriggerStaticData {
	return triggerState(ctx.getWorkflowStaticData('node'), isTestRun(ctx));
}

/** Cursors start before subscriptions are made, so a later catch-up covers everything from activation on. */
async function ensureCursors(
	ctx: IHookFunctions,
	credentialType: string,
	targets: SubscriptionTarget[],
	state: TriggerStaticData,
	now: Date,
): Promise<void> {
	for (const target of targets) {
		if (state.cursors[target.key] || KINDS_WITHOUT_READER.includes(target.kind)) continue;
		try {
			state.cursors[target.key] = await startCursor(ctx, credentialType, target, now);
		} catch (error) {
			// Catch-up is the backup path: a cursor that cannot start must not stop the subscription itself.
			ctx.logger.warn(`Microsoft 365 Trigger: catch-up for ${target.resource} starts by time: ${(error as Error).message}`);
			state.cursors[target.key] = { since: now.toISOString() };
		}
	}
	forgetTargetsExcept(state, new Set(targets.map((t) => t.key)));
}

async function reconcile(ctx: IHookFunctions, renewAll: boolean): Promise<void> {
	const notificationUrl = ctx.getNodeWebhookUrl('default') ?? '';
	const problem = notificationUrlProblem(notificationUrl);
	if (problem) throw new NodeOperationError(ctx.getNode(), problem);
	const credentialType = readCredentialType(ctx);
	const targets = await resolveTargets(ctx);
	await assertSubscriptionsOfferedInCloud(ctx, credentialType, targets);
	const state = stateOf(ctx);
	const now = new Date();
	await ensureCursors(ctx, credentialType, targets, state, now);
	const result = await reconcileSubscriptions(ctx, credentialType, targets, notificationUrl, state, now, { renewAll });
	// A subscription that vanished while n8n was down lost its notifications; the next webhook call catches up.
	for (const key of result.recreated) {
		const cursor = state.cursors[key];
		if (cursor) cursor.catchUpPending = true;
	}
}

export async function checkExists(this: IHookFunctions): Promise<boolean> {
	const state = stateOf(this);
	if (Object.keys(state.subscriptions).length === 0) return false;
	try {
		await reconcile(this, true);
		return true;
	} catch (error) {
		// n8n calls create next, which runs the same reconciliation and reports the error to the user.
		this.logger.warn(`Microsoft 365 Trigger: renewing subscriptions failed, recreating them: ${(error as Error).message}`);
		return false;
	}
}

export async function create(this: IHookFunctions): Promise<boolean> {
	await reconcile(this, true);
	return true;
}

export async function deleteSubscriptions(this: IHookFunctions): Promise<boolean> {
	const state = stateOf(this);
	try {
		await deleteAllSubscriptions(this, readCredentialType(this), state, this.getNodeWebhookUrl('default') ?? '');
	} catch (error) {
		// Deactivation must not fail on Graph: a subscription left behind expires by itself within days, and its
		// notifications are refused (unknown subscription) in the meantime.
		this.logger.warn(`Microsoft 365 Trigger: could not delete every subscription: ${(error as Error).message}`);
		state.subscriptions = {};
	}
	state.cursors = {};
	state.emitted = {};
	// The next activation starts a new ledger, as it starts with no emitted ids.
	forgetEmissionLedger(state.instanceId);
	forgetWebhookGuard(state.instanceId);
	state.instanceId = randomUUID();
	return true;
}
