import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { updateDisplayOptions } from '../../../shared/updateDisplayOptions';
import { classifyReply } from '../../helpers/conferencing';
import { keywordsField, readKeywords } from './fields';

const properties: INodeProperties[] = [
	{
		displayName: 'Reply',
		name: 'reply',
		type: 'string',
		default: '={{ $json.body?.content ?? $json.text ?? "" }}',
		description: "The Teams user's message (text or HTML), e.g. the body of a chat message from the trigger",
	},
	keywordsField,
];

export const description = updateDisplayOptions({ show: { resource: ['conferencing'], operation: ['interpretReply'] } }, properties);

/** No Graph call: reads the reply, so a Switch node can route accepted / declined / left / relayed text. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const reply = String(this.getNodeParameter('reply', itemIndex, '') ?? '');
	const classification = classifyReply(reply, readKeywords(this, itemIndex));
	const outcome = { positive: 'accepted', negative: 'declined', leave: 'left', text: 'message' }[classification.kind];
	return { ...classification, outcome };
}
