import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { chatRlc, readChatId } from '../../../shared/descriptions/rlc';
import { updateDisplayOptions } from '../../../shared/updateDisplayOptions';
import { renderConferencingText, type AnnouncementKind } from '../../helpers/conferencing';
import { contentToHtml } from '../../helpers/draft';
import { postMessage } from '../../helpers/postMessage';
import { keywordsField, readKeywords, readTemplates, templatesField } from './fields';

const properties: INodeProperties[] = [
	{ ...chatRlc, description: "The Teams user's chat with the integration account (the chat ID the Invite operation returns)" },
	{
		displayName: 'Event',
		name: 'event',
		type: 'options',
		options: [
			{ name: 'Invitation Accepted', value: 'invitationAccepted' },
			{ name: 'Invitation Declined', value: 'invitationDeclined' },
			{ name: 'Party Joined', value: 'partyJoined' },
			{ name: 'Party Left', value: 'partyLeft' },
			{ name: 'Session Ended', value: 'sessionEnded' },
		],
		default: 'partyJoined',
	},
	{
		displayName: 'Party Name',
		name: 'name',
		type: 'string',
		default: '',
		description: 'Who joined, left, accepted or declined (fills {name})',
		displayOptions: { hide: { event: ['sessionEnded'] } },
	},
	templatesField,
	keywordsField,
];

export const description = updateDisplayOptions({ show: { resource: ['conferencing'], operation: ['announce'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const chatId = readChatId(this, 'chatId', itemIndex);
	const event = this.getNodeParameter('event', itemIndex) as AnnouncementKind;
	const name = event === 'sessionEnded' ? '' : String(this.getNodeParameter('name', itemIndex, '') ?? '');
	const text = renderConferencingText(readTemplates(this, itemIndex)[event], { name }, readKeywords(this, itemIndex));
	const message = await postMessage(
		this,
		itemIndex,
		{ kind: 'chat', chatId },
		{ content: contentToHtml('text', text), mentions: [], attachments: [] },
		{ senderName: '', platform: '', template: '' },
	);
	return { event, chatId, text, message };
}
