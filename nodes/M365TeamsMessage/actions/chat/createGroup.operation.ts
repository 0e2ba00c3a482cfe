import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { updateDisplayOptions } from '../../../shared/updateDisplayOptions';
import { createGroupChat } from '../../helpers/chats';
import { splitReferences } from '../../helpers/draft';

const properties: INodeProperties[] = [
	{
		displayName: 'Members',
		name: 'members',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. jane@contoso.com, bob@contoso.com',
		description: 'Users to add besides the integration account (UPNs, emails or IDs, comma-separated; at least two)',
	},
	{ displayName: 'Topic', name: 'topic', type: 'string', default: '', description: 'The chat name shown in Teams' },
];

export const description = updateDisplayOptions({ show: { resource: ['chat'], operation: ['createGroup'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const members = splitReferences(String(this.getNodeParameter('members', itemIndex, '') ?? ''));
	const chat = await createGroupChat(this, itemIndex, members, String(this.getNodeParameter('topic', itemIndex, '') ?? ''));
	return { ...chat } as IDataObject;
}
