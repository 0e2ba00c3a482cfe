/**
 * Messages as the node outputs them: Graph's chatMessage (without the invisible marker earlier versions added),
 * with the echo flags `postedByThisPackage` and `postedByIntegrationAccount` (nodes/shared/teamsEcho.ts).
 */
import type { ChatMessage } from '@microsoft/microsoft-graph-types';
import type { IDataObject } from 'n8n-workflow';

import { echoFlags } from '../../shared/teamsEcho';
import { stripLegacyMarker } from './postKey';
import type { MessageDraft } from './postMessage';

export function formatMessage(message: ChatMessage, integrationAccountId: string): IDataObject {
	const output = { ...message, ...echoFlags(message, integrationAccountId) } as IDataObject;
	if (message.body?.content) output.body = { ...message.body, content: stripLegacyMarker(message.body.content) };
	if (Array.isArray(message.replies)) output.replies = message.replies.map((reply) => formatMessage(reply, integrationAccountId));
	return output;
}

/** Adds `unresolvedMentions` to an output item when some mention could not be made. */
export function withUnresolvedMentions(output: IDataObject, draft: MessageDraft): IDataObject {
	if (!draft.unresolvedMentions?.length) return output;
	return { ...output, unresolvedMentions: draft.unresolvedMentions.map((mention) => ({ ...mention })) };
}
