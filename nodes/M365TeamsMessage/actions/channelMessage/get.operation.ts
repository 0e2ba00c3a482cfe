import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { channelRlc, teamRlc } from '../../../shared/descriptions/rlc';
import { updateDisplayOptions } from '../../../shared/updateDisplayOptions';
import { INTEGRATION_ACCOUNT } from '../../helpers/credentialTypes';
import { getMessage } from '../../helpers/messageActions';
import { messageIdField, readMessageId } from '../common';
import { readChannelTarget } from './target';

const properties: INodeProperties[] = [
	teamRlc,
	channelRlc,
	messageIdField,
	{ displayName: 'Reply ID', name: 'replyId', type: 'string', default: '', description: 'To get a reply: its ID (Message ID is then the thread)' },
];

export const description = updateDisplayOptions({ show: { resource: ['channelMessage'], operation: ['get'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const messageId = readMessageId(this, itemIndex);
	const replyId = readMessageId(this, itemIndex, 'replyId');
	const target = readChannelTarget(this, itemIndex, replyId ? messageId : undefined);
	return await getMessage(this, itemIndex, INTEGRATION_ACCOUNT, target, replyId || messageId);
}
