import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { channelRlc, teamRlc } from '../../../shared/descriptions/rlc';
import { updateDisplayOptions } from '../../../shared/updateDisplayOptions';
import { postMessage } from '../../helpers/postMessage';
import { attributionFields, contentFields, messageIdField, messageOptions, readAttribution, readDraft, readMessageId } from '../common';
import { readChannelTarget } from './target';

const properties: INodeProperties[] = [
	teamRlc,
	channelRlc,
	{ ...messageIdField, description: 'The ID of the message (thread) to reply to' },
	...contentFields,
	messageOptions,
	attributionFields,
];

export const description = updateDisplayOptions({ show: { resource: ['channelMessage'], operation: ['reply'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const messageId = readMessageId(this, itemIndex);
	if (!messageId) throw new NodeOperationError(this.getNode(), "'Message ID' is empty: give the ID of the message to reply to", { itemIndex });
	const target = readChannelTarget(this, itemIndex, messageId);
	const draft = await readDraft(this, itemIndex);
	return await postMessage(this, itemIndex, target, draft, readAttribution(this, itemIndex));
}

/** Items to one conversation keep their input order; different conversations are written to at once. */
export { conversationOf as orderKey } from './target';
