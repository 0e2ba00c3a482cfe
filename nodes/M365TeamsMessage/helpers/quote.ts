/**
 * A chat "reply" is a new message quoting the earlier one: Graph v1.0 has no replies in chats, so Teams' own
 * quote is used, a messageReference attachment plus <attachment id="{messageId}"></attachment> in the body.
 */
import type { ChatMessage, ChatMessageAttachment } from '@microsoft/microsoft-graph-types';

import { htmlToPlainText } from './html';
import { stripLegacyMarker } from './postKey';

const PREVIEW_LENGTH = 100;

export function quoteAttachment(quoted: ChatMessage): { attachment: ChatMessageAttachment; bodyTag: string } {
	const id = quoted.id ?? '';
	const preview = htmlToPlainText(stripLegacyMarker(quoted.body?.content ?? '')).slice(0, PREVIEW_LENGTH);
	return {
		attachment: {
			id,
			contentType: 'messageReference',
			content: JSON.stringify({ messageId: id, messagePreview: preview, messageSender: quoted.from ?? null }),
		},
		bodyTag: `<attachment id="${id}"></attachment>`,
	};
}
