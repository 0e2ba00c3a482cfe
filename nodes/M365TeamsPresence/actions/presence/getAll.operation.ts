// Directory users with their presence, for a phone system's or contact centre's status board: licensed Teams
// users only by default (people without Teams have no presence), every page (no 300-user cap).
import type { User } from '@microsoft/microsoft-graph-types';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { returnAllFields } from '../../../shared/descriptions/returnAll';
import { updateDisplayOptions } from '../../../shared/updateDisplayOptions';
import { graphFor } from '../../../shared/transport';
import { credentialTypeOf } from '../../helpers/context';
import { presenceFields, readPresences } from '../../helpers/presenceReader';

/** Service plan id of TEAMS1 ("Microsoft Teams") in every SKU that includes Teams. */
export const TEAMS_SERVICE_PLAN_ID = '57ff2da0-773e-42df-b2af-ffb7a2317929';

const USER_FIELDS = 'id,displayName,userPrincipalName,mail,jobTitle,department,businessPhones,mobilePhone';

const properties: INodeProperties[] = [
	{
		displayName: 'Teams Users Only',
		name: 'teamsUsersOnly',
		type: 'boolean',
		default: true,
		description: 'Whether to list only users with an enabled Microsoft Teams licence (the others have no presence)',
	},
	...returnAllFields,
];

export const description = updateDisplayOptions({ show: { resource: ['presence'], operation: ['getAll'] } }, properties);

/** The Graph query for the users: an advanced query (ConsistencyLevel: eventual) when filtering on licences. */
export function listUsersRequest(teamsUsersOnly: boolean, pageSize: number): { qs: IDataObject; headers?: Record<string, string> } {
	const qs: IDataObject = { $select: USER_FIELDS, $top: String(pageSize) };
	if (!teamsUsersOnly) return { qs };
	qs.$filter = `assignedPlans/any(x:x/servicePlanId eq ${TEAMS_SERVICE_PLAN_ID} and x/capabilityStatus eq 'Enabled')`;
	qs.$count = 'true';
	return { qs, headers: { ConsistencyLevel: 'eventual' } };
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const credentialType = credentialTypeOf(this, itemIndex);
	const teamsUsersOnly = this.getNodeParameter('teamsUsersOnly', itemIndex, true) as boolean;
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? Infinity : (this.getNodeParameter('limit', itemIndex, 50) as number);
	const graph = graphFor(this);
	const request = listUsersRequest(teamsUsersOnly, Math.min(999, Number.isFinite(limit) ? limit : 999));
	const users: User[] = [];
	for await (const page of graph.pages<User>({ credentialType, method: 'GET', url: '/users', ...request, itemIndex })) {
		users.push(...page.value);
		if (users.length >= limit) break;
	}
	const listed = users.slice(0, Number.isFinite(limit) ? limit : undefined).filter((u): u is User & { id: string } => !!u.id);
	const presences = await readPresences(this, credentialType, listed.map((u) => u.id), itemIndex);
	return listed.map((user) => ({
		userId: user.id,
		displayName: user.displayName ?? null,
		userPrincipalName: user.userPrincipalName ?? null,
		mail: user.mail ?? null,
		jobTitle: user.jobTitle ?? null,
		department: user.department ?? null,
		businessPhones: user.businessPhones ?? [],
		mobilePhone: user.mobilePhone ?? null,
		...presenceFields(presences.get(user.id.toLowerCase())),
	}));
}
