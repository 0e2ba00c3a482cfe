import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { readUserReference, userRlc } from '../../../shared/descriptions/rlc';
import { updateDisplayOptions } from '../../../shared/updateDisplayOptions';
import { findOrCreateOneOnOneChat } from '../../helpers/chats';

const properties: INodeProperties[] = [{ ...userRlc, description: 'The user to chat with, as the integration account' }];

export const description = updateDisplayOptions({ show: { resource: ['chat'], operation: ['findOrCreateOneOnOne'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const chat = await findOrCreateOneOnOneChat(this, itemIndex, readUserReference(this, 'userId', itemIndex));
	return { ...chat } as IDataObject;
}
