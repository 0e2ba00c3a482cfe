/**
 * Team membership for synced guests: read each team's members once, add only the missing ones, batched.
 *
 * Microsoft (https://learn.microsoft.com/en-us/graph/api/team-post-members?view=graph-rest-1.0): `roles` is empty for a
 * basic member and holds "guest" for a guest, so guests are added with ["guest"] (chat-post-members shows the same for
 * a guest in a chat); a disabled or blocked user answers 404; an addition may take time to show in the member list
 * (a later add then answers 409, counted as done). A guest created moments ago also answers 404 until Entra has
 * replicated it: those adds are sent again with backoff (replication.ts).
 */
import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import type { AadUserConversationMember } from '@microsoft/microsoft-graph-types';

import { graphBaseUrl, graphPages } from '../shared/transport';
import type { BatchRequestItem, BatchResponseItem, GraphPage, GraphRequest } from '../shared/transport';
import { parseTeamId } from '../shared/descriptions/rlc';
import { CREDENTIAL_TYPE, isSuccess, jsonHeaders, runBatched } from './directory';
import { teamAddFailure } from './failures';
import { sendWhileReplicating } from './replication';

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
	/** Guests created in this run: Entra may not have replicated them yet, so a 404 is retried with backoff. */
	justCreated?: ReadonlySet<string>;
	/** Called with the reason when a `$batch` was refused as a whole (nothing more is sent). */
	onRefused?: (response: BatchResponseItem) => void;
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
	const pending: Array<{ teamId: string; userId: string }> = [];
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
	const requests: BatchRequestItem[] = pending.map(({ teamId, userId }, index) => ({
		id: String(index + 1),
		method: 'POST',
		url: `/teams/${teamId}/members`,
		headers: jsonHeaders(),
		body: {
			'@odata.type': '#microsoft.graph.aadUserConversationMember',
			roles: ['guest'],
			'user@odata.bind': `${graphBase}/v1.0/users('${userId}')`,
		} as IDataObject,
	}));
	const isNew = (index: number) => options.justCreated?.has(pending[index].userId) === true;
	const fresh = requests.filter((_, index) => isNew(index));
	const older = requests.filter((_, index) => !isNew(index));
	const byId = new Map<string, BatchResponseItem>();
	// A 403 (the permission removed mid-run) stops the adds still queued, like a refused $batch.
	for (const response of await runBatched.call(this, older, { onBatchFailure: 'results', stopAfter: (response) => response.status === 403 })) {
		byId.set(response.id, response);
	}
	const refused = [...byId.values()].find((response) => response.batchRefused);
	if (refused) options.onRefused?.(refused);
	const freshResponses = refused ? fresh.map((request) => ({ ...refused, id: request.id })) : await sendWhileReplicating.call(this, fresh);
	for (const response of freshResponses) byId.set(response.id, response);
	requests.forEach((request, index) => {
		const response = byId.get(request.id) as BatchResponseItem;
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
