// The one tenant both listeners share: lookups and the mutations other areas use. Mutations that Graph change
// notifications cover announce themselves on the events emitter ('change').
import { randomUUID } from 'crypto';

import type { Clock } from '../clock';
import type { ChangeEvent, ChangeType, EmulatorEvents } from '../events';
import { createRules, type RulesControl } from '../rules';
import type {
	AppRecord,
	ChannelRecord,
	ChatRecord,
	GraphChatMessage,
	GraphMessage,
	GraphUser,
	MailboxRecord,
	MailFolderRecord,
	PresenceRecord,
	TeamRecord,
	TenantData,
	UserRecord,
} from './types';
import { MailIndex } from './mailIndex';
import { UserIndex } from './userIndex';

export class TenantState {
	private index?: UserIndex;
	/** Mail by folder and by time (see mailIndex.ts); keyed by mailbox record, so a replaced tenant starts afresh. */
	readonly mailIndex = new MailIndex();

	constructor(
		public data: TenantData,
		private readonly clock: Clock,
		private readonly events: EmulatorEvents,
		/** The emulator's tenant rules (rules.ts), for helpers that act on the tenant without a request (deliverMail). */
		readonly rules: RulesControl = createRules(),
	) {}

	get tenantId(): string {
		return this.data.tenant.id;
	}

	/** Replaces the whole tenant (control API: POST /_emulator/state). */
	replace(data: TenantData): void {
		this.data = data;
		this.index = undefined;
	}

	/** A deep copy, safe to serialise or mutate. */
	snapshot(): TenantData {
		return structuredClone(this.data);
	}

	newId(): string {
		return randomUUID();
	}

	nowIso(): string {
		return this.clock.now().toISOString();
	}

	/** Private, persistent state of one Graph area (created by `init` on first use; replaced with the tenant). */
	area<T>(name: string, init: () => T): T {
		if (!(name in this.data.areas)) this.data.areas[name] = init();
		return this.data.areas[name] as T;
	}

	/** Accepts a tenant GUID or any of its domains (case-insensitive). */
	matchesTenant(segment: string): boolean {
		const lower = segment.toLowerCase();
		return lower === this.tenantId.toLowerCase() || this.data.tenant.domains.some((d) => d.toLowerCase() === lower);
	}

	// ----- users -----

	/** By object id or userPrincipalName (case-insensitive), as Graph's /users/{id | userPrincipalName}. */
	user(idOrUpn: string): UserRecord | undefined {
		const byId = this.data.users[idOrUpn] ?? this.data.users[idOrUpn.toLowerCase()];
		if (byId) return byId;
		const [id] = this.userIndex().idsWhere('userPrincipalName', idOrUpn);
		return id ? this.data.users[id] : undefined;
	}

	/** Every user, in directory order (a full scan: prefer userIndex() lookups where Graph has an index). */
	users(): UserRecord[] {
		return Object.values(this.data.users);
	}

	/** The directory's indexes over users (built on first use, then kept current by the mutations below). */
	userIndex(): UserIndex {
		if (!this.index) this.index = new UserIndex(this.data.users);
		return this.index;
	}

	addUser(record: UserRecord): UserRecord {
		this.data.users[record.user.id] = record;
		this.index?.add(record);
		this.emitChange('created', `Users/${record.user.id}`, ['/users', `/users/${record.user.id}`], {
			'@odata.type': '#Microsoft.Graph.User',
			'@odata.id': `Users/${record.user.id}`,
			id: record.user.id,
		}, record.user);
		return record;
	}

	updateUser(id: string, patch: Partial<GraphUser>): UserRecord | undefined {
		const record = this.user(id);
		if (!record) return undefined;
		Object.assign(record.user, patch, { id: record.user.id });
		this.index?.reindex(record);
		this.emitChange('updated', `Users/${record.user.id}`, ['/users', `/users/${record.user.id}`], {
			'@odata.type': '#Microsoft.Graph.User',
			'@odata.id': `Users/${record.user.id}`,
			id: record.user.id,
		}, record.user);
		return record;
	}

	deleteUser(id: string): UserRecord | undefined {
		const record = this.user(id);
		if (!record) return undefined;
		delete this.data.users[record.user.id];
		this.index?.remove(record.user.id);
		this.emitChange('deleted', `Users/${record.user.id}`, ['/users', `/users/${record.user.id}`], {
			'@odata.type': '#Microsoft.Graph.User',
			'@odata.id': `Users/${record.user.id}`,
			id: record.user.id,
		}, record.user);
		return record;
	}

	// ----- applications -----

	app(appId: string): AppRecord | undefined {
		return this.data.applications[appId] ?? Object.values(this.data.applications).find((a) => a.application.appId.toLowerCase() === appId.toLowerCase());
	}

	/** Admin consent for application permissions (no list = everything the registration asks for). */
	grantAppRoles(appId: string, roles?: string[]): AppRecord | undefined {
		const app = this.app(appId);
		if (!app) return undefined;
		app.grantedAppRoles = [...new Set([...app.grantedAppRoles, ...(roles ?? app.requiredAppRoles)])];
		return app;
	}

	revokeAppRoles(appId: string, roles?: string[]): AppRecord | undefined {
		const app = this.app(appId);
		if (!app) return undefined;
		app.grantedAppRoles = roles ? app.grantedAppRoles.filter((r) => !roles.includes(r)) : [];
		return app;
	}

	/** Tenant-wide admin consent for delegated scopes (no list = everything the registration asks for). */
	grantScopes(appId: string, scopes?: string[]): AppRecord | undefined {
		const app = this.app(appId);
		if (!app) return undefined;
		app.grantedScopes = [...new Set([...app.grantedScopes, ...(scopes ?? app.requiredScopes)])];
		return app;
	}

	revokeScopes(appId: string, scopes?: string[]): AppRecord | undefined {
		const app = this.app(appId);
		if (!app) return undefined;
		app.grantedScopes = scopes ? app.grantedScopes.filter((s) => !scopes.includes(s)) : [];
		for (const userId of Object.keys(app.userConsents)) {
			app.userConsents[userId] = scopes ? app.userConsents[userId].filter((s) => !scopes.includes(s)) : [];
		}
		return app;
	}

	// ----- teams, channels, chats -----

	team(id: string): TeamRecord | undefined {
		return this.data.teams[id];
	}

	channel(teamId: string, channelId: string): ChannelRecord | undefined {
		const channel = this.data.channels[channelId];
		return channel && channel.teamId === teamId ? channel : undefined;
	}

	channelsOf(teamId: string): ChannelRecord[] {
		return Object.values(this.data.channels).filter((c) => c.teamId === teamId);
	}

	/** A standard channel's members are its team's; private and shared channels have their own. */
	channelMembers(channel: ChannelRecord) {
		return channel.channel.membershipType === 'standard' ? (this.team(channel.teamId)?.members ?? []) : channel.members;
	}

	chat(id: string): ChatRecord | undefined {
		return this.data.chats[id];
	}

	addChannelMessage(teamId: string, channelId: string, message: GraphChatMessage): GraphChatMessage {
		const channel = this.requireChannel(teamId, channelId);
		channel.messages.push(message);
		this.emitChannelMessage('created', teamId, channelId, message);
		return message;
	}

	updateChannelMessage(teamId: string, channelId: string, messageId: string, patch: Partial<GraphChatMessage>): GraphChatMessage | undefined {
		const channel = this.requireChannel(teamId, channelId);
		const message = channel.messages.find((m) => m.id === messageId);
		if (!message) return undefined;
		Object.assign(message, patch, { id: message.id, lastModifiedDateTime: this.nowIso() });
		this.emitChannelMessage(patch.deletedDateTime ? 'deleted' : 'updated', teamId, channelId, message);
		return message;
	}

	addChatMessage(chatId: string, message: GraphChatMessage): GraphChatMessage {
		const chat = this.chat(chatId);
		if (!chat) throw new Error(`no chat ${chatId}`);
		chat.messages.push(message);
		chat.chat.lastUpdatedDateTime = message.createdDateTime ?? this.nowIso();
		this.emitChatMessage('created', chatId, message);
		return message;
	}

	updateChatMessage(chatId: string, messageId: string, patch: Partial<GraphChatMessage>): GraphChatMessage | undefined {
		const chat = this.chat(chatId);
		const message = chat?.messages.find((m) => m.id === messageId);
		if (!message) return undefined;
		Object.assign(message, patch, { id: message.id, lastModifiedDateTime: this.nowIso() });
		this.emitChatMessage(patch.deletedDateTime ? 'deleted' : 'updated', chatId, message);
		return message;
	}

	// ----- presence -----

	presenceOf(userId: string): PresenceRecord | undefined {
		return this.data.presence[userId];
	}

	/** Stores a presence record and announces the resulting presence (communications/presences). */
	setPresence(userId: string, record: PresenceRecord): PresenceRecord {
		this.data.presence[userId] = record;
		this.announcePresence(userId);
		return record;
	}

	/** Announces a presence change after an area changed the record in place. */
	announcePresence(userId: string): void {
		const record = this.data.presence[userId];
		this.emitChange(
			'updated',
			`communications/presences('${userId}')`,
			['/communications/presences', `/communications/presences/${userId.toLowerCase()}`],
			{ '@odata.type': '#Microsoft.Graph.presence', '@odata.id': `communications/presences('${userId}')`, id: userId },
			record?.presence,
		);
	}

	// ----- mail -----

	mailbox(userId: string): MailboxRecord | undefined {
		return this.data.mailboxes[userId];
	}

	/** By folder id or well-known name (inbox, sentitems, ...), case-insensitive. */
	mailFolder(userId: string, idOrWellKnownName: string): MailFolderRecord | undefined {
		const lower = idOrWellKnownName.toLowerCase();
		return this.mailbox(userId)?.folders.find((f) => f.folder.id === idOrWellKnownName || f.wellKnownName === lower);
	}

	addMailMessage(userId: string, message: GraphMessage): GraphMessage {
		const mailbox = this.mailbox(userId);
		if (!mailbox) throw new Error(`no mailbox for ${userId}`);
		mailbox.messages.push(message);
		this.mailIndex.added(mailbox, message);
		this.emitMail('created', userId, message);
		return message;
	}

	updateMailMessage(userId: string, messageId: string, patch: Partial<GraphMessage>): GraphMessage | undefined {
		const mailbox = this.mailbox(userId);
		const message = mailbox?.messages.find((m) => m.id === messageId);
		if (!mailbox || !message) return undefined;
		const movedFrom = patch.parentFolderId && patch.parentFolderId !== message.parentFolderId ? message.parentFolderId : undefined;
		if (movedFrom) this.emitMail('deleted', userId, message);
		if (movedFrom || ('receivedDateTime' in patch && patch.receivedDateTime !== message.receivedDateTime)) this.mailIndex.changed(mailbox);
		Object.assign(message, patch, { id: message.id, lastModifiedDateTime: this.nowIso() });
		this.emitMail(movedFrom ? 'created' : 'updated', userId, message);
		return message;
	}

	deleteMailMessage(userId: string, messageId: string): GraphMessage | undefined {
		const mailbox = this.mailbox(userId);
		const index = mailbox?.messages.findIndex((m) => m.id === messageId) ?? -1;
		if (!mailbox || index < 0) return undefined;
		const [message] = mailbox.messages.splice(index, 1);
		this.mailIndex.changed(mailbox);
		this.emitMail('deleted', userId, message);
		return message;
	}

	// ----- change events -----

	emitChange(
		changeType: ChangeType,
		resource: string,
		subscriptionResources: string[],
		resourceData: ChangeEvent['resourceData'],
		entity?: unknown,
	): void {
		const event: ChangeEvent = {
			changeType,
			resource,
			subscriptionResources: subscriptionResources.map((r) => r.toLowerCase()),
			resourceData,
			entity: entity === undefined ? undefined : structuredClone(entity),
			occurredDateTime: this.nowIso(),
		};
		this.events.emit('change', event);
	}

	private requireChannel(teamId: string, channelId: string): ChannelRecord {
		const channel = this.channel(teamId, channelId);
		if (!channel) throw new Error(`no channel ${channelId} in team ${teamId}`);
		return channel;
	}

	private emitChannelMessage(changeType: ChangeType, teamId: string, channelId: string, message: GraphChatMessage): void {
		const resource = message.replyToId
			? `teams('${teamId}')/channels('${channelId}')/messages('${message.replyToId}')/replies('${message.id}')`
			: `teams('${teamId}')/channels('${channelId}')/messages('${message.id}')`;
		const covered = [`/teams/${teamId}/channels/${channelId}/messages`, '/teams/getallmessages'];
		if (message.replyToId) covered.push(`/teams/${teamId}/channels/${channelId}/messages/${message.replyToId}/replies`);
		this.emitChange(changeType, resource, covered, {
			'@odata.type': '#Microsoft.Graph.chatMessage',
			'@odata.id': resource,
			id: message.id,
		}, message);
	}

	private emitChatMessage(changeType: ChangeType, chatId: string, message: GraphChatMessage): void {
		const resource = `chats('${chatId}')/messages('${message.id}')`;
		this.emitChange(changeType, resource, [`/chats/${chatId}/messages`, '/chats/getallmessages'], {
			'@odata.type': '#Microsoft.Graph.chatMessage',
			'@odata.id': resource,
			id: message.id,
		}, message);
	}

	private emitMail(changeType: ChangeType, userId: string, message: GraphMessage): void {
		const folder = this.mailbox(userId)?.folders.find((f) => f.folder.id === message.parentFolderId);
		const covered = [`/users/${userId}/messages`, `/users/${userId}/mailfolders/${message.parentFolderId}/messages`];
		if (folder?.wellKnownName) covered.push(`/users/${userId}/mailfolders/${folder.wellKnownName}/messages`);
		const upn = this.data.users[userId]?.user.userPrincipalName;
		if (upn) {
			covered.push(`/users/${upn}/messages`, `/users/${upn}/mailfolders/${message.parentFolderId}/messages`);
			if (folder?.wellKnownName) covered.push(`/users/${upn}/mailfolders/${folder.wellKnownName}/messages`);
		}
		this.emitChange(changeType, `Users/${userId}/Messages/${message.id}`, covered, {
			'@odata.type': '#Microsoft.Graph.Message',
			'@odata.id': `Users/${userId}/Messages/${message.id}`,
			'@odata.etag': message.changeKey ? `W/"${message.changeKey}"` : undefined,
			id: message.id,
		}, message);
	}
}
