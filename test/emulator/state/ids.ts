// Deterministic identifiers in the shapes Graph uses, so seeds are stable across runs and readable in logs.
import { createHash } from 'crypto';

/** A stable GUID derived from a name: the same name always gives the same id. */
export function stableGuid(name: string): string {
	const hex = createHash('sha256').update(name).digest('hex');
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Teams channel id: 19:<32 hex>@thread.tacv2 */
export function channelId(name: string): string {
	return `19:${createHash('sha256').update(`channel:${name}`).digest('hex').slice(0, 32)}@thread.tacv2`;
}

/** Group chat id: 19:<32 hex>@thread.v2 */
export function groupChatId(name: string): string {
	return `19:${createHash('sha256').update(`chat:${name}`).digest('hex').slice(0, 32)}@thread.v2`;
}

/** One-on-one chat id: 19:<userA>_<userB>@unq.gbl.spaces */
export function oneOnOneChatId(userA: string, userB: string): string {
	const [a, b] = [userA, userB].sort();
	return `19:${a}_${b}@unq.gbl.spaces`;
}

/** Conversation member id (Graph's are base64 of a composite key). */
export function memberId(containerId: string, userId: string): string {
	return Buffer.from(`${containerId}##${userId}`).toString('base64');
}

/** Outlook ids are long base64url strings. */
export function outlookId(kind: string, name: string): string {
	const digest = createHash('sha256').update(`${kind}:${name}`).digest('base64url');
	return `AAMkAD${digest}${digest.slice(0, 20)}AAA=`;
}

/** Teams message ids are epoch milliseconds. */
export function teamsMessageId(iso: string, sequence = 0): string {
	return String(Date.parse(iso) + sequence);
}
