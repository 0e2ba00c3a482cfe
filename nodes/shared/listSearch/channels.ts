import type { Channel } from '@microsoft/microsoft-graph-types';
import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { currentTeamId } from '../descriptions/rlc';
import { graphRequest } from '../transport';
import { matchesFilter, searchCredentialType } from './searchCredential';

/** Channels of the team chosen in the `teamId` locator; private and shared ones are marked. */
export async function searchChannels(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const teamId = currentTeamId(this);
	if (!teamId) {
		throw new NodeOperationError(this.getNode(), 'Choose a team first', {
			description: 'The channel list shows the channels of the team chosen above.',
		});
	}
	const page = await (graphRequest<{ value: Channel[] }>).call(this, {
		credentialType: searchCredentialType(this),
		method: 'GET',
		url: `/teams/${encodeURIComponent(teamId)}/channels`,
	});
	const results = page.value
		.filter((channel): channel is Channel & { id: string } => typeof channel.id === 'string')
		.filter((channel) => matchesFilter(channel.displayName, filter))
		.map((channel) => ({
			name:
				channel.membershipType && channel.membershipType !== 'standard'
					? `${channel.displayName ?? channel.id} (${channel.membershipType})`
					: (channel.displayName ?? channel.id),
			value: channel.id,
			url: channel.webUrl ?? undefined,
		}))
		.sort((a, b) => a.name.localeCompare(b.name));
	return { results };
}
