import type { User } from '@microsoft/microsoft-graph-types';
import type { ILoadOptionsFunctions, INodeListSearchItems, INodeListSearchResult } from 'n8n-workflow';

import { chosenCredential } from '../descriptions/credentials';
import { odataString } from '../odata';
import { graphRequest } from '../transport';
import type { GraphCollection } from '../transport/types';
import { INTEGRATION_ACCOUNT_CREDENTIAL, TENANT_APP_CREDENTIAL } from '../transport/types';

/**
 * Members and shared mailboxes that have an address (Graph keeps shared mailboxes as disabled user accounts),
 * searched by the start of the name, address or UPN. Paged with Graph's nextLink.
 */
export async function searchMailboxes(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const credentialType = chosenCredential(this.getNodeParameter('authentication', TENANT_APP_CREDENTIAL));
	const term = filter?.trim();
	const page = paginationToken
		? await graphRequest.call(this, { credentialType, method: 'GET', url: paginationToken })
		: await graphRequest.call(this, {
				credentialType,
				method: 'GET',
				url: '/users',
				qs: {
					$select: 'id,displayName,userPrincipalName,mail,userType',
					$top: 100,
					...(term
						? {
								$filter: ['displayName', 'mail', 'userPrincipalName']
									.map((field) => `startswith(${field},${odataString(term)})`)
									.join(' or '),
							}
						: {}),
				},
			});
	const collection = page as GraphCollection<User>;
	const results: INodeListSearchItems[] = [];
	if (!paginationToken && credentialType === INTEGRATION_ACCOUNT_CREDENTIAL && !term) {
		results.push({ name: 'My Mailbox (the Signed-In Account)', value: 'me' });
	}
	for (const user of collection.value) {
		// Guests carry an address but have no mailbox in this tenant.
		if (!user.mail || !user.id || user.userType === 'Guest') continue;
		results.push({
			name: user.displayName ? `${user.displayName} (${user.mail})` : user.mail,
			value: user.userPrincipalName ?? user.id,
		});
	}
	return { results, paginationToken: collection['@odata.nextLink'] };
}
