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
	{ displayName: 'Newest First', name: 'newestFirst', type: 'boolean', default: true, description: 'Whether to list the newest messages first' },
];

export const description = updateDisplayOptions({ show: { resource: ['chatMessage'], operation: ['list'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	return await listMessages(this, itemIndex, INTEGRATION_ACCOUNT, readChatTarget(this, itemIndex), {
		returnAll: this.getNodeParameter('returnAll', itemIndex, false) as boolean,
		limit: this.getNodeParameter('limit', itemIndex, 50) as number,
		includeReplies: false,
		newestFirst: this.getNodeParameter('newestFirst', itemIndex, true) as boolean,
	});
}
