import type { IExecuteFunctions } from 'n8n-workflow';

import { readChannelId, readTeamId } from '../../../shared/descriptions/rlc';
import type { MessageTarget } from '../../helpers/targets';

export function readChannelTarget(context: IExecuteFunctions, itemIndex: number, replyToId?: string): MessageTarget {
	return {
		kind: 'channel',
		teamId: readTeamId(context, 'teamId', itemIndex),
		channelId: readChannelId(context, 'channelId', itemIndex),
		replyToId: replyToId || undefined,
	};
}
