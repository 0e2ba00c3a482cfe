import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { readUserReference, userRlc } from '../../../shared/descriptions/rlc';
import { updateDisplayOptions } from '../../../shared/updateDisplayOptions';
import { findOrCreateOneOnOneChat } from '../../helpers/chats';
import { renderConferencingText } from '../../helpers/conferencing';
import { contentToHtml } from '../../helpers/draft';
import { postMessage } from '../../helpers/postMessage';
import { keywordsField, readKeywords, readTemplates, templatesField } from './fields';

const properties: INodeProperties[] = [
	{ ...userRlc, displayName: 'Teams User', description: 'Who to bring into the customer chat session' },
	{ displayName: 'Inviter Name', name: 'inviterName', type: 'string', default: '', description: 'Fills {inviterName} in the invitation' },
	{ displayName: 'Session Name', name: 'sessionName', type: 'string', default: '', description: 'Fills {sessionName} in the invitation' },
	templatesField,
	keywordsField,
];

export const description = updateDisplayOptions({ show: { resource: ['conferencing'], operation: ['invite'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const chat = await findOrCreateOneOnOneChat(this, itemIndex, readUserReference(this, 'userId', itemIndex));
	const keywords = readKeywords(this, itemIndex);
	const text = renderConferencingText(
		readTemplates(this, itemIndex).invitation,
		{
			inviterName: String(this.getNodeParameter('inviterName', itemIndex, '') ?? ''),
			sessionName: String(this.getNodeParameter('sessionName', itemIndex, '') ?? ''),
		},
		keywords,
	);
	const message = await postMessage(
		this,
		itemIndex,
		{ kind: 'chat', chatId: chat.id ?? '' },
		{ content: contentToHtml('text', text), mentions: [], attachments: [] },
		{ senderName: '', platform: '', template: '' },
	);
	return { event: 'invitation', chatId: chat.id, text, keywords: { ...keywords }, message };
}
