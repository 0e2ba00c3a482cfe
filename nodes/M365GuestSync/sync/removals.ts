/** The removal phase: last, after every user is synced, and only as the removal plan allows (see plan.ts). */
import type { IExecuteFunctions } from 'n8n-workflow';

import type { BatchRequestItem } from '../../shared/transport';
import { isSuccess, patchUserRequest, runBatched } from '../directory';
import { isPermissionDenied, userWriteFailure } from '../failures';
import type { DirectoryUser, RemovalPlan, SyncAction } from '../plan';
import type { RemovalResult } from './results';
import { noteDenied, noteRefusal, type WriteState } from './writes';

const describe = (guest: DirectoryUser) => guest.mail ?? guest.otherMails?.[0] ?? guest.userPrincipalName ?? undefined;

export async function removeGuests(
	this: IExecuteFunctions,
	plan: RemovalPlan,
	dryRun: boolean,
	state: WriteState,
): Promise<RemovalResult[]> {
	if (plan.targets.length === 0) return [];
	const action: SyncAction = plan.mode === 'delete' ? 'removed' : 'disabled';
	if (dryRun) {
		return plan.targets.map((guest) => ({
			type: 'removal',
			email: describe(guest),
			userId: guest.id,
			action,
			reason: `Dry run: would be ${action}, no longer in the source`,
			dryRun,
		}));
	}
	const requests: BatchRequestItem[] = plan.targets.map((guest, index) =>
		plan.mode === 'delete'
			? { id: String(index + 1), method: 'DELETE', url: `/users/${guest.id}` }
			: patchUserRequest(String(index + 1), guest.id, { accountEnabled: false }),
	);
	const responses = await runBatched.call(this, requests, { onBatchFailure: 'results', stopAfter: isPermissionDenied });
	return responses.map((response, index) => {
		const guest = plan.targets[index];
		noteDenied(state, response, plan.mode === 'delete' ? 'delete a guest' : 'disable a guest');
		const refused = noteRefusal(state, response);
		const done = !refused && (isSuccess(response) || (plan.mode === 'delete' && response.status === 404));
		return {
			type: 'removal',
			email: describe(guest),
			userId: guest.id,
			action: done ? action : 'failed',
			reason: done
				? 'No longer in the source'
				: refused
					? `Not ${action}: ${state.stopped}`
					: userWriteFailure(response, plan.mode === 'delete' ? 'delete the guest' : 'disable the guest'),
			dryRun,
		};
	});
}
