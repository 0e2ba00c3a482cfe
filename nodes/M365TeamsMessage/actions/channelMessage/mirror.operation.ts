import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { channelRlc, teamRlc } from '../../../shared/descriptions/rlc';
import { updateDisplayOptions } from '../../../shared/updateDisplayOptions';
import { executeMirror, mirrorFields } from '../mirror';
import { readChannelTarget } from './target';

const properties: INodeProperties[] = [teamRlc, channelRlc, ...mirrorFields];

export const description = updateDisplayOptions({ show: { resource: ['channelMessage'], operation: ['mirror'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	return await executeMirror(this, itemIndex, readChannelTarget(this, itemIndex));
}

/** Items to one conversation keep their input order; different conversations are written to at once. */
export { conversationOf as orderKey } from './target';
