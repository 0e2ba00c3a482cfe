import type { IExecuteFunctions } from 'n8n-workflow';

import { readChatId } from '../../../shared/descriptions/rlc';
import { conversationKey, type MessageTarget } from '../../helpers/targets';

export function readChatTarget(context: IExecuteFunctions, itemIndex: number): MessageTarget {
	return { kind: 'chat', chatId: readChatId(context, 'chatId', itemIndex) };
}

/** The router's order key of an item of this resource: its conversation (messages to one stay in input order). */
export function conversationOf(this: IExecuteFunctions, itemIndex: number): string {
	return conversationKey(readChatTarget(this, itemIndex));
}
