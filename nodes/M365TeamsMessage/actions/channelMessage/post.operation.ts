import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { channelRlc, teamRlc } from '../../../shared/descriptions/rlc';
import { updateDisplayOptions } from '../../../shared/updateDisplayOptions';
import { postMessage } from '../../helpers/postMessage';
import { attributionFields, contentFields, messageOptions, readAttribution, readDraft } from '../common';
import { readChannelTarget } from './target';

const properties: INodeProperties[] = [teamRlc, channelRlc, ...contentFields, messageOptions, attributionFields];

export const description = updateDisplayOptions({ show: { resource: ['channelMessage'], operation: ['post'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const target = readChannelTarget(this, itemIndex);
	const draft = await readDraft(this, itemIndex);
	return await postMessage(this, itemIndex, target, draft, readAttribution(this, itemIndex));
}

/** Items to one conversation keep their input order; different conversations are written to at once. */
export { conversationOf as orderKey } from './target';
