// What the trigger watches, as Graph subscription resources. Pure: the caller resolves "all channels of a team"
// and "the signed-in user" first, then this turns the user's choice into one target per Graph subscription.
// The same targets drive webhook mode (one subscription each) and polling mode (one cursor each).

import { chunk } from '../shared/chunk';
import { odataIn } from '../shared/odata';
import { mailTargetKey } from '../shared/triggerDedupKey';

export type TriggerEvent =
	| 'newChannelMessage'
	| 'newChannelReply'
	| 'newChatMessage'
	| 'newMail'
	| 'presenceChanged';

export type TargetKind =
	| 'channelMessages'
	| 'allChannelMessages'
	| 'chatMessages'
	| 'userChatMessages'
	| 'allChatMessages'
	| 'mail'
	| 'presence';

export type CredentialType = 'm365TenantAppApi' | 'm365IntegrationAccountOAuth2Api';

/**
 * The trigger's "Credential" choice where the tenant app subscribes and the integration account reads Teams channel
 * and chat messages (delegated reads need no protected-API approval: https://learn.microsoft.com/en-us/graph/teams-protected-apis).
 */
export const TENANT_APP_WITH_DELEGATED_READS = 'tenantAppDelegatedReads';

/**
 * Payment model of Teams' metered getAllMessages subscriptions (https://learn.microsoft.com/en-us/graph/teams-licenses):
 * 'evaluation' sends no model (Microsoft's evaluation mode: 500 messages a month per app and tenant, then no more
 * notifications, silently); 'A' security and compliance apps (licensed senders); 'B' every other app (billed per message).
 */
export type PaymentModel = 'evaluation' | 'A' | 'B';

/** Target kinds that are metered getAllMessages resources. */
export const METERED_KINDS: readonly TargetKind[] = ['allChannelMessages', 'allChatMessages', 'userChatMessages'];

export interface SubscriptionTarget {
	/** Stable identity inside one trigger node: static data (subscription, clientState, cursor) is kept under it. */
	key: string;
	kind: TargetKind;
	/** Graph subscription resource, relative to the version root. */
	resource: string;
	/** Graph changeType list. */
	changeType: string;
	teamId?: string;
	channelId?: string;
	chatId?: string;
	/** Mailbox owner (mail) or chat member (userChatMessages). */
	userId?: string;
	/** 'inbox', 'all' or a folder id (mail). */
	folder?: string;
	/** Users whose presence this target watches. */
	userIds?: string[];
}

/** Graph accepts at most 650 ids in one presence subscription's `id in (...)` filter. */
export const PRESENCE_IDS_PER_SUBSCRIPTION = 650;

export type ChannelScope = 'channel' | 'team' | 'tenant';
export type ChatScope = 'chat' | 'user' | 'tenant';

/** The user's choice, with every "all of X" already resolved into ids. */
export interface ResolvedSelection {
	event: TriggerEvent;
	credentialType: CredentialType;
	channelScope?: ChannelScope;
	teamId?: string;
	/** Channels of `teamId` to watch (scope 'channel': the one chosen; scope 'team': all of them). */
	channelIds?: string[];
	chatScope?: ChatScope;
	chatId?: string;
	/** Whose chats (chat scope 'user'); for the integration account, its own user id. */
	chatUserId?: string;
	mailboxes?: string[];
	mailFolder?: string;
	userIds?: string[];
	/** Payment model for metered resources (getAllMessages); default evaluation. */
	paymentModel?: PaymentModel;
	/** Channel and chat messages: also edits and deletes (Graph change types updated and deleted). */
	includeChanges?: boolean;
}

/** Graph change types of a channel or chat message subscription. */
function messageChangeTypes(selection: ResolvedSelection): string {
	return selection.includeChanges ? 'created,updated,deleted' : 'created';
}

export class TargetSelectionError extends Error {}

const APP_ONLY = 'm365TenantAppApi';

function requireValue(value: string | undefined, field: string): string {
	if (value === undefined || value.trim() === '') {
		throw new TargetSelectionError(`Choose a value for "${field}"`);
	}
	return value.trim();
}

/** `?model=A|B` for a metered resource, nothing in evaluation mode. */
function modelQuery(selection: ResolvedSelection): string {
	const model = selection.paymentModel ?? 'evaluation';
	return model === 'evaluation' ? '' : `?model=${model}`;
}

function channelTargets(selection: ResolvedSelection): SubscriptionTarget[] {
	const scope = selection.channelScope ?? 'channel';
	if (scope === 'tenant') {
		if (selection.credentialType !== APP_ONLY) {
			throw new TargetSelectionError(
				'Watching the channels of all teams needs the Microsoft 365 Tenant App credential: Graph offers /teams/getAllMessages with application permissions only. Switch the credential, or watch one team.',
			);
		}
		return [
			{
				key: 'channels:tenant',
				kind: 'allChannelMessages',
				resource: `/teams/getAllMessages${modelQuery(selection)}`,
				changeType: messageChangeTypes(selection),
			},
		];
	}
	const teamId = requireValue(selection.teamId, 'Team');
	const channelIds = selection.channelIds ?? [];
	if (channelIds.length === 0) {
		throw new TargetSelectionError(
			scope === 'team'
				? 'The chosen team has no channels the credential can see. Check that the account is a member of the team.'
				: 'Choose a value for "Channel"',
		);
	}
	return [...new Set(channelIds)].map((channelId) => ({
		key: `channel:${teamId}:${channelId}`,
		kind: 'channelMessages' as const,
		resource: `/teams/${teamId}/channels/${channelId}/messages`,
		changeType: messageChangeTypes(selection),
		teamId,
		channelId,
	}));
}

function chatTargets(selection: ResolvedSelection): SubscriptionTarget[] {
	const scope = selection.chatScope ?? 'chat';
	if (scope === 'tenant') {
		if (selection.credentialType !== APP_ONLY) {
			throw new TargetSelectionError(
				'Watching every chat in the tenant needs the Microsoft 365 Tenant App credential: Graph offers /chats/getAllMessages with application permissions only. Switch the credential, or watch the chats of one user.',
			);
		}
		return [
			{ key: 'chats:tenant', kind: 'allChatMessages', resource: `/chats/getAllMessages${modelQuery(selection)}`, changeType: messageChangeTypes(selection) },
		];
	}
	if (scope === 'user') {
		const userId = requireValue(selection.chatUserId, 'User');
		if (selection.paymentModel === 'A') {
			throw new TargetSelectionError(
				'Microsoft accepts only payment model B (or evaluation mode) for the chats of one account (/users/{id}/chats/getAllMessages): choose Model B under "Payment Model".',
			);
		}
		return [
			{
				key: `chats:user:${userId}`,
				kind: 'userChatMessages',
				resource: `/users/${userId}/chats/getAllMessages${modelQuery(selection)}`,
				changeType: messageChangeTypes(selection),
				userId,
			},
		];
	}
	const chatId = requireValue(selection.chatId, 'Chat');
	return [
		{
			key: `chat:${chatId}`,
			kind: 'chatMessages',
			resource: `/chats/${chatId}/messages`,
			changeType: messageChangeTypes(selection),
			chatId,
		},
	];
}

function mailTargets(selection: ResolvedSelection): SubscriptionTarget[] {
	const mailboxes = [...new Set((selection.mailboxes ?? []).map((m) => m.trim()).filter(Boolean))];
	if (mailboxes.length === 0) throw new TargetSelectionError('Add at least one mailbox to "Mailboxes"');
	const folder = (selection.mailFolder ?? 'inbox').trim() || 'inbox';
	return mailboxes.map((mailbox) => ({
		key: mailTargetKey(mailbox, folder),
		kind: 'mail' as const,
		resource:
			folder === 'all'
				? `/users/${mailbox}/messages`
				: `/users/${mailbox}/mailFolders('${folder}')/messages`,
		changeType: 'created',
		userId: mailbox,
		folder,
	}));
}

function presenceTargets(selection: ResolvedSelection): SubscriptionTarget[] {
	const userIds = [...new Set((selection.userIds ?? []).map((u) => u.trim()).filter(Boolean))];
	if (userIds.length === 0) throw new TargetSelectionError('Add at least one user to "Users"');
	const targets: SubscriptionTarget[] = [];
	for (const ids of chunk(userIds, PRESENCE_IDS_PER_SUBSCRIPTION)) {
		targets.push({
			// The key names the chunk's members, so adding a user re-plans only the chunk that changed.
			key: `presence:${ids.join(',')}`,
			kind: 'presence',
			resource: `/communications/presences?$filter=${odataIn('id', ids)}`,
			changeType: 'updated',
			userIds: ids,
		});
	}
	return targets;
}

export function planTargets(selection: ResolvedSelection): SubscriptionTarget[] {
	switch (selection.event) {
		case 'newChannelMessage':
		case 'newChannelReply':
			return channelTargets(selection);
		case 'newChatMessage':
			return chatTargets(selection);
		case 'newMail':
			return mailTargets(selection);
		case 'presenceChanged':
			return presenceTargets(selection);
	}
}
