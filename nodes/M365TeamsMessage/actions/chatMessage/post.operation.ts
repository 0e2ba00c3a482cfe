import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { chatRlc } from '../../../shared/descriptions/rlc';
import { updateDisplayOptions } from '../../../shared/updateDisplayOptions';
import { postMessage } from '../../helpers/postMessage';
import { attributionFields, contentFields, messageOptions, readAttribution, readDraft } from '../common';
import { readChatTarget } from './target';

const properties: INodeProperties[] = [chatRlc, ...contentFields, messageOptions, attributionFields];

export const description = updateDisplayOptions({ show: { resource: ['chatMessage'], operation: ['post'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const target = readChatTarget(this, itemIndex);
	const draft = await readDraft(this, itemIndex);
	return await postMessage(this, itemIndex, target, draft, readAttribution(this, itemIndex));
}

/** Items to one conversation keep their input order; different conversations are written to at once. */
export { conversationOf as orderKey } from './target';
