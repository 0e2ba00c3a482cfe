import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { userRlc } from '../../../shared/descriptions/rlc';
import { updateDisplayOptions } from '../../../shared/updateDisplayOptions';
import { graphFor } from '../../../shared/transport';
import { applicationSessionId, credentialTypeOf } from '../../helpers/context';
import { resolveUserId } from '../../helpers/resolveUser';
import { APPLICATION_SESSION_PAIRS, SESSION_EXPIRY_MINUTES, minutesToIsoDuration, pairKey } from '../../presenceValues';

const properties: INodeProperties[] = [
	{ ...userRlc, description: 'The Teams user whose presence this app sets' },
	{
		displayName: 'Status',
		name: 'status',
		type: 'options',
		// The only pairs Graph accepts for an application session (presence-setpresence.md).
		options: APPLICATION_SESSION_PAIRS.map((pair) => ({
			name: `${pair.availability} / ${pair.activity}`,
			value: pairKey(pair),
		})),
		default: 'Available/Available',
		description: 'Availability and activity of the session. Teams accepts only these combinations for an app.',
	},
	{
		displayName: 'Expires After (Minutes)',
		name: 'expirationMinutes',
		type: 'number',
		typeOptions: { minValue: SESSION_EXPIRY_MINUTES.min, maxValue: SESSION_EXPIRY_MINUTES.max },
		default: 60,
		description: 'When the session ends and stops counting (5 to 240). Note: Teams fades an Available session to Away after 10 minutes unless it is set again.',
	},
];

export const description = updateDisplayOptions({ show: { resource: ['presence'], operation: ['setPresence'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const credentialType = credentialTypeOf(this, itemIndex);
	const [availability, activity] = (this.getNodeParameter('status', itemIndex) as string).split('/');
	const minutes = this.getNodeParameter('expirationMinutes', itemIndex, 60) as number;
	if (!Number.isInteger(minutes) || minutes < SESSION_EXPIRY_MINUTES.min || minutes > SESSION_EXPIRY_MINUTES.max) {
		throw new NodeOperationError(this.getNode(), `Expires After (Minutes) is ${minutes}: Teams accepts 5 to 240 minutes`, { itemIndex });
	}
	const userId = await resolveUserId(this, credentialType, itemIndex);
	const sessionId = await applicationSessionId(this, credentialType, itemIndex);
	const expirationDuration = minutesToIsoDuration(minutes);
	await graphFor(this).request({
		credentialType,
		method: 'POST',
		url: `/users/${encodeURIComponent(userId)}/presence/setPresence`,
		body: { sessionId, availability, activity, expirationDuration },
		// Setting the same session state again is harmless: safe to resend after a lost answer.
		idempotent: true,
		itemIndex,
	});
	return { userId, sessionId, availability, activity, expirationDuration };
}
