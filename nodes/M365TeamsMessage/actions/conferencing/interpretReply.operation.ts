import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { looksLikeChatMessage, teamsSenderType } from '../../../shared/teamsMessageKinds';
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
	// When the item is a Teams chat message (from the trigger or a list), only a person's message is an answer: a
	// system event (someone joined, the chat was renamed) or an app's or bot's message is not the Teams user's reply.
	const input = (this.getInputData()[itemIndex]?.json ?? {}) as Record<string, unknown>;
	if (looksLikeChatMessage(input)) {
		const senderType = teamsSenderType(input);
		if (senderType === 'system' || senderType === 'application') {
			return {
				kind: 'ignored',
				outcome: 'ignored',
				senderType,
				reason: senderType === 'system' ? 'A Teams system event, not a reply' : 'Sent by an app or bot, not by the Teams user',
			};
		}
	}
	const reply = String(this.getNodeParameter('reply', itemIndex, '') ?? '');
	const classification = classifyReply(reply, readKeywords(this, itemIndex));
	const outcome = { positive: 'accepted', negative: 'declined', leave: 'left', text: 'message' }[classification.kind];
	return { ...classification, outcome };
}
