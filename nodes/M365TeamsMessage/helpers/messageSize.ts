/**
 * Teams refuses messages above about 28 KB (all HTML, mentions and attachments count) with
 * 413 "Request Entity too large". Checking first gives a per-item error that says by how much.
 */
import type { ChatMessageAttachment } from '@microsoft/microsoft-graph-types';

export const TEAMS_MESSAGE_LIMIT_BYTES = 28 * 1024;

export function messageSizeBytes(content: string, attachments: ChatMessageAttachment[] = []): number {
	let size = Buffer.byteLength(content, 'utf8');
	for (const attachment of attachments) size += Buffer.byteLength(attachment.content ?? '', 'utf8');
	return size;
}

/** An error text when the message is too large, else undefined. */
export function messageSizeProblem(content: string, attachments: ChatMessageAttachment[] = []): string | undefined {
	const size = messageSizeBytes(content, attachments);
	if (size <= TEAMS_MESSAGE_LIMIT_BYTES) return undefined;
	const kilobytes = (bytes: number) => (bytes / 1024).toFixed(1);
	return `The message is ${kilobytes(size)} KB, over Teams' limit of ${kilobytes(TEAMS_MESSAGE_LIMIT_BYTES)} KB (text, HTML, mentions and cards together). Shorten the text or split it into several messages.`;
}
