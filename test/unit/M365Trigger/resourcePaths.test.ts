import { changedResourceFor, fetchUrlFor, parseResourceSegments } from '../../../nodes/M365Trigger/resourcePaths';
import type { SubscriptionTarget } from '../../../nodes/M365Trigger/targets';

const channel: SubscriptionTarget = {
	key: 'channel:t1:c1',
	kind: 'channelMessages',
	resource: '/teams/t1/channels/c1/messages',
	changeType: 'created',
	teamId: 't1',
	channelId: 'c1',
};

describe('parseResourceSegments', () => {
	it('reads the key syntax and the plain path syntax', () => {
		expect(parseResourceSegments("teams('t1')/channels('19:c@thread.tacv2')/messages('1700')")).toEqual([
			{ name: 'teams', id: 't1' },
			{ name: 'channels', id: '19:c@thread.tacv2' },
			{ name: 'messages', id: '1700' },
		]);
		expect(parseResourceSegments('Users/u1/Messages/AAMk=')).toEqual([
			{ name: 'users', id: 'u1' },
			{ name: 'messages', id: 'AAMk=' },
		]);
		expect(parseResourceSegments("communications/presences('u1')")).toEqual([
			{ name: 'communications' },
			{ name: 'presences', id: 'u1' },
		]);
	});
});

describe('changedResourceFor', () => {
	it('maps a channel message and a reply of the watched channel', () => {
		const message = changedResourceFor(channel, "teams('t1')/channels('c1')/messages('m1')");
		expect(message).toEqual({ kind: 'channelMessage', teamId: 't1', channelId: 'c1', messageId: 'm1', replyId: undefined });
		expect(fetchUrlFor(message!)).toBe('/teams/t1/channels/c1/messages/m1');
		const reply = changedResourceFor(channel, "teams('t1')/channels('c1')/messages('m1')/replies('r1')");
		expect(fetchUrlFor(reply!)).toBe('/teams/t1/channels/c1/messages/m1/replies/r1');
	});

	it('refuses a message of another channel or another shape', () => {
		expect(changedResourceFor(channel, "teams('t1')/channels('c2')/messages('m1')")).toBeUndefined();
		expect(changedResourceFor(channel, "chats('c1')/messages('m1')")).toBeUndefined();
		expect(changedResourceFor(channel, "teams('t1')/channels('c1')/messages('..')")).toBeUndefined();
		expect(changedResourceFor(channel, "teams('t1')/channels('c1')/messages('a?b')")).toBeUndefined();
		expect(changedResourceFor(channel, 'users/../../admin')).toBeUndefined();
	});

	it('accepts any team for the tenant-wide target', () => {
		const all: SubscriptionTarget = { key: 'channels:tenant', kind: 'allChannelMessages', resource: '/teams/getAllMessages', changeType: 'created' };
		expect(changedResourceFor(all, "teams('t9')/channels('c9')/messages('m9')")).toMatchObject({ teamId: 't9' });
	});

	it('maps chat messages, checking the chat for a one-chat target', () => {
		const chat: SubscriptionTarget = { key: 'chat:c1', kind: 'chatMessages', resource: '/chats/c1/messages', changeType: 'created', chatId: 'c1' };
		expect(fetchUrlFor(changedResourceFor(chat, "chats('c1')/messages('m1')")!)).toBe('/chats/c1/messages/m1');
		expect(changedResourceFor(chat, "chats('c2')/messages('m1')")).toBeUndefined();
		const userChats: SubscriptionTarget = { ...chat, kind: 'userChatMessages', key: 'chats:user:u' };
		expect(changedResourceFor(userChats, "chats('c2')/messages('m1')")).toMatchObject({ chatId: 'c2' });
	});

	it('fetches mail from the watched mailbox, whatever user id the notification names', () => {
		const mail: SubscriptionTarget = {
			key: 'mail:a@x.com:inbox',
			kind: 'mail',
			resource: "/users/a@x.com/mailFolders('inbox')/messages",
			changeType: 'created',
			userId: 'a@x.com',
			folder: 'inbox',
		};
		expect(fetchUrlFor(changedResourceFor(mail, 'Users/guid-of-a/Messages/AAMkX=', 'AAMkX=')!)).toBe(
			'/users/a@x.com/messages/AAMkX=',
		);
		expect(changedResourceFor(mail, 'Users/guid-of-a/Messages/AAMkX=', 'other')).toBeUndefined();
	});

	it('maps presence of a watched user only', () => {
		const presence: SubscriptionTarget = {
			key: 'presence:u1',
			kind: 'presence',
			resource: "/communications/presences?$filter=id in ('u1')",
			changeType: 'updated',
			userIds: ['U1'],
		};
		expect(fetchUrlFor(changedResourceFor(presence, "communications/presences('u1')")!)).toBe('/users/u1/presence');
		expect(changedResourceFor(presence, "communications/presences('u2')")).toBeUndefined();
	});
});
