// Teams messages that are not a person's (https://learn.microsoft.com/en-us/graph/api/resources/chatmessage,
// https://learn.microsoft.com/en-us/graph/system-messages): system event messages (member added, chat renamed)
// with `from: null`, body `<systemEventMessage/>` and an `eventDetail`, and messages posted by an app or bot
// (`from.application`). v1.0 shows a system event's messageType as `unknownFutureValue` unless the caller sends
// `Prefer: include-unknown-enum-members`; the emulator stores what v1.0 shows by default.
//   POST /_emulator/teams/systemEvent { chatId | teamId + channelId, event: 'membersAdded' | 'chatRenamed',
//        initiator?: userIdOrUpn, members?: [userIdOrUpn], chatDisplayName? }              -> the message
//   POST /_emulator/teams/botMessage  { chatId | teamId + channelId, content, appId?, displayName? } -> the message
import type { GraphChatMessage } from '../state/types';
import type { TenantState } from '../state/tenantState';
import type { GraphRouter } from './router';
import { nextMessageId } from './teamsMessages';

export interface MessagePlace {
	chatId?: string;
	teamId?: string;
	channelId?: string;
	replyToId?: string;
}

function userIdentity(state: TenantState, reference: string | undefined): Record<string, unknown> | null {
	const user = reference ? state.user(reference) : undefined;
	if (!user) return null;
	return { '@odata.type': '#microsoft.graph.teamworkUserIdentity', id: user.user.id, displayName: user.user.displayName ?? null, userIdentityType: 'aadUser', tenantId: state.tenantId };
}

function base(state: TenantState, place: MessagePlace, id: string, now: string): GraphChatMessage {
	return {
		id,
		replyToId: place.replyToId ?? null,
		etag: id,
		createdDateTime: now,
		lastModifiedDateTime: now,
		lastEditedDateTime: null,
		deletedDateTime: null,
		subject: null,
		summary: null,
		chatId: place.chatId ?? null,
		importance: 'normal',
		locale: 'en-us',
		webUrl: null,
		policyViolation: null,
		channelIdentity: place.teamId && place.channelId ? { teamId: place.teamId, channelId: place.channelId } : null,
		attachments: [],
		mentions: [],
		reactions: [],
	} as unknown as GraphChatMessage;
}

function store(state: TenantState, place: MessagePlace, message: GraphChatMessage): GraphChatMessage {
	if (place.chatId) return state.addChatMessage(place.chatId, message);
	if (place.teamId && place.channelId) return state.addChannelMessage(place.teamId, place.channelId, message);
	throw new Error('give chatId, or teamId and channelId');
}

export function addSystemEventMessage(
	state: TenantState,
	place: MessagePlace,
	event: { kind: 'membersAdded' | 'chatRenamed'; initiator?: string; members?: string[]; chatDisplayName?: string },
	now: string,
): GraphChatMessage {
	const initiator = { application: null, device: null, user: userIdentity(state, event.initiator) };
	const eventDetail =
		event.kind === 'membersAdded'
			? {
					'@odata.type': '#microsoft.graph.membersAddedEventMessageDetail',
					visibleHistoryStartDateTime: '0001-01-01T00:00:00Z',
					members: (event.members ?? []).map((m) => userIdentity(state, m)).filter(Boolean),
					initiator,
				}
			: { '@odata.type': '#microsoft.graph.chatRenamedEventMessageDetail', chatId: place.chatId ?? null, chatDisplayName: event.chatDisplayName ?? null, initiator };
	const message = {
		...base(state, place, nextMessageId(state), now),
		messageType: 'unknownFutureValue',
		from: null,
		body: { contentType: 'html', content: '<systemEventMessage/>' },
		eventDetail,
	} as unknown as GraphChatMessage;
	return store(state, place, message);
}

export function addBotMessage(
	state: TenantState,
	place: MessagePlace,
	bot: { appId?: string; displayName?: string; content: string },
	now: string,
): GraphChatMessage {
	const message = {
		...base(state, place, nextMessageId(state), now),
		messageType: 'message',
		eventDetail: null,
		from: {
			user: null,
			device: null,
			application: {
				'@odata.type': '#microsoft.graph.teamworkApplicationIdentity',
				id: bot.appId ?? '28:0c5a4c6d-9f1b-4b57-8e83-2c1f3a4b5d6e',
				displayName: bot.displayName ?? 'Contoso Bot',
				applicationIdentityType: 'bot',
			},
		},
		body: { contentType: 'html', content: bot.content },
	} as unknown as GraphChatMessage;
	return store(state, place, message);
}

export function registerSystemMessages(graph: GraphRouter): void {
	graph.control('POST', '/teams/systemEvent', (ctx) => {
		const body = (ctx.body ?? {}) as MessagePlace & { event?: string; initiator?: string; members?: string[]; chatDisplayName?: string };
		const kind = body.event === 'chatRenamed' ? 'chatRenamed' : 'membersAdded';
		try {
			return { status: 201, body: addSystemEventMessage(ctx.state, body, { kind, initiator: body.initiator, members: body.members, chatDisplayName: body.chatDisplayName }, ctx.clock.now().toISOString()) };
		} catch (error) {
			return { status: 400, body: { error: (error as Error).message } };
		}
	});
	graph.control('POST', '/teams/botMessage', (ctx) => {
		const body = (ctx.body ?? {}) as MessagePlace & { appId?: string; displayName?: string; content?: string };
		try {
			return { status: 201, body: addBotMessage(ctx.state, body, { appId: body.appId, displayName: body.displayName, content: String(body.content ?? '') }, ctx.clock.now().toISOString()) };
		} catch (error) {
			return { status: 400, body: { error: (error as Error).message } };
		}
	});
}
