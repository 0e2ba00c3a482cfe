import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { channelRlc, teamRlc } from '../../../shared/descriptions/rlc';
import { updateDisplayOptions } from '../../../shared/updateDisplayOptions';
import { actingCredential, softDeleteMessage } from '../../helpers/messageActions';
import { actAsField, messageIdField, readMessageId } from '../common';
import { readChannelTarget } from './target';

const properties: INodeProperties[] = [
	teamRlc,
	channelRlc,
	messageIdField,
	{ displayName: 'Reply ID', name: 'replyId', type: 'string', default: '', description: 'To delete a reply: its ID (Message ID is then the thread)' },
	{ displayName: 'Undo', name: 'undo', type: 'boolean', default: false, description: 'Whether to restore a soft-deleted message instead' },
	actAsField,
];

export const description = updateDisplayOptions({ show: { resource: ['channelMessage'], operation: ['softDelete'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const messageId = readMessageId(this, itemIndex);
	const replyId = readMessageId(this, itemIndex, 'replyId');
	const target = readChannelTarget(this, itemIndex, replyId ? messageId : undefined);
	const credential = actingCredential(this.getNodeParameter('actAs', itemIndex) as string);
	const undo = this.getNodeParameter('undo', itemIndex, false) as boolean;
	return await softDeleteMessage(this, itemIndex, credential, target, replyId || messageId, undo);
}

/** Items to one conversation keep their input order; different conversations are written to at once. */
export { conversationOf as orderKey } from './target';
