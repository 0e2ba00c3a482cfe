import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { channelRlc, teamRlc } from '../../../shared/descriptions/rlc';
import { updateDisplayOptions } from '../../../shared/updateDisplayOptions';
import { INTEGRATION_ACCOUNT } from '../../helpers/credentialTypes';
import { listMessages } from '../../helpers/messageActions';
import { listFields } from '../common';
import { readChannelTarget } from './target';

const properties: INodeProperties[] = [
	teamRlc,
	channelRlc,
	...listFields,
	{ displayName: 'Include Replies', name: 'includeReplies', type: 'boolean', default: false, description: 'Whether to return each thread with its replies' },
];

export const description = updateDisplayOptions({ show: { resource: ['channelMessage'], operation: ['list'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	return await listMessages(this, itemIndex, INTEGRATION_ACCOUNT, readChannelTarget(this, itemIndex), {
		returnAll: this.getNodeParameter('returnAll', itemIndex, false) as boolean,
		limit: this.getNodeParameter('limit', itemIndex, 50) as number,
		includeSystemEvents: this.getNodeParameter('includeSystemEvents', itemIndex, false) as boolean,
		includeReplies: this.getNodeParameter('includeReplies', itemIndex, false) as boolean,
		chatOrder: 'createdDateTime',
	});
}
