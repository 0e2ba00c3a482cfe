import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { chatRlc } from '../../../shared/descriptions/rlc';
import { updateDisplayOptions } from '../../../shared/updateDisplayOptions';
import { actingCredential, editMessage } from '../../helpers/messageActions';
import { actAsField, contentFields, messageIdField, messageOptions, readDraft, readMessageId } from '../common';
import { readChatTarget } from './target';

const properties: INodeProperties[] = [chatRlc, messageIdField, ...contentFields, messageOptions, actAsField];

export const description = updateDisplayOptions({ show: { resource: ['chatMessage'], operation: ['edit'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const target = readChatTarget(this, itemIndex);
	const draft = await readDraft(this, itemIndex);
	const credential = actingCredential(this.getNodeParameter('actAs', itemIndex) as string);
	return await editMessage(this, itemIndex, credential, target, readMessageId(this, itemIndex), draft);
}

/** Items to one conversation keep their input order; different conversations are written to at once. */
export { conversationOf as orderKey } from './target';
