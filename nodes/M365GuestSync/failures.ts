/** What a failed guest write means for the user, and what to do about it. */
import type { BatchResponseItem } from '../shared/transport';
import { describeFailure } from './directory';

function errorMessage(response: BatchResponseItem): string {
	const body = response.body as { error?: { message?: string } } | undefined;
	return (response.error?.message ?? body?.error?.message ?? '').toLowerCase();
}

export function isPermissionDenied(response: BatchResponseItem): boolean {
	return response.status === 403;
}

/** Graph's reason plus the fix, for a failed POST /invitations. */
export function inviteFailure(response: BatchResponseItem): string {
	const graph = describeFailure(response);
	if (response.status === 0) {
		return `The invitation's outcome is unknown (the answer was lost): run the sync again, it looks the guest up before inviting. (${graph})`;
	}
	if (response.status === 403) {
		return `Not allowed to invite guests (${graph}). Grant the app the User.Invite.All application permission with admin consent, and check that Entra ID > External Identities > External collaboration settings lets admins and apps invite guests.`;
	}
	const message = errorMessage(response);
	if (response.status === 400 && (message.includes('domain') || message.includes('collaboration'))) {
		return `The tenant's B2B collaboration policy blocks this address (${graph}). Allow the domain under Entra ID > External Identities > External collaboration settings > Collaboration restrictions, or leave this user out.`;
	}
	if (response.status === 400 && message.includes('already exists')) {
		return `Entra ID refused the invitation because the address belongs to an existing user (${graph}); members are never invited.`;
	}
	return `Invitation failed (${graph})`;
}

/** Graph's reason plus the fix, for a failed PATCH or DELETE on a user. */
export function userWriteFailure(response: BatchResponseItem, what: string): string {
	const graph = describeFailure(response);
	if (response.status === 403) {
		return `Not allowed to ${what} (${graph}). Grant the app the User.ReadWrite.All application permission with admin consent.`;
	}
	if (response.status === 404) return `The user no longer exists (${graph})`;
	if (response.status === 400 && errorMessage(response).includes('extension_')) {
		return `The marker attribute is not registered (${graph}). Register it once with POST /applications/{app object id}/extensionProperties, see the node documentation.`;
	}
	return `Could not ${what} (${graph})`;
}

export function teamAddFailure(response: BatchResponseItem, teamId: string): string {
	const graph = describeFailure(response);
	if (response.status === 403) {
		return `Not allowed to add members to team ${teamId} (${graph}). Grant the app the TeamMember.ReadWrite.All application permission with admin consent.`;
	}
	if (response.status === 404) {
		return `Not added to team ${teamId}: Graph answered 404 (${graph}). Teams answers this for a team that no longer exists, for a disabled guest, and for a guest Entra has not replicated yet (retried for about 30 seconds); the next run adds it.`;
	}
	if (response.status === 400 && errorMessage(response).includes('owner')) {
		return `Not added to team ${teamId}: a guest cannot be an owner of a team (${graph})`;
	}
	return `Could not add to team ${teamId} (${graph})`;
}
