// Teams, channels, their members and channel messages, as Microsoft Graph v1.0 documents them:
//   GET  /teams (app: Team.ReadBasic.All), /teams/{id}, /users/{id}/joinedTeams, /me/joinedTeams       team-get.md, user-list-joinedteams.md
//   GET  /teams/{id}/channels, /teams/{id}/channels/{id}                                                channel-list.md, channel-get.md
//   GET  /teams/{id}/members, /teams/{id}/channels/{id}/members                                          team-list-members.md, channel-list-members.md
//   POST /teams/{t}/channels/{c}/messages, .../messages/{m}/replies  (201)                               channel-post-messages.md, chatmessage-post-replies.md
//   GET  .../messages ($top <= 50, default 20, $expand=replies; thread order and reply paging: channelThreads.ts), .../messages/{m}, .../replies, .../replies/{r}
//   GET  .../messages/delta ($filter=lastModifiedDateTime gt, $expand=replies, $top <= 50)                chatmessage-delta.md
// Protected APIs and the polling policy for these reads: teamsRules.ts.
//   PATCH .../messages/{m}, .../replies/{r} (204)                                                         chatmessage-update.md
//   POST .../messages/{m}/softDelete | undoSoftDelete, .../replies/{r}/softDelete | undoSoftDelete (204) chatmessage-softdelete.md
// Rules: app-only tokens cannot post (Teamwork.Migrate.All only, and only into a channel in migration mode, with
// createdDateTime and from); a delegated caller who is not a member of the team (or of a private/shared channel)
// gets 403 Forbidden; unknown ids get 404 NotFound. Posting endpoints answer an expired token with 403
// InvalidAuthenticationToken, as Teams endpoints do. Message rules shared with chats: teamsMessages.ts.
import type { Channel } from '@microsoft/microsoft-graph-types';

import type { ChannelRecord, ConversationMemberRecord, GraphChatMessage, TeamRecord, UserRecord } from '../state/types';
import { applyFilter } from '../odata/filter';
import { collectionResponse, pageItems, selectProperties } from '../odata/query';
import { GraphError, graphError } from './errors';
import type { GraphContext, GraphResult, GraphRouter } from './router';
import { setTeamMessagingSettings, teamMessagingSettings } from './teamMessagingSettings';
import { HTML_REWRITING_RULE } from './teamsHtml';
import {
	deletedStore,
	newestFirst,
	newMessage,
	readPatch,
	readPostedMessage,
	senderOf,
	softDeletedPatch,
	withContext,
} from './teamsMessages';
import { channelMessagesDelta, LIST_EXPANDED_REPLIES, orderedThreads, withExpandedReplies } from './channelThreads';
import { countTeamsRead, requireProtectedApiAccess } from './teamsRules';

const TEAM_READ = {
	application: ['Team.ReadBasic.All', 'TeamSettings.Read.All', 'TeamSettings.ReadWrite.All', 'Group.Read.All', 'Group.ReadWrite.All', 'Directory.Read.All'],
	delegated: ['Team.ReadBasic.All', 'TeamSettings.Read.All', 'TeamSettings.ReadWrite.All', 'Group.Read.All', 'Group.ReadWrite.All', 'Directory.Read.All'],
};
const CHANNEL_READ = {
	application: ['Channel.ReadBasic.All', 'ChannelSettings.Read.All', 'ChannelSettings.ReadWrite.All', 'Group.Read.All', 'Directory.Read.All'],
	delegated: ['Channel.ReadBasic.All', 'ChannelSettings.Read.All', 'ChannelSettings.ReadWrite.All', 'Group.Read.All', 'Directory.Read.All'],
};
const TEAM_MEMBERS_READ = {
	application: ['TeamMember.Read.All', 'TeamMember.ReadWrite.All', 'Group.Read.All', 'Directory.Read.All'],
	delegated: ['TeamMember.Read.All', 'TeamMember.ReadWrite.All', 'Group.Read.All', 'Directory.Read.All'],
};
const CHANNEL_MEMBERS_READ = {
	application: ['ChannelMember.Read.All', 'ChannelMember.ReadWrite.All'],
	delegated: ['ChannelMember.Read.All', 'ChannelMember.ReadWrite.All'],
};
/** Posting: delegated ChannelMessage.Send; application only the migration permission. */
const CHANNEL_MESSAGE_SEND = { application: ['Teamwork.Migrate.All'], delegated: ['ChannelMessage.Send', 'Group.ReadWrite.All'] };
const CHANNEL_MESSAGE_READ = {
	application: ['ChannelMessage.Read.All', 'ChannelMessage.ReadWrite.All'],
	delegated: ['ChannelMessage.Read.All', 'ChannelMessage.ReadWrite', 'Group.Read.All', 'Group.ReadWrite.All'],
};
const CHANNEL_MESSAGE_UPDATE = {
	application: ['ChannelMessage.UpdatePolicyViolation.All', 'ChannelMessage.ReadWrite.All'],
	delegated: ['ChannelMessage.ReadWrite', 'Group.ReadWrite.All'],
};
/** softDelete/undoSoftDelete: delegated only. */
const CHANNEL_MESSAGE_DELETE = { delegated: ['ChannelMessage.ReadWrite'] };

interface MigrationState {
	/** Channel ids in migration mode (import of old messages with app-only Teamwork.Migrate.All). */
	channels: string[];
}

function isMember(members: ConversationMemberRecord[], userId: string): boolean {
	return members.some((member) => member.userId.toLowerCase() === userId.toLowerCase());
}

function teamOr404(ctx: GraphContext): TeamRecord {
	const team = ctx.state.team(ctx.params.teamId);
	if (!team) graphError(404, 'NotFound', `No team found with Group Id ${ctx.params.teamId}`);
	return team;
}

/** The team, readable by apps and by delegated members (others get 403). */
function readableTeam(ctx: GraphContext): TeamRecord {
	const team = teamOr404(ctx);
	if (ctx.principal.kind === 'delegated' && !isMember(team.members, ctx.principal.userId)) {
		graphError(403, 'Forbidden', `User ${ctx.principal.userId} is not a member of team ${team.team.id}.`);
	}
	return team;
}

function channelOr404(ctx: GraphContext, team: TeamRecord): ChannelRecord {
	const channel = ctx.state.channel(team.team.id, ctx.params.channelId);
	if (!channel) graphError(404, 'NotFound', `Channel ${ctx.params.channelId} was not found in team ${team.team.id}.`);
	return channel;
}

/** The channel, for apps and for delegated members of it (team members; own members for private/shared). */
function readableChannel(ctx: GraphContext): { team: TeamRecord; channel: ChannelRecord } {
	const team = readableTeam(ctx);
	const channel = channelOr404(ctx, team);
	if (ctx.principal.kind === 'delegated' && !isMember(ctx.state.channelMembers(channel), ctx.principal.userId)) {
		graphError(403, 'Forbidden', `User ${ctx.principal.userId} is not a member of channel ${channel.channel.id}.`);
	}
	return { team, channel };
}

function teamView(ctx: GraphContext, team: TeamRecord): Record<string, unknown> {
	return { ...team.team, messagingSettings: { ...teamMessagingSettings(ctx.state, team.team.id), allowTeamMentions: true, allowChannelMentions: true } };
}

function channelView(channel: ChannelRecord): Channel {
	return { ...channel.channel };
}

function memberList(ctx: GraphContext, members: ConversationMemberRecord[], entitySet: string): GraphResult {
	const filtered = applyFilter(members, ctx.query.get('$filter')?.replace(/microsoft\.graph\.aadUserConversationMember\//g, ''));
	const page = pageItems(ctx, filtered, { defaultTop: 100, maxTop: 999 });
	return { body: collectionResponse(ctx, entitySet, page) };
}

function topLevel(channel: ChannelRecord): GraphChatMessage[] {
	return channel.messages.filter((message) => !message.replyToId);
}

function findMessage(channel: ChannelRecord, messageId: string, replyToId?: string): GraphChatMessage {
	const message = channel.messages.find((m) => m.id === messageId && (replyToId ? m.replyToId === replyToId : !m.replyToId));
	if (!message) graphError(404, 'NotFound', `Message ${messageId} was not found.`);
	return message;
}

function channelWebUrl(ctx: GraphContext, team: TeamRecord, channel: ChannelRecord, parentId?: string) {
	return (id: string) =>
		`https://teams.microsoft.com/l/message/${encodeURIComponent(channel.channel.id)}/${id}?groupId=${team.team.id}&tenantId=${ctx.state.tenantId}&createdTime=${id}&parentMessageId=${parentId ?? id}`;
}

/** Migration import (app-only, Teamwork.Migrate.All): the body names the original author and time. */
function importedSender(ctx: GraphContext): UserRecord {
	const body = (ctx.body ?? {}) as { createdDateTime?: unknown; from?: { user?: { id?: string } } };
	if (typeof body.createdDateTime !== 'string' || Number.isNaN(Date.parse(body.createdDateTime))) {
		graphError(400, 'BadRequest', 'Importing a message needs createdDateTime.');
	}
	const user = body.from?.user?.id ? ctx.state.user(body.from.user.id) : undefined;
	if (!user) graphError(400, 'BadRequest', 'Importing a message needs from.user with the id of a user of the tenant.');
	return user;
}

function postToChannel(ctx: GraphContext, replyToId?: string): GraphResult {
	if (ctx.principal.kind === 'app') {
		const migration = ctx.state.area<MigrationState>('teamsMigration', () => ({ channels: [] }));
		if (!migration.channels.includes(ctx.params.channelId)) {
			graphError(403, 'Forbidden', 'Application permissions can post channel messages only to import messages into a channel in migration mode (Teamwork.Migrate.All).');
		}
	}
	const { team, channel } = readableChannel(ctx);
	const from = ctx.principal.kind === 'app' ? importedSender(ctx) : senderOf(ctx);
	if (replyToId) findMessage(channel, replyToId);
	const posted = readPostedMessage(ctx, (id) => channel.messages.some((m) => m.id === id));
	const message = newMessage(ctx, posted, from, {
		channel: { teamId: team.team.id, channelId: channel.channel.id },
		replyToId,
		webUrl: channelWebUrl(ctx, team, channel, replyToId),
	});
	if (ctx.principal.kind === 'app') {
		// An import keeps the original time (channel-post-messages.md, "Import messages").
		message.createdDateTime = String((ctx.body as { createdDateTime: string }).createdDateTime);
		message.lastModifiedDateTime = message.createdDateTime;
	}
	ctx.state.addChannelMessage(team.team.id, channel.channel.id, message);
	const entitySet = replyToId
		? `teams('${team.team.id}')/channels('${channel.channel.id}')/messages('${replyToId}')/replies`
		: `teams('${team.team.id}')/channels('${channel.channel.id}')/messages`;
	return { status: 201, body: withContext(ctx, entitySet, message) };
}

/** Root messages (in Graph's thread order) or a thread's replies (newest first), one page. */
function listMessages(ctx: GraphContext, messages: GraphChatMessage[], team: TeamRecord, channel: ChannelRecord, entitySet: string, roots: boolean): GraphResult {
	const page = pageItems(ctx, roots ? orderedThreads(ctx, channel, messages) : newestFirst(messages), {
		defaultTop: 20,
		maxTop: 50,
		topError: (top) => new GraphError(400, 'BadRequest', `Invalid value '${top}' for $top: it must be between 1 and 50.`),
	});
	const expandReplies = roots && /(^|,)\s*replies\b/i.test(ctx.query.get('$expand') ?? '');
	const value = page.value.map((message) =>
		expandReplies ? withExpandedReplies(ctx, team, channel, message, LIST_EXPANDED_REPLIES) : structuredClone(message),
	);
	return { body: collectionResponse(ctx, entitySet, { ...page, value }) };
}

function patchMessage(ctx: GraphContext, replyToId?: string): GraphResult {
	const { team, channel } = readableChannel(ctx);
	const messageId = replyToId ? ctx.params.replyId : ctx.params.messageId;
	const message = findMessage(channel, messageId, replyToId);
	const patch = readPatch(ctx, message, (id) => channel.messages.some((m) => m.id === id));
	if (ctx.principal.kind === 'delegated' && !teamMessagingSettings(ctx.state, team.team.id).allowUserEditMessages) {
		graphError(403, 'Forbidden', "The team's messaging settings do not let users edit their messages (allowUserEditMessages is false).");
	}
	ctx.state.updateChannelMessage(team.team.id, channel.channel.id, message.id, patch);
	return { status: 204 };
}

function softDelete(ctx: GraphContext, undo: boolean, replyToId?: string): GraphResult {
	const { team, channel } = readableChannel(ctx);
	const messageId = replyToId ? ctx.params.replyId : ctx.params.messageId;
	const message = findMessage(channel, messageId, replyToId);
	const userId = (ctx.principal as { userId: string }).userId;
	const isOwner = team.members.some((member) => member.userId === userId && member.roles?.includes('owner'));
	const settings = teamMessagingSettings(ctx.state, team.team.id);
	const isAuthor = message.from?.user?.id === userId;
	if (!isAuthor && !isOwner) graphError(403, 'Forbidden', 'Only the sender of a message or a team owner can delete it.');
	const allowed = (isAuthor && settings.allowUserDeleteMessages) || (isOwner && settings.allowOwnerDeleteMessages);
	if (!allowed) {
		graphError(403, 'Forbidden', isAuthor
			? "The team's messaging settings do not let users delete their messages (allowUserDeleteMessages is false)."
			: "The team's messaging settings do not let owners delete messages (allowOwnerDeleteMessages is false).");
	}
	const store = deletedStore(ctx.state);
	const key = `${channel.channel.id}/${message.id}`;
	if (undo) {
		if (!message.deletedDateTime) return { status: 204 };
		const saved = store[key];
		delete store[key];
		ctx.state.updateChannelMessage(team.team.id, channel.channel.id, message.id, { deletedDateTime: null, ...(saved ?? {}) });
	} else {
		if (message.deletedDateTime) return { status: 204 };
		store[key] = { body: structuredClone(message.body), attachments: structuredClone(message.attachments), mentions: structuredClone(message.mentions) };
		ctx.state.updateChannelMessage(team.team.id, channel.channel.id, message.id, softDeletedPatch(ctx));
	}
	return { status: 204 };
}

export function registerTeams(graph: GraphRouter): void {
	graph.defineRule(HTML_REWRITING_RULE);
	graph.route('GET', '/teams', {
		permissions: TEAM_READ,
		handler(ctx) {
			const teams = Object.values(ctx.state.data.teams).map((team) => ({ ...team.team }) as Record<string, unknown>);
			const filtered = applyFilter(teams, ctx.query.get('$filter'));
			const page = pageItems(ctx, filtered, { defaultTop: 100, maxTop: 999 });
			return { body: collectionResponse(ctx, 'teams', { ...page, value: page.value.map((team) => selectProperties(team, ctx.query)) }) };
		},
	});
	graph.route('GET', '/teams/:teamId', {
		permissions: TEAM_READ,
		handler: (ctx) => ({ body: { '@odata.context': `${ctx.baseUrl}/$metadata#teams/$entity`, ...selectProperties(teamView(ctx, readableTeam(ctx)), ctx.query) } }),
	});
	graph.route('GET', '/users/:userId/joinedTeams', {
		permissions: TEAM_READ,
		handler(ctx) {
			const user = ctx.state.user(ctx.params.userId);
			if (!user) graphError(404, 'NotFound', `User ${ctx.params.userId} was not found.`);
			const joined = Object.values(ctx.state.data.teams)
				.filter((team) => isMember(team.members, user.user.id))
				.map((team) => ({ id: team.team.id, displayName: team.team.displayName, description: team.team.description ?? null, isArchived: false, tenantId: team.team.tenantId ?? ctx.state.tenantId }));
			return { body: { '@odata.context': `${ctx.baseUrl}/$metadata#teams`, '@odata.count': joined.length, value: joined } };
		},
	});
	graph.route('GET', '/teams/:teamId/channels', {
		permissions: CHANNEL_READ,
		handler(ctx) {
			const team = readableTeam(ctx);
			const principal = ctx.principal;
			const visible = ctx.state
				.channelsOf(team.team.id)
				.filter((channel) => principal.kind === 'app' || isMember(ctx.state.channelMembers(channel), principal.userId))
				.map(channelView);
			const filtered = applyFilter(visible, ctx.query.get('$filter'));
			return { body: { '@odata.context': `${ctx.baseUrl}/$metadata#teams('${team.team.id}')/channels`, '@odata.count': filtered.length, value: filtered.map((c) => selectProperties(c, ctx.query)) } };
		},
	});
	graph.route('GET', '/teams/:teamId/channels/:channelId', {
		permissions: CHANNEL_READ,
		handler(ctx) {
			const { team, channel } = readableChannel(ctx);
			return { body: { '@odata.context': `${ctx.baseUrl}/$metadata#teams('${team.team.id}')/channels/$entity`, ...selectProperties(channelView(channel), ctx.query) } };
		},
	});
	graph.route('GET', '/teams/:teamId/members', {
		permissions: TEAM_MEMBERS_READ,
		handler(ctx) {
			const team = readableTeam(ctx);
			return memberList(ctx, team.members, `teams('${team.team.id}')/members`);
		},
	});
	graph.route('GET', '/teams/:teamId/channels/:channelId/members', {
		permissions: CHANNEL_MEMBERS_READ,
		handler(ctx) {
			const { team, channel } = readableChannel(ctx);
			return memberList(ctx, ctx.state.channelMembers(channel), `teams('${team.team.id}')/channels('${channel.channel.id}')/members`);
		},
	});

	const base = '/teams/:teamId/channels/:channelId/messages';
	graph.route('POST', base, { permissions: CHANNEL_MESSAGE_SEND, expiredTokenStatus: 403, handler: (ctx) => postToChannel(ctx) });
	graph.route('POST', `${base}/:messageId/replies`, {
		permissions: CHANNEL_MESSAGE_SEND,
		expiredTokenStatus: 403,
		handler: (ctx) => postToChannel(ctx, ctx.params.messageId),
	});
	graph.route('GET', base, {
		permissions: CHANNEL_MESSAGE_READ,
		handler(ctx) {
			requireProtectedApiAccess(ctx);
			const { team, channel } = readableChannel(ctx);
			countTeamsRead(ctx, `/teams/${team.team.id}/channels/${channel.channel.id}/messages`);
			return listMessages(ctx, topLevel(channel), team, channel, `teams('${team.team.id}')/channels('${channel.channel.id}')/messages`, true);
		},
	});
	graph.route('GET', `${base}/delta`, {
		permissions: { application: ['ChannelMessage.Read.All'], delegated: ['ChannelMessage.Read.All'] },
		handler(ctx) {
			requireProtectedApiAccess(ctx);
			const { team, channel } = readableChannel(ctx);
			countTeamsRead(ctx, `/teams/${team.team.id}/channels/${channel.channel.id}/messages/delta`);
			return channelMessagesDelta(ctx, team, channel);
		},
	});
	graph.route('GET', `${base}/:messageId`, {
		permissions: CHANNEL_MESSAGE_READ,
		handler(ctx) {
			requireProtectedApiAccess(ctx);
			const { team, channel } = readableChannel(ctx);
			return { body: withContext(ctx, `teams('${team.team.id}')/channels('${channel.channel.id}')/messages`, findMessage(channel, ctx.params.messageId)) };
		},
	});
	graph.route('GET', `${base}/:messageId/replies`, {
		permissions: CHANNEL_MESSAGE_READ,
		handler(ctx) {
			requireProtectedApiAccess(ctx);
			const { team, channel } = readableChannel(ctx);
			findMessage(channel, ctx.params.messageId);
			const replies = channel.messages.filter((m) => m.replyToId === ctx.params.messageId);
			return listMessages(ctx, replies, team, channel, `teams('${team.team.id}')/channels('${channel.channel.id}')/messages('${ctx.params.messageId}')/replies`, false);
		},
	});
	graph.route('GET', `${base}/:messageId/replies/:replyId`, {
		permissions: CHANNEL_MESSAGE_READ,
		handler(ctx) {
			requireProtectedApiAccess(ctx);
			const { team, channel } = readableChannel(ctx);
			const reply = findMessage(channel, ctx.params.replyId, ctx.params.messageId);
			return { body: withContext(ctx, `teams('${team.team.id}')/channels('${channel.channel.id}')/messages('${ctx.params.messageId}')/replies`, reply) };
		},
	});
	graph.route('PATCH', `${base}/:messageId`, { permissions: CHANNEL_MESSAGE_UPDATE, handler: (ctx) => patchMessage(ctx) });
	graph.route('PATCH', `${base}/:messageId/replies/:replyId`, { permissions: CHANNEL_MESSAGE_UPDATE, handler: (ctx) => patchMessage(ctx, ctx.params.messageId) });
	for (const [action, undo] of [['softDelete', false], ['undoSoftDelete', true]] as const) {
		graph.route('POST', `${base}/:messageId/${action}`, { permissions: CHANNEL_MESSAGE_DELETE, handler: (ctx) => softDelete(ctx, undo) });
		graph.route('POST', `${base}/:messageId/replies/:replyId/${action}`, {
			permissions: CHANNEL_MESSAGE_DELETE,
			handler: (ctx) => softDelete(ctx, undo, ctx.params.messageId),
		});
	}

	// A team's messaging settings: { allowUserEditMessages?, allowUserDeleteMessages?, allowOwnerDeleteMessages? }.
	graph.control('PUT', '/teams/:teamId/messagingSettings', (ctx) => {
		if (!ctx.state.data.teams[ctx.params.teamId]) return { status: 404, body: { error: `No team ${ctx.params.teamId}` } };
		return { status: 200, body: setTeamMessagingSettings(ctx.state, ctx.params.teamId, (ctx.body ?? {}) as Record<string, boolean>) };
	});
	// Migration mode for app-only imports: { channelId, enabled }.
	graph.control('POST', '/teams/migrationMode', (ctx) => {
		const body = (ctx.body ?? {}) as { channelId?: string; enabled?: boolean };
		const migration = ctx.state.area<MigrationState>('teamsMigration', () => ({ channels: [] }));
		migration.channels = migration.channels.filter((id) => id !== body.channelId);
		if (body.enabled !== false && body.channelId) migration.channels.push(body.channelId);
		return { body: { channels: migration.channels } };
	});
}
