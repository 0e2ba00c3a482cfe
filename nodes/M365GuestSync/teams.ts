/**
 * Team membership for synced guests: read each team's members once, add only the missing ones, in bulk (200 a request
 * per team, teamBulkAdd.ts), and say per user what happened.
 *
 * Microsoft (https://learn.microsoft.com/en-us/graph/api/team-post-members?view=graph-rest-1.0): `roles` is empty for a
 * basic member and holds "guest" for a guest, so guests are added with ["guest"] (chat-post-members shows the same for
 * a guest in a chat); a disabled or blocked user is not found; an addition may take time to show in the member list
 * (a later add then reports the user as already a member: counted as done). A guest created moments ago is not found
 * either until Entra has replicated it: those users are sent again, in bulk, with backoff (replication.ts); a user who
 * was not created in this run is not, its failure is reported.
 */
import { NodeOperationError } from 'n8n-workflow';
import type { IExecuteFunctions } from 'n8n-workflow';
import type { AadUserConversationMember } from '@microsoft/microsoft-graph-types';

import { graphBaseUrl, graphPages } from '../shared/transport';
import type { BatchResponseItem, GraphPage, GraphRequest } from '../shared/transport';
import { parseTeamId } from '../shared/descriptions/rlc';
import { CREDENTIAL_TYPE, isSuccess } from './directory';
import { isPermissionDenied, teamAddFailure } from './failures';
import { retryWhileReplicating } from './replication';
import { addInBulk, type MemberAdd } from './teamBulkAdd';

export interface TeamMembership {
	teamId: string;
	memberUserIds: Set<string>;
}

/** Team ids from the "Add to Teams" list (resource locators), checked. */
export function readTeamIds(this: IExecuteFunctions, itemIndex: number): string[] {
	const collection = this.getNodeParameter('teams', itemIndex, {}) as {
		team?: Array<{ teamId?: { value?: string } | string }>;
	};
	const teamIds: string[] = [];
	for (const entry of collection.team ?? []) {
		const raw = typeof entry.teamId === 'string' ? entry.teamId : (entry.teamId?.value ?? '');
		const teamId = parseTeamId(String(raw));
		if (!teamId) {
			throw new NodeOperationError(this.getNode(), `'${raw}' in Add to Teams is not a team ID or team link`, {
				itemIndex,
				description: 'Pick the team from the list, or give its ID (a GUID) or its Teams link.',
			});
		}
		if (!teamIds.includes(teamId)) teamIds.push(teamId);
	}
	return teamIds;
}

export async function readTeamMembers(this: IExecuteFunctions, teamId: string): Promise<TeamMembership> {
	const memberUserIds = new Set<string>();
	const pages = graphPages.call<IExecuteFunctions, [GraphRequest], AsyncGenerator<GraphPage<AadUserConversationMember>>>(this, {
		credentialType: CREDENTIAL_TYPE,
		method: 'GET',
		url: `/teams/${teamId}/members`,
	});
	for await (const page of pages) {
		for (const member of page.value) if (member.userId) memberUserIds.add(member.userId);
	}
	return { teamId, memberUserIds };
}

export interface TeamAddOutcome {
	/** Team ids each user was added to (or would be, in a dry run). */
	added: Map<string, string[]>;
	/** Failures per user. */
	errors: Map<string, string[]>;
}

export interface TeamAddOptions {
	dryRun: boolean;
	/** Guests created in this run: Entra may not have replicated them yet, so a "not found" is retried with backoff. */
	justCreated?: ReadonlySet<string>;
	/** Called with the reason when a `$batch` was refused as a whole, or an add after a 403 was not sent. */
	onRefused?: (response: BatchResponseItem) => void;
	/** Called when Graph refused an add for lack of permission (403): nothing more is sent. */
	onDenied?: (response: BatchResponseItem) => void;
}

/** Adds guests to the teams they are missing from; membership sets are updated so a later window sees them. */
export async function addMissingMembers(
	this: IExecuteFunctions,
	userIds: string[],
	teams: TeamMembership[],
	options: TeamAddOptions,
): Promise<TeamAddOutcome> {
	const { dryRun } = options;
	const outcome: TeamAddOutcome = { added: new Map(), errors: new Map() };
	const pending: MemberAdd[] = [];
	for (const team of teams) {
		for (const userId of userIds) if (!team.memberUserIds.has(userId)) pending.push({ teamId: team.teamId, userId });
	}
	if (pending.length === 0) return outcome;
	const note = (map: Map<string, string[]>, userId: string, value: string) =>
		map.set(userId, [...(map.get(userId) ?? []), value]);
	if (dryRun) {
		for (const { teamId, userId } of pending) note(outcome.added, userId, teamId);
		return outcome;
	}
	const graphBase = await graphBaseUrl.call(this, CREDENTIAL_TYPE);
	const send = async (adds: MemberAdd[]) => await addInBulk.call(this, adds, graphBase);
	const first = await send(pending);
	// After a 403 or a refused `$batch` nothing more is sent, retries included.
	const stopped = first.some((response) => isPermissionDenied(response) || response.batchRefused);
	const responses = stopped
		? first
		: await retryWhileReplicating(pending, first, send, (index) => options.justCreated?.has(pending[index].userId) === true);
	const denied = responses.find(isPermissionDenied);
	if (denied) options.onDenied?.(denied);
	responses.forEach((response, index) => {
		const { teamId, userId } = pending[index];
		const team = teams.find((candidate) => candidate.teamId === teamId);
		if (response.batchRefused) {
			options.onRefused?.(response);
			note(outcome.errors, userId, `Not added to team ${teamId}: ${response.error?.message ?? 'the sync stopped'}`);
			return;
		}
		// 409: already a member (added meanwhile) counts as done.
		if (isSuccess(response) || response.status === 409) {
			team?.memberUserIds.add(userId);
			if (isSuccess(response)) note(outcome.added, userId, teamId);
			return;
		}
		note(outcome.errors, userId, teamAddFailure(response, teamId));
	});
	return outcome;
}
