import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { chatRlc } from '../../../shared/descriptions/rlc';
import { updateDisplayOptions } from '../../../shared/updateDisplayOptions';
import { INTEGRATION_ACCOUNT } from '../../helpers/credentialTypes';
import { listMessages } from '../../helpers/messageActions';
import { listFields } from '../common';
import { readChatTarget } from './target';

const properties: INodeProperties[] = [
	chatRlc,
	...listFields,
	{
		displayName: 'Order',
		name: 'order',
		type: 'options',
		options: [
			{ name: 'Newest Created First', value: 'createdDateTime' },
			{ name: 'Most Recently Changed First', value: 'lastModifiedDateTime', description: "Graph's default: an edited message moves up" },
		],
		default: 'createdDateTime',
		description: 'Graph lists chat messages newest first only',
	},
];

export const description = updateDisplayOptions({ show: { resource: ['chatMessage'], operation: ['list'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	return await listMessages(this, itemIndex, INTEGRATION_ACCOUNT, readChatTarget(this, itemIndex), {
		returnAll: this.getNodeParameter('returnAll', itemIndex, false) as boolean,
		limit: this.getNodeParameter('limit', itemIndex, 50) as number,
		includeSystemEvents: this.getNodeParameter('includeSystemEvents', itemIndex, false) as boolean,
		includeReplies: false,
		chatOrder: this.getNodeParameter('order', itemIndex, 'createdDateTime') as 'createdDateTime' | 'lastModifiedDateTime',
	});
}
