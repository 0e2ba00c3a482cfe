/** Find: the directory users (guests and members) an email belongs to, and whether this sync manages them. */
import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { updateDisplayOptions } from '../../../shared/updateDisplayOptions';
import { usersWithEmail } from '../../directory';
import { checkEmail } from '../../email';
import { emailField, markerAttributeOption } from '../../descriptions/fields';
import { isGuest } from '../../plan';
import { readMarkerAttribute } from '../../settings';

const properties: INodeProperties[] = [
	{ ...emailField, default: '', description: 'Matched against mail, other emails and user principal name of guests and members' },
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [markerAttributeOption],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['guest'], operation: ['find'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const check = checkEmail(this.getNodeParameter('email', itemIndex, ''));
	if (!check.ok) throw new NodeOperationError(this.getNode(), check.reason, { itemIndex });
	const markerAttribute = await readMarkerAttribute.call(this, itemIndex);
	const users = await usersWithEmail.call(this, check.email, markerAttribute, itemIndex);
	return {
		email: check.email,
		found: users.length > 0,
		isMember: users.some((user) => !isGuest(user)),
		users: users.map((user) => ({
			id: user.id,
			displayName: user.displayName,
			mail: user.mail,
			otherMails: user.otherMails,
			userPrincipalName: user.userPrincipalName,
			userType: user.userType,
			accountEnabled: user.accountEnabled,
			companyName: user.companyName,
			jobTitle: user.jobTitle,
			syncSource: user.marker ?? null,
		})),
	};
}
