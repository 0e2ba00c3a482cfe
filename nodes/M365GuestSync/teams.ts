/** Team membership for synced guests: read each team's members once, add only the missing ones, batched. */
import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import type { AadUserConversationMember } from '@microsoft/microsoft-graph-types';

import { graphBaseUrl, graphPages } from '../shared/transport';
import type { BatchRequestItem, GraphPage, GraphRequest } from '../shared/transport';
import { parseTeamId } from '../shared/descriptions/rlc';
import { CREDENTIAL_TYPE, isSuccess, jsonHeaders, runBatched } from './directory';
import { teamAddFailure } from './failures';

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

/** Adds users to the teams they are missing from; membership sets are updated so a later window sees them. */
export async function addMissingMembers(
	this: IExecuteFunctions,
	userIds: string[],
	teams: TeamMembership[],
	dryRun: boolean,
): Promise<TeamAddOutcome> {
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
			roles: [],
			'user@odata.bind': `${graphBase}/v1.0/users('${userId}')`,
		} as IDataObject,
	}));
	const responses = await runBatched.call(this, requests);
	responses.forEach((response, index) => {
		const { teamId, userId } = pending[index];
		const team = teams.find((candidate) => candidate.teamId === teamId);
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
