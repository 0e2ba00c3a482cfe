/**
 * What kind of Teams message a Graph chatMessage is, and who sent it (https://learn.microsoft.com/en-us/graph/api/resources/chatmessage):
 * - system event messages (member added, chat renamed, call started, ...): `messageType` `systemEventMessage`
 *   (shown as `unknownFutureValue` by v1.0 unless the caller sends `Prefer: include-unknown-enum-members`),
 *   `from: null`, body `<systemEventMessage/>`, details in `eventDetail`;
 * - messages from an app or bot: `from.application` set, `from.user` null: an app is not a person, so it never
 *   answers for one (a bot's "YES" is not the user's).
 */
export type TeamsSenderType = 'user' | 'application' | 'system' | 'unknown';

interface MessageLike {
	messageType?: unknown;
	eventDetail?: unknown;
	body?: { content?: unknown } | null;
	from?: { user?: unknown; application?: unknown; device?: unknown } | null;
}

export function isSystemEventMessage(message: MessageLike): boolean {
	if (message.messageType === 'systemEventMessage') return true;
	if (message.eventDetail !== null && message.eventDetail !== undefined) return true;
	if (message.messageType === 'unknownFutureValue' && !message.from) return true;
	const content = typeof message.body?.content === 'string' ? message.body.content.trim() : '';
	return /^<systemEventMessage\s*\/>$/i.test(content);
}

export function teamsSenderType(message: MessageLike): TeamsSenderType {
	if (isSystemEventMessage(message)) return 'system';
	if (message.from?.user) return 'user';
	if (message.from?.application) return 'application';
	return 'unknown';
}

/** Whether a JSON object is a Graph chatMessage (as a trigger or list operation outputs it). */
export function looksLikeChatMessage(value: Record<string, unknown>): boolean {
	return typeof value.messageType === 'string' && 'from' in value && 'body' in value;
}
