import type { User } from '@microsoft/microsoft-graph-types';
import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { graphRequest } from '../transport';
import { odataString } from '../odata';
import { searchCredentialType } from './searchCredential';

interface UserPage {
	value: User[];
	'@odata.nextLink'?: string;
}

/** Users whose name, UPN or mail starts with the filter. */
export async function searchUsers(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const credentialType = searchCredentialType(this);
	let page: UserPage;
	if (paginationToken) {
		page = await (graphRequest<UserPage>).call(this, { credentialType, method: 'GET', url: paginationToken });
	} else {
		const qs: Record<string, string> = { $select: 'id,displayName,userPrincipalName,mail', $top: '50' };
		const text = filter?.trim();
		if (text) {
			const literal = odataString(text);
			qs.$filter = `startswith(displayName,${literal}) or startswith(userPrincipalName,${literal}) or startswith(mail,${literal})`;
		}
		page = await (graphRequest<UserPage>).call(this, { credentialType, method: 'GET', url: '/users', qs });
	}
	const results = page.value
		.filter((user): user is User & { id: string } => typeof user.id === 'string')
		.map((user) => ({
			name: user.userPrincipalName ? `${user.displayName ?? user.id} (${user.userPrincipalName})` : (user.displayName ?? user.id),
			value: user.id,
		}));
	return { results, paginationToken: page['@odata.nextLink'] };
}
