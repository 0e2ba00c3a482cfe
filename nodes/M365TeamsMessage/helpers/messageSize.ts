/**
 * Teams refuses messages above about 28 KB (all HTML, mentions and attachments count) with
 * 413 "Request Entity too large". Checking first gives a per-item error that says by how much.
 *
 * Two checks: the raw content before any conversion (so a few hundred KB of relayed text is refused at once,
 * without converting it first), and the finished message before it is sent.
 */
import type { ChatMessageAttachment } from '@microsoft/microsoft-graph-types';

export const TEAMS_MESSAGE_LIMIT_BYTES = 28 * 1024;

/**
 * How large raw HTML may be before cleaning. Cleaning removes styles, scripts and unknown markup, so HTML from an
 * e-mail or an editor can shrink a lot; four times the limit leaves room for that and still bounds the work.
 * Text only grows when escaped, and Markdown only grows when converted (its markup becomes longer tags), so they
 * must fit the limit as they are.
 */
export const RAW_HTML_LIMIT_BYTES = 4 * TEAMS_MESSAGE_LIMIT_BYTES;

const kilobytes = (bytes: number) => (bytes / 1024).toFixed(1);

export function messageSizeBytes(content: string, attachments: ChatMessageAttachment[] = []): number {
	let size = Buffer.byteLength(content, 'utf8');
	for (const attachment of attachments) size += Buffer.byteLength(attachment.content ?? '', 'utf8');
	return size;
}

/** An error text when the message is too large, else undefined. */
export function messageSizeProblem(content: string, attachments: ChatMessageAttachment[] = []): string | undefined {
	const size = messageSizeBytes(content, attachments);
	if (size <= TEAMS_MESSAGE_LIMIT_BYTES) return undefined;
	return `The message is ${kilobytes(size)} KB, over Teams' limit of ${kilobytes(TEAMS_MESSAGE_LIMIT_BYTES)} KB (text, HTML, mentions and cards together). Shorten the text or split it into several messages.`;
}

/**
 * An error text when the content as given is already too large to become a message, else undefined. Cheap
 * (a native byte count, no parsing), so it runs before any conversion.
 */
export function rawContentSizeProblem(contentType: 'text' | 'html' | 'markdown', content: string): string | undefined {
	const limit = contentType === 'html' ? RAW_HTML_LIMIT_BYTES : TEAMS_MESSAGE_LIMIT_BYTES;
	const size = Buffer.byteLength(content, 'utf8');
	if (size <= limit) return undefined;
	if (contentType === 'html') {
		return `The message HTML is ${kilobytes(size)} KB, over the ${kilobytes(limit)} KB this node accepts before cleaning (four times Teams' limit of ${kilobytes(TEAMS_MESSAGE_LIMIT_BYTES)} KB for the cleaned message). It was refused before any conversion. Shorten the text or split it into several messages.`;
	}
	return `The message is ${kilobytes(size)} KB, over Teams' limit of ${kilobytes(limit)} KB (checked before conversion: text and Markdown only grow when converted). Shorten the text or split it into several messages.`;
}
