import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { chatRlc } from '../../../shared/descriptions/rlc';
import { updateDisplayOptions } from '../../../shared/updateDisplayOptions';
import { INTEGRATION_ACCOUNT } from '../../helpers/credentialTypes';
import { getMessage } from '../../helpers/messageActions';
import { messageIdField, readMessageId } from '../common';
import { readChatTarget } from './target';

const properties: INodeProperties[] = [chatRlc, messageIdField];

export const description = updateDisplayOptions({ show: { resource: ['chatMessage'], operation: ['get'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	return await getMessage(this, itemIndex, INTEGRATION_ACCOUNT, readChatTarget(this, itemIndex), readMessageId(this, itemIndex));
}
