import type { Team } from '@microsoft/microsoft-graph-types';
import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { graphRequest } from '../transport';
import { odataString } from '../odata';
import { matchesFilter, searchCredentialType } from './searchCredential';

interface TeamPage {
	value: Team[];
	'@odata.nextLink'?: string;
}

/** Teams for the team locator: the integration account's joined teams, or every team for the tenant app. */
export async function searchTeams(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const credentialType = searchCredentialType(this);
	let page: TeamPage;
	if (credentialType === 'm365IntegrationAccountOAuth2Api') {
		// joinedTeams has no paging or $filter: one answer, filtered here.
		page = await (graphRequest<TeamPage>).call(this, { credentialType, method: 'GET', url: '/me/joinedTeams' });
		page = { value: page.value.filter((team) => matchesFilter(team.displayName, filter)) };
	} else if (paginationToken) {
		page = await (graphRequest<TeamPage>).call(this, { credentialType, method: 'GET', url: paginationToken });
	} else {
		const qs: Record<string, string> = { $select: 'id,displayName,description,webUrl', $top: '100' };
		if (filter) qs.$filter = `startswith(displayName,${odataString(filter.trim())})`;
		page = await (graphRequest<TeamPage>).call(this, { credentialType, method: 'GET', url: '/teams', qs });
	}
	const results = page.value
		.filter((team): team is Team & { id: string } => typeof team.id === 'string')
		.map((team) => ({
			name: team.displayName ?? team.id,
			value: team.id,
			url: team.webUrl ?? undefined,
			description: team.description ?? undefined,
		}))
		.sort((a, b) => a.name.localeCompare(b.name));
	return { results, paginationToken: page['@odata.nextLink'] };
}
