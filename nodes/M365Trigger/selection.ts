// Reads the trigger's parameters and resolves what needs Graph (the channels of a team, the signed-in account,
// user principal names into object ids) so targets.ts can plan without I/O.
import type { Channel, User } from '@microsoft/microsoft-graph-types';
import { NodeOperationError } from 'n8n-workflow';
import type { IHookFunctions, IPollFunctions, IWebhookFunctions } from 'n8n-workflow';

import { parseMailboxReference } from '../shared/descriptions/mailbox';
import { parseChannelId, parseChatId, parseTeamId, parseUserReference } from '../shared/descriptions/rlc';
import { graphFor } from '../shared/transport';
import {
	planTargets,
	TargetSelectionError,
	type ChannelScope,
	type ChatScope,
	type CredentialType,
	type PaymentModel,
	type ResolvedSelection,
	type SubscriptionTarget,
	type TriggerEvent,
	TENANT_APP_WITH_DELEGATED_READS,
} from './targets';
import { GUID } from '../shared/identifiers';
import { assertOfferedInCloud, cloudOfCredential, type CloudLimitedOperation } from '../shared/cloudSupport';

export type TriggerContext = IHookFunctions | IWebhookFunctions | IPollFunctions;



const TEAMS_MESSAGE_KINDS: readonly SubscriptionTarget['kind'][] = ['channelMessages', 'allChannelMessages', 'chatMessages', 'userChatMessages', 'allChatMessages'];

/** The credential that subscribes and reads (the tenant app when Teams messages are read by the integration account). */
export function readCredentialType(ctx: TriggerContext): CredentialType {
	const value = ctx.getNodeParameter('authentication', 'm365TenantAppApi') as string;
	return value === TENANT_APP_WITH_DELEGATED_READS ? 'm365TenantAppApi' : (value as CredentialType);
}

/** The credential that reads a target's resources: the integration account for Teams messages when the user chose so. */
export function readerCredential(ctx: TriggerContext, target: SubscriptionTarget): CredentialType {
	const value = ctx.getNodeParameter('authentication', 'm365TenantAppApi') as string;
	if (value === TENANT_APP_WITH_DELEGATED_READS && TEAMS_MESSAGE_KINDS.includes(target.kind)) return 'm365IntegrationAccountOAuth2Api';
	return readCredentialType(ctx);
}

export function readEvent(ctx: TriggerContext): TriggerEvent {
	return ctx.getNodeParameter('event', 'newChatMessage') as TriggerEvent;
}

/** Channel and chat message events: whether edits and deletes start the workflow too. */
export function readIncludeChanges(ctx: TriggerContext): boolean {
	const event = readEvent(ctx);
	if (event !== 'newChannelMessage' && event !== 'newChannelReply' && event !== 'newChatMessage') return false;
	return ctx.getNodeParameter('includeChanges', false) as boolean;
}

/** Channel and chat message events: whether this package's own posts (and edits and deletes of them) are left out. */
export function readDropOwnPosts(ctx: TriggerContext): boolean {
	const event = readEvent(ctx);
	if (event !== 'newChannelMessage' && event !== 'newChannelReply' && event !== 'newChatMessage') return false;
	return ctx.getNodeParameter('dropOwnPosts', false) as boolean;
}

export function readIncludeReplies(ctx: TriggerContext): boolean {
	return ctx.getNodeParameter('includeReplies', false) as boolean;
}

export function readIncludeSystemEvents(ctx: TriggerContext): boolean {
	return ctx.getNodeParameter('includeSystemEvents', false) as boolean;
}

function locatorValue(ctx: TriggerContext, name: string): string {
	const value = ctx.getNodeParameter(name, '', { extractValue: true }) as unknown;
	return typeof value === 'string' ? value : String(value ?? '');
}

function parsed(
	ctx: TriggerContext,
	raw: string,
	parse: (value: string) => string | undefined,
	field: string,
	example: string,
): string {
	if (raw.trim() === '') {
		throw new NodeOperationError(ctx.getNode(), `Choose a value for "${field}"`, {
			description: `Pick it from the list, or give its ID or link (${example}).`,
		});
	}
	const value = parse(raw);
	if (!value) {
		throw new NodeOperationError(ctx.getNode(), `"${raw}" in "${field}" is not valid`, {
			description: `Give an ID or link such as ${example}.`,
		});
	}
	return value;
}

async function signedInUserId(ctx: TriggerContext, credentialType: CredentialType): Promise<string> {
	const me = await graphFor(ctx).request<User>({ credentialType, method: 'GET', url: '/me', qs: { $select: 'id' } });
	if (!me?.id) throw new NodeOperationError(ctx.getNode(), 'Could not read the signed-in account of the credential');
	return me.id;
}

/** Presence subscriptions take object ids only; user principal names are looked up once, at activation. */
async function toObjectId(ctx: TriggerContext, credentialType: CredentialType, reference: string): Promise<string> {
	if (GUID.test(reference)) return reference;
	const user = await graphFor(ctx).request<User>({
		credentialType,
		method: 'GET',
		url: `/users/${encodeURIComponent(reference)}`,
		qs: { $select: 'id' },
	});
	if (!user?.id) throw new NodeOperationError(ctx.getNode(), `No user "${reference}" in the tenant`);
	return user.id;
}

async function teamChannelIds(ctx: TriggerContext, credentialType: CredentialType, teamId: string): Promise<string[]> {
	const channels = await graphFor(ctx).all<Channel>({
		credentialType,
		method: 'GET',
		url: `/teams/${teamId}/channels`,
		qs: { $select: 'id,displayName' },
	});
	return channels.map((c) => c.id).filter((id): id is string => typeof id === 'string');
}

export function readPaymentModel(ctx: TriggerContext): PaymentModel {
	const value = ctx.getNodeParameter('paymentModel', 'evaluation') as string;
	return value === 'A' || value === 'B' ? value : 'evaluation';
}

export async function resolveSelection(ctx: TriggerContext): Promise<ResolvedSelection> {
	const credentialType = readCredentialType(ctx);
	const event = readEvent(ctx);
	const selection: ResolvedSelection = { event, credentialType, paymentModel: readPaymentModel(ctx), includeChanges: readIncludeChanges(ctx) };

	if (event === 'newChannelMessage' || event === 'newChannelReply') {
		selection.channelScope = ctx.getNodeParameter('channelScope', 'channel') as ChannelScope;
		if (selection.channelScope !== 'tenant') {
			selection.teamId = parsed(ctx, locatorValue(ctx, 'teamId'), parseTeamId, 'Team', '61165b04-e4cc-4026-b43f-926b4e2a7182');
			selection.channelIds =
				selection.channelScope === 'channel'
					? [parsed(ctx, locatorValue(ctx, 'channelId'), parseChannelId, 'Channel', '19:...@thread.tacv2')]
					: await teamChannelIds(ctx, credentialType, selection.teamId);
		}
	} else if (event === 'newChatMessage') {
		selection.chatScope = ctx.getNodeParameter('chatScope', 'user') as ChatScope;
		if (selection.chatScope === 'chat') {
			selection.chatId = parsed(ctx, locatorValue(ctx, 'chatId'), parseChatId, 'Chat', '19:...@thread.v2');
		} else if (selection.chatScope === 'user') {
			selection.chatUserId =
				credentialType === 'm365IntegrationAccountOAuth2Api'
					? await signedInUserId(ctx, credentialType)
					: await toObjectId(
							ctx,
							credentialType,
							parsed(ctx, locatorValue(ctx, 'chatUser'), parseUserReference, 'Account', 'jane@contoso.com'),
						);
		}
	} else if (event === 'newMail') {
		const entries = (ctx.getNodeParameter('mailboxes.mailbox', []) as Array<{ mailbox: { value?: string } | string }>) ?? [];
		const mailboxes: string[] = [];
		for (const entry of entries) {
			const raw = typeof entry.mailbox === 'string' ? entry.mailbox : String(entry.mailbox?.value ?? '');
			const reference = parsed(ctx, raw, parseMailboxReference, 'Mailbox', 'support@contoso.com');
			mailboxes.push(reference === 'me' ? await signedInUserId(ctx, credentialType) : reference);
		}
		selection.mailboxes = mailboxes;
		const folder = ctx.getNodeParameter('mailFolder', 'inbox') as string;
		selection.mailFolder = folder === 'other' ? (ctx.getNodeParameter('mailFolderId', '') as string).trim() : folder;
		if (selection.mailFolder === '') {
			throw new NodeOperationError(ctx.getNode(), 'Choose a value for "Folder ID"');
		}
	} else {
		const entries = (ctx.getNodeParameter('presenceUsers.user', []) as Array<{ user: { value?: string } | string }>) ?? [];
		const references = entries.map((entry) =>
			parsed(
				ctx,
				typeof entry.user === 'string' ? entry.user : String(entry.user?.value ?? ''),
				parseUserReference,
				'User',
				'jane@contoso.com or an object ID',
			),
		);
		const more = (ctx.getNodeParameter('presenceUserIds', '') as string)
			.split(/[\s,;]+/)
			.map((id) => id.trim())
			.filter(Boolean);
		for (const id of more) {
			if (!GUID.test(id)) {
				throw new NodeOperationError(ctx.getNode(), `"${id}" in "More User IDs" is not a user object ID`, {
					description: 'Give object IDs (GUIDs) separated by commas, or add the user under "Users".',
				});
			}
		}
		const ids: string[] = [];
		for (const reference of references) ids.push(await toObjectId(ctx, credentialType, reference));
		selection.userIds = [...ids, ...more];
	}
	return selection;
}

/** The node's targets; a selection Graph cannot serve becomes a NodeOperationError that says what to change. */
export async function resolveTargets(ctx: TriggerContext): Promise<SubscriptionTarget[]> {
	const selection = await resolveSelection(ctx);
	try {
		return planTargets(selection);
	} catch (error) {
		const message = error instanceof TargetSelectionError ? error.message : `Could not plan the subscriptions: ${(error as Error).message}`;
		throw new NodeOperationError(ctx.getNode(), message);
	}
}

const CLOUD_OPERATION: Partial<Record<SubscriptionTarget['kind'], CloudLimitedOperation>> = {
	allChannelMessages: 'teamsGetAllMessages',
	allChatMessages: 'chatsGetAllMessages',
	userChatMessages: 'userChatsGetAllMessages',
	// Presence subscriptions are read back with getPresencesByUserId: no presence API in China.
	presence: 'presence',
};

/**
 * Refuses, before any Graph call, subscriptions Microsoft does not offer in the credential's national cloud (the
 * metered getAllMessages resources are Global only; presence is not offered in China).
 */
export async function assertSubscriptionsOfferedInCloud(ctx: TriggerContext, credentialType: CredentialType, targets: SubscriptionTarget[]): Promise<void> {
	const operations = targets.map((t) => CLOUD_OPERATION[t.kind]).filter((o): o is CloudLimitedOperation => o !== undefined);
	if (operations.length === 0) return;
	const cloud = cloudOfCredential(await ctx.getCredentials(credentialType));
	for (const operation of operations) assertOfferedInCloud(ctx.getNode(), operation, cloud);
}
