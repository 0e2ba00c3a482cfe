/**
 * The Sync operation's writes: invitations (each batch marked with the source name at once), updates, and the rules
 * that stop writing: after a refused invitation permission no further invitation is sent, and after a `$batch` refused
 * as a whole nothing more is written at all (the rest is reported failed with the reason).
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import type { BatchRequestItem, BatchResponseItem } from '../../shared/transport';
import { invitationBody, invitedUserId, isSuccess, lookupAllOwners, patchUserRequest, runBatched } from '../directory';
import { inviteFailure, isPermissionDenied, userWriteFailure } from '../failures';
import { chunk } from '../../shared/chunk';
import { isGuest, type UserPlan } from '../plan';
import { sendWhileReplicating, verifyInvitation } from '../replication';
import { baseResult, type UserResult } from './results';
import type { PendingMark } from './pendingMarks';
import type { SyncSettings } from './settings';

export interface WriteState {
	/** Set after Graph refused invitations for lack of permission: the remaining invitations are not sent. */
	invitesDenied?: string;
	/** Set once a `$batch` was refused as a whole: nothing more is written, every later user is reported failed. */
	stopped?: string;
	/** Guests invited in this run whose mark could not be written: remembered for the next run (pendingMarks.ts). */
	unmarked: PendingMark[];
}

type InvitePlan = Extract<UserPlan, { kind: 'invite' }>;
type UpdatePlan = Extract<UserPlan, { kind: 'update' }>;

/** Notes a refused `$batch` in the state; true when the response is one (it says nothing about the user itself). */
export function noteRefusal(state: WriteState, response: BatchResponseItem): boolean {
	if (!response.batchRefused) return false;
	state.stopped = state.stopped ?? `The sync stopped: ${response.error?.message ?? `Graph answered ${response.status}`}`;
	return true;
}

/**
 * A write refused for lack of permission (the permission was removed mid-run): nothing more is written, as after a
 * refused `$batch`. Passed to runBatched as `stopAfter`, so the queued requests of the same call are not sent either.
 */
export function noteDenied(state: WriteState, response: BatchResponseItem, what: string): void {
	if (!isPermissionDenied(response) || state.stopped) return;
	state.stopped = `The sync stopped: Graph refused to ${what} (${response.error?.message ?? 'HTTP 403'}); grant the permission the item names, then run again`;
}

function stoppedResult(plan: UserPlan, state: WriteState): UserResult {
	return { ...baseResult(plan.source, false), action: 'failed', reason: `Not synced: ${state.stopped}` };
}

export async function invite(
	this: IExecuteFunctions,
	plans: InvitePlan[],
	settings: SyncSettings,
	state: WriteState,
	results: Map<number, UserResult>,
): Promise<void> {
	for (const batch of chunk(plans, 20)) {
		if (state.stopped || state.invitesDenied) {
			for (const plan of batch) {
				results.set(
					plan.source.itemIndex,
					state.stopped ? stoppedResult(plan, state) : { ...baseResult(plan.source, false), action: 'failed', reason: state.invitesDenied },
				);
			}
			continue;
		}
		const responses = await runBatched.call(
			this,
			batch.map((plan, index) => ({
				id: String(index + 1),
				method: 'POST',
				url: '/invitations',
				headers: { 'Content-Type': 'application/json' },
				body: invitationBody(plan.source.email, plan.source.displayName, settings.invitation),
				verifyAfterAmbiguousFailure: verifyInvitation.call(this, plan.source.email),
			})),
			{ onBatchFailure: 'results' },
		);
		// Mark the guests of this batch at once, so a crash leaves at most one batch unmarked.
		const marks: BatchRequestItem[] = [];
		const markedPlans: Array<{ plan: InvitePlan; userId: string }> = [];
		responses.forEach((response, index) => {
			const plan = batch[index];
			const userId = invitedUserId(response);
			if (noteRefusal(state, response)) {
				results.set(plan.source.itemIndex, stoppedResult(plan, state));
				return;
			}
			if (!isSuccess(response) || !userId) {
				const reason = inviteFailure(response);
				if (isPermissionDenied(response)) state.invitesDenied = reason;
				results.set(plan.source.itemIndex, { ...baseResult(plan.source, false), action: 'failed', reason });
				return;
			}
			marks.push(patchUserRequest(String(marks.length + 1), userId, plan.followUp));
			markedPlans.push({ plan, userId });
		});
		// The marks are sent even after a refusal: these guests exist now, and an unmarked guest falls out of every later
		// update and removal. A guest Entra has not replicated yet answers 404 for a while: sent again with backoff.
		const markResponses = marks.length > 0 ? await sendWhileReplicating.call(this, marks) : [];
		markResponses.forEach((response, index) => {
			const { plan, userId } = markedPlans[index];
			const result: UserResult = { ...baseResult(plan.source, false), action: 'invited', userId };
			if (!isSuccess(response)) {
				state.unmarked.push({ userId, email: plan.source.email, invitedAt: new Date().toISOString() });
				result.reason = `Invited, but not marked as this sync's guest yet: ${userWriteFailure(response, 'mark the guest')}. The next run of this workflow marks it first (or run once with Adopt Existing Guests on).`;
			}
			results.set(plan.source.itemIndex, result);
		});
	}
}

/**
 * Looks up, before any write, the addresses of guests this sync is about to update: when a member of the tenant now
 * owns one too (a partner who was hired), that guest is not updated and the conflict is reported. Dry runs check too,
 * so they report what a real run does. Returns the results of the plans that must not be written.
 */
export async function memberConflicts(
	this: IExecuteFunctions,
	plans: UpdatePlan[],
	settings: SyncSettings,
): Promise<Map<number, UserResult>> {
	const conflicts = new Map<number, UserResult>();
	if (plans.length === 0) return conflicts;
	const owners = await lookupAllOwners.call(this, plans.map((plan) => plan.source.email), settings.markerAttribute);
	for (const plan of plans) {
		const base = { ...baseResult(plan.source, settings.dryRun), userId: plan.user.id };
		const failure = owners.failed.get(plan.source.email);
		if (failure) {
			conflicts.set(plan.source.itemIndex, { ...base, action: 'failed', reason: `${failure}; the guest is not updated without it` });
			continue;
		}
		const member = (owners.found.get(plan.source.email) ?? []).find((user) => !isGuest(user));
		if (!member) continue;
		conflicts.set(plan.source.itemIndex, {
			...base,
			action: 'skipped',
			reason: `Conflict: ${plan.source.email} now also belongs to a member of this tenant (${member.userPrincipalName ?? member.id}), besides the guest ${plan.user.id} this sync manages. The guest is not updated. Decide which account the person keeps (for example delete the guest once the member has what they need), then sync again`,
		});
	}
	return conflicts;
}

/** Updates guests of this source (conflicts with members already taken out by memberConflicts). */
export async function update(
	this: IExecuteFunctions,
	plans: UpdatePlan[],
	state: WriteState,
	results: Map<number, UserResult>,
): Promise<void> {
	if (plans.length === 0) return;
	if (state.stopped) {
		for (const plan of plans) results.set(plan.source.itemIndex, stoppedResult(plan, state));
		return;
	}
	const responses = await runBatched.call(
		this,
		plans.map((plan, index) => patchUserRequest(String(index + 1), plan.user.id, plan.changes)),
		{ onBatchFailure: 'results', stopAfter: isPermissionDenied },
	);
	responses.forEach((response, index) => {
		const plan = plans[index];
		noteDenied(state, response, 'update a guest');
		if (noteRefusal(state, response)) {
			results.set(plan.source.itemIndex, stoppedResult(plan, state));
			return;
		}
		const base = { ...baseResult(plan.source, false), userId: plan.user.id };
		results.set(
			plan.source.itemIndex,
			isSuccess(response)
				? { ...base, action: 'updated', changes: plan.changes, reason: plan.adopted ? 'Adopted: marked as this sync\'s guest' : undefined }
				: { ...base, action: 'failed', reason: userWriteFailure(response, 'update the guest') },
		);
	});
}
