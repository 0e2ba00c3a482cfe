import type { IExecuteFunctions } from 'n8n-workflow';

import { readChatId } from '../../../shared/descriptions/rlc';
import type { MessageTarget } from '../../helpers/targets';

export function readChatTarget(context: IExecuteFunctions, itemIndex: number): MessageTarget {
	return { kind: 'chat', chatId: readChatId(context, 'chatId', itemIndex) };
}
