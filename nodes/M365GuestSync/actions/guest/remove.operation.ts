/**
 * Remove: delete or disable one guest, only when it carries the given source's marker. Members and guests of
 * other sources (or of none) are refused, so this operation cannot remove anyone the sync does not own.
 */
import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { updateDisplayOptions } from '../../../shared/updateDisplayOptions';
import { isSuccess, patchUserRequest, runBatched, usersWithEmail } from '../../directory';
import { checkEmail } from '../../email';
import { userWriteFailure } from '../../failures';
import { emailField, markerAttributeOption, sourceNameField } from '../../descriptions/fields';
import { isGuest } from '../../plan';
import { readMarkerAttribute, readSourceName, refuseAsTool } from '../../settings';

const properties: INodeProperties[] = [
	{ ...emailField, default: '', description: 'Email of the guest to remove' },
	{
		...sourceNameField,
		description: 'Only a guest carrying this source name as its marker is removed; any other user is refused',
	},
	{
		displayName: 'Removal',
		name: 'removal',
		type: 'options',
		default: 'delete',
		options: [
			{ name: 'Delete Guest', value: 'delete', description: 'Delete the guest account (restorable for 30 days)' },
			{ name: 'Disable Sign-In', value: 'disable', description: 'Keep the account, block sign-in' },
		],
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [markerAttributeOption],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['guest'], operation: ['remove'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	refuseAsTool.call(this, 'Remove', itemIndex);
	const check = checkEmail(this.getNodeParameter('email', itemIndex, ''));
	if (!check.ok) throw new NodeOperationError(this.getNode(), check.reason, { itemIndex });
	const email = check.email;
	const sourceName = readSourceName.call(this, itemIndex);
	const mode = this.getNodeParameter('removal', itemIndex, 'delete') as 'delete' | 'disable';
	const markerAttribute = await readMarkerAttribute.call(this, itemIndex);

	const users = await usersWithEmail.call(this, email, markerAttribute, itemIndex);
	if (users.length === 0) return { email, action: 'skipped', reason: 'No user has this email' };
	if (users.some((user) => !isGuest(user))) {
		throw new NodeOperationError(this.getNode(), `${email} belongs to a member of this tenant; the guest sync never removes members`, { itemIndex });
	}
	const ours = users.filter((user) => user.marker === sourceName);
	if (ours.length === 0) {
		throw new NodeOperationError(this.getNode(), `The guest ${email} is not marked as managed by "${sourceName}"; it is not removed`, {
			itemIndex,
			description: `Its marker is ${users[0].marker ? `"${users[0].marker}"` : 'empty'}. Only guests a sync of this source created or adopted can be removed here.`,
		});
	}
	const guest = ours[0];
	if (mode === 'disable' && guest.accountEnabled === false) {
		return { email, action: 'unchanged', reason: 'Already disabled', userId: guest.id };
	}
	const [response] = await runBatched.call(this, [
		mode === 'delete'
			? { id: '1', method: 'DELETE', url: `/users/${guest.id}` }
			: patchUserRequest('1', guest.id, { accountEnabled: false }),
	]);
	if (!isSuccess(response)) {
		throw new NodeOperationError(this.getNode(), userWriteFailure(response, mode === 'delete' ? 'delete the guest' : 'disable the guest'), { itemIndex });
	}
	return { email, action: mode === 'delete' ? 'removed' : 'disabled', userId: guest.id };
}
