import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { chatRlc } from '../../../shared/descriptions/rlc';
import { updateDisplayOptions } from '../../../shared/updateDisplayOptions';
import { actingCredential, softDeleteMessage } from '../../helpers/messageActions';
import { actAsField, messageIdField, readMessageId } from '../common';
import { readChatTarget } from './target';

const properties: INodeProperties[] = [
	chatRlc,
	messageIdField,
	{ displayName: 'Undo', name: 'undo', type: 'boolean', default: false, description: 'Whether to restore a soft-deleted message instead' },
	actAsField,
];

export const description = updateDisplayOptions({ show: { resource: ['chatMessage'], operation: ['softDelete'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const credential = actingCredential(this.getNodeParameter('actAs', itemIndex) as string);
	const undo = this.getNodeParameter('undo', itemIndex, false) as boolean;
	return await softDeleteMessage(this, itemIndex, credential, readChatTarget(this, itemIndex), readMessageId(this, itemIndex), undo);
}

/** Items to one conversation keep their input order; different conversations are written to at once. */
export { conversationOf as orderKey } from './target';
