import type { IExecuteFunctions } from 'n8n-workflow';

import { readChannelId, readTeamId } from '../../../shared/descriptions/rlc';
import { conversationKey, type MessageTarget } from '../../helpers/targets';

export function readChannelTarget(context: IExecuteFunctions, itemIndex: number, replyToId?: string): MessageTarget {
	return {
		kind: 'channel',
		teamId: readTeamId(context, 'teamId', itemIndex),
		channelId: readChannelId(context, 'channelId', itemIndex),
		replyToId: replyToId || undefined,
	};
}

/** The router's order key of an item of this resource: its conversation (messages to one stay in input order). */
export function conversationOf(this: IExecuteFunctions, itemIndex: number): string {
	return conversationKey(readChannelTarget(this, itemIndex));
}
