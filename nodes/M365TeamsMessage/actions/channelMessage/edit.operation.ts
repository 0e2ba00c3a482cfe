import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { channelRlc, teamRlc } from '../../../shared/descriptions/rlc';
import { updateDisplayOptions } from '../../../shared/updateDisplayOptions';
import { actingCredential, editMessage } from '../../helpers/messageActions';
import { actAsField, contentFields, messageIdField, messageOptions, readDraft, readMessageId } from '../common';
import { readChannelTarget } from './target';

const properties: INodeProperties[] = [
	teamRlc,
	channelRlc,
	messageIdField,
	{ displayName: 'Reply ID', name: 'replyId', type: 'string', default: '', description: 'To edit a reply: its ID (Message ID is then the thread)' },
	...contentFields,
	messageOptions,
	actAsField,
];

export const description = updateDisplayOptions({ show: { resource: ['channelMessage'], operation: ['edit'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const messageId = readMessageId(this, itemIndex);
	const replyId = readMessageId(this, itemIndex, 'replyId');
	const target = readChannelTarget(this, itemIndex, replyId ? messageId : undefined);
	const draft = await readDraft(this, itemIndex);
	const credential = actingCredential(this.getNodeParameter('actAs', itemIndex) as string);
	return await editMessage(this, itemIndex, credential, target, replyId || messageId, draft);
}

/** Items to one conversation keep their input order; different conversations are written to at once. */
export { conversationOf as orderKey } from './target';
