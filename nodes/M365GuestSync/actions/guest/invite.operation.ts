/**
 * Invite: one guest per item. Looks the email up first (a member is never invited; an existing guest is returned as
 * it is), then POST /invitations, then marks the guest with the source name when one is given.
 */
import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { updateDisplayOptions } from '../../../shared/updateDisplayOptions';
import {
	invitationBody,
	invitedUserId,
	isSuccess,
	patchUserRequest,
	runBatched,
	usersWithEmail,
} from '../../directory';
import { checkEmail } from '../../email';
import { inviteFailure, userWriteFailure } from '../../failures';
import { displayNameField, emailField, invitationField, markerAttributeOption } from '../../descriptions/fields';
import { normalizeSourceName } from '../../marker';
import { isGuest } from '../../plan';
import { sendWhileReplicating, verifyInvitation } from '../../replication';
import { readInvitationSettings, readMarkerAttribute } from '../../settings';

const properties: INodeProperties[] = [
	{ ...displayNameField, default: '' },
	{ ...emailField, default: '', description: 'Email address of the person to invite as a guest' },
	invitationField,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Mark With Source Name',
				name: 'sourceName',
				type: 'string',
				default: '',
				placeholder: 'e.g. slack',
				description: 'Marks the new guest as managed by the sync of this source, so that sync updates and removes it',
			},
			markerAttributeOption,
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['guest'], operation: ['invite'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const check = checkEmail(this.getNodeParameter('email', itemIndex, ''));
	if (!check.ok) throw new NodeOperationError(this.getNode(), check.reason, { itemIndex });
	const email = check.email;
	const displayName = String(this.getNodeParameter('displayName', itemIndex, '') ?? '').trim() || undefined;
	const sourceName = normalizeSourceName(this.getNodeParameter('options.sourceName', itemIndex, ''));
	const settings = readInvitationSettings.call(this, itemIndex);
	const markerAttribute = await readMarkerAttribute.call(this, itemIndex);

	const existing = await usersWithEmail.call(this, email, markerAttribute, itemIndex);
	const member = existing.find((user) => !isGuest(user));
	if (member) {
		throw new NodeOperationError(this.getNode(), `${email} belongs to a member of this tenant; members are never invited`, {
			itemIndex,
			description: `The member is ${member.userPrincipalName ?? member.id}. Message them directly in Teams.`,
		});
	}
	if (existing.length > 0) {
		return { email, action: 'unchanged', reason: 'Already a guest of this tenant', userId: existing[0].id };
	}

	const [invitation] = await runBatched.call(this, [
		{
			id: '1',
			method: 'POST',
			url: '/invitations',
			body: invitationBody(email, displayName, settings),
			verifyAfterAmbiguousFailure: verifyInvitation.call(this, email),
		},
	]);
	const userId = invitedUserId(invitation);
	if (!isSuccess(invitation) || !userId) {
		throw new NodeOperationError(this.getNode(), inviteFailure(invitation), { itemIndex });
	}
	const body = invitation.body as IDataObject;
	const result: IDataObject = {
		email,
		action: 'invited',
		userId,
		status: body.status,
		inviteRedeemUrl: body.inviteRedeemUrl,
	};
	if (sourceName) {
		// A guest just created answers 404 until Entra has replicated it: the mark is sent again with backoff.
		const [mark] = await sendWhileReplicating.call(this, [patchUserRequest('1', userId, { [markerAttribute]: sourceName })]);
		if (!isSuccess(mark)) {
			result.reason = `Invited, but not marked: ${userWriteFailure(mark, 'mark the guest')}. Run a Sync of "${sourceName}" with Adopt Existing Guests on to finish it.`;
		}
		else result.sourceName = sourceName;
	}
	return result;
}
