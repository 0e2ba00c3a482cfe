// Confirm Written: placed after the node that writes the sync's statuses to the other system, for workflows that
// cannot read that system's statuses back into External Status. Until a handover is read back or confirmed, the
// sync treats it as not written and hands it over again on its next run.
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { updateDisplayOptions } from '../../../shared/updateDisplayOptions';
import { recordConfirmation } from '../../confirmations';
import { normalizeExternalStatus } from '../../statusMap';

const properties: INodeProperties[] = [
	{
		displayName: 'User',
		name: 'user',
		type: 'string',
		default: '',
		required: true,
		placeholder: "e.g. {{ $('Teams Presence').item.json.userId }}",
		description: "The user whose status was written: the sync's userId output, or the same user value the sync got",
	},
	{
		displayName: 'External Status Written',
		name: 'externalStatus',
		type: 'string',
		default: '',
		placeholder: "e.g. {{ $('Teams Presence').item.json.externalStatus }}",
		description: "The status the other system took. Empty: nothing is confirmed for this item (the sync's skipped users have none).",
	},
];

export const description = updateDisplayOptions({ show: { resource: ['statusSync'], operation: ['confirm'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const user = String(this.getNodeParameter('user', itemIndex) ?? '').trim();
	if (user === '') {
		throw new NodeOperationError(this.getNode(), 'User is empty', {
			itemIndex,
			description: "Map the sync's userId, e.g. {{ $('Teams Presence').item.json.userId }}.",
		});
	}
	const written = String(this.getNodeParameter('externalStatus', itemIndex, '') ?? '').trim();
	if (written === '') return { user, externalStatus: null, confirmed: false };
	recordConfirmation(this.getWorkflowStaticData('global'), user, normalizeExternalStatus(written), Date.now());
	return { user, externalStatus: written, confirmed: true };
}
