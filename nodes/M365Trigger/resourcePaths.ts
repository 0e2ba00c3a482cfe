// From a notification's `resource` to the Graph URL of the full resource. Pure. The resource string is only a hint:
// it must fall under what the subscription watches (the same team and channel, the same chat, a watched user), and
// ids are checked so a notification cannot steer the node to any other Graph URL.
import type { SubscriptionTarget } from './targets';

export type ChangedResource =
	| { kind: 'channelMessage'; teamId: string; channelId: string; messageId: string; replyId?: string }
	| { kind: 'chatMessage'; chatId: string; messageId: string }
	| { kind: 'mail'; userId: string; messageId: string }
	| { kind: 'presence'; userId: string };

interface Segment {
	name: string;
	id?: string;
}

const SAFE_ID = /^[^/?#\\\s]+$/;
/** The collection names that occur in the notification resources this trigger subscribes to. */
const COLLECTIONS = new Set([
	'teams',
	'channels',
	'messages',
	'replies',
	'chats',
	'users',
	'communications',
	'presences',
	'mailfolders',
]);

function isSafeId(id: string | undefined): id is string {
	return id !== undefined && id !== '' && id !== '.' && id !== '..' && SAFE_ID.test(id);
}

/** `teams('a')/channels('b')/messages('c')`, `Users/a/Messages/b` and mixes of both into [{name, id}]. */
export function parseResourceSegments(resource: string): Segment[] | undefined {
	const path = resource
		.trim()
		.replace(/^https?:\/\/[^/]+/i, '')
		.replace(/^\/?(v1\.0|beta)\//i, '')
		.replace(/^\//, '')
		.split('?')[0];
	if (path === '') return undefined;
	const segments: Segment[] = [];
	for (const token of path.split('/')) {
		const keyed = /^([A-Za-z]+)\((?:'([^']*)'|([^)']*))\)$/.exec(token);
		if (keyed) {
			segments.push({ name: keyed[1].toLowerCase(), id: keyed[2] ?? keyed[3] });
			continue;
		}
		if (COLLECTIONS.has(token.toLowerCase())) {
			segments.push({ name: token.toLowerCase() });
			continue;
		}
		const last = segments[segments.length - 1];
		if (!last || last.id !== undefined) return undefined;
		last.id = decodeURIComponent(token);
	}
	return segments;
}

function sameId(a: string | undefined, b: string | undefined): boolean {
	return a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();
}

/** What changed, or undefined when the resource is not one this target can report. */
export function changedResourceFor(
	target: SubscriptionTarget,
	resource: string,
	resourceId?: string,
): ChangedResource | undefined {
	const segments = parseResourceSegments(resource);
	if (!segments) return undefined;
	const names = segments.map((s) => s.name).join('/');
	// Every collection but `communications` is keyed, and every key must be a plain id.
	const ids = segments.filter((s) => s.name !== 'communications').map((s) => s.id);
	if (!ids.every((id) => isSafeId(id))) return undefined;
	const [first, second, third, fourth] = ids as string[];

	switch (target.kind) {
		case 'channelMessages':
		case 'allChannelMessages': {
			if (names !== 'teams/channels/messages' && names !== 'teams/channels/messages/replies') return undefined;
			if (target.kind === 'channelMessages') {
				if (!sameId(first, target.teamId) || !sameId(second, target.channelId)) return undefined;
			}
			return { kind: 'channelMessage', teamId: first, channelId: second, messageId: third, replyId: fourth };
		}
		case 'chatMessages':
		case 'userChatMessages':
		case 'allChatMessages': {
			if (names !== 'chats/messages') return undefined;
			if (target.kind === 'chatMessages' && !sameId(first, target.chatId)) return undefined;
			return { kind: 'chatMessage', chatId: first, messageId: second };
		}
		case 'mail': {
			if (names !== 'users/messages' || !target.userId) return undefined;
			// Graph names the mailbox by object id even when the subscription used the UPN, so the mailbox comes
			// from the target, and only the message id from the notification.
			if (resourceId !== undefined && resourceId !== second) return undefined;
			return { kind: 'mail', userId: target.userId, messageId: second };
		}
		case 'presence': {
			if (names !== 'communications/presences') return undefined;
			const watched = (target.userIds ?? []).some((u) => sameId(u, first));
			return watched ? { kind: 'presence', userId: first } : undefined;
		}
	}
}

/** The Graph URL (relative to the version root) that returns the full changed resource. */
export function fetchUrlFor(changed: ChangedResource): string {
	switch (changed.kind) {
		case 'channelMessage':
			return changed.replyId
				? `/teams/${changed.teamId}/channels/${changed.channelId}/messages/${changed.messageId}/replies/${changed.replyId}`
				: `/teams/${changed.teamId}/channels/${changed.channelId}/messages/${changed.messageId}`;
		case 'chatMessage':
			return `/chats/${changed.chatId}/messages/${changed.messageId}`;
		case 'mail':
			return `/users/${changed.userId}/messages/${changed.messageId}`;
		case 'presence':
			return `/users/${changed.userId}/presence`;
	}
}
