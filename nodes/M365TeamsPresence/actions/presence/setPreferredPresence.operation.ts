import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { userRlc } from '../../../shared/descriptions/rlc';
import { updateDisplayOptions } from '../../../shared/updateDisplayOptions';
import { graphFor } from '../../../shared/transport';
import { credentialTypeOf } from '../../helpers/context';
import { resolveUserId } from '../../helpers/resolveUser';
import { PREFERRED_PRESENCE_PAIRS, minutesToIsoDuration, pairKey } from '../../presenceValues';

const properties: INodeProperties[] = [
	{ ...userRlc, description: 'The Teams user whose preferred presence to set' },
	{
		displayName: 'Status',
		name: 'status',
		type: 'options',
		// The pairs Graph accepts for a preferred presence (presence-setuserpreferredpresence.md).
		options: PREFERRED_PRESENCE_PAIRS.map((pair) => ({ name: `${pair.availability} / ${pair.activity}`, value: pairKey(pair) })),
		default: 'Available/Available',
		description: 'The status the user appears with, over any application session. It shows only while the user has at least one presence session.',
	},
	{
		displayName: 'Expires After (Minutes)',
		name: 'expirationMinutes',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 0,
		description: "0 keeps Graph's default: 1 day for Busy and Do Not Disturb, 7 days for the others",
	},
];

export const description = updateDisplayOptions({ show: { resource: ['presence'], operation: ['setPreferredPresence'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const credentialType = credentialTypeOf(this, itemIndex);
	const [availability, activity] = (this.getNodeParameter('status', itemIndex) as string).split('/');
	const minutes = this.getNodeParameter('expirationMinutes', itemIndex, 0) as number;
	if (!Number.isInteger(minutes) || minutes < 0) {
		throw new NodeOperationError(this.getNode(), `Expires After (Minutes) is ${minutes}: give whole minutes, or 0 for Graph's default`, { itemIndex });
	}
	const userId = await resolveUserId(this, credentialType, itemIndex);
	const body: IDataObject = { availability, activity };
	if (minutes > 0) body.expirationDuration = minutesToIsoDuration(minutes);
	await graphFor(this).request({
		credentialType,
		method: 'POST',
		url: `/users/${encodeURIComponent(userId)}/presence/setUserPreferredPresence`,
		body,
		idempotent: true,
		itemIndex,
	});
	return { userId, availability, activity, ...(body.expirationDuration ? { expirationDuration: body.expirationDuration } : {}) };
}
