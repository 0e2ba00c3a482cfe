import type { ChatMessage } from '@microsoft/microsoft-graph-types';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { chatRlc } from '../../../shared/descriptions/rlc';
import { updateDisplayOptions } from '../../../shared/updateDisplayOptions';
import { graphRequest } from '../../../shared/transport';
import { INTEGRATION_ACCOUNT } from '../../helpers/credentialTypes';
import { postMessage } from '../../helpers/postMessage';
import { quoteAttachment } from '../../helpers/quote';
import { messagePath } from '../../helpers/targets';
import { attributionFields, contentFields, messageIdField, messageOptions, readAttribution, readDraft, readMessageId } from '../common';
import { readChatTarget } from './target';

const properties: INodeProperties[] = [
	chatRlc,
	{ ...messageIdField, description: 'The ID of the chat message to quote in the reply' },
	...contentFields,
	messageOptions,
	attributionFields,
];

export const description = updateDisplayOptions({ show: { resource: ['chatMessage'], operation: ['reply'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const messageId = readMessageId(this, itemIndex);
	if (!messageId) throw new NodeOperationError(this.getNode(), "'Message ID' is empty: give the ID of the message to quote", { itemIndex });
	const target = readChatTarget(this, itemIndex);
	const quoted = await (graphRequest<ChatMessage>).call(this, {
		credentialType: INTEGRATION_ACCOUNT,
		method: 'GET',
		url: messagePath(target, messageId),
		itemIndex,
	});
	const quote = quoteAttachment(quoted);
	const draft = await readDraft(this, itemIndex, { leadingHtml: quote.bodyTag, leadingAttachments: [quote.attachment] });
	return await postMessage(this, itemIndex, target, draft, readAttribution(this, itemIndex));
}

/** Items to one conversation keep their input order; different conversations are written to at once. */
export { conversationOf as orderKey } from './target';
