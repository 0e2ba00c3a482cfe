/**
 * Where a message goes, the Graph paths for it, and what the integration account can see of it: the tenant,
 * the members (to decide whether the sender may post) and names for error texts. Asked once per target per run.
 */
import type { AadUserConversationMember, Channel, Chat, Team } from '@microsoft/microsoft-graph-types';
import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { graphFailureOf, graphRequest, graphRequestAllItems } from '../../shared/transport';
import { INTEGRATION_ACCOUNT } from './credentialTypes';
import { notMemberMessage, passOn, type MembershipTarget } from './errors';
import { memoized } from './executionMemo';
import type { AccountIdentity } from './identities';

export type MessageTarget =
	| { kind: 'channel'; teamId: string; channelId: string; replyToId?: string }
	| { kind: 'chat'; chatId: string };

const segment = encodeURIComponent;

/** The collection a new message (or reply) is posted to, and listed from. */
export function messagesPath(target: MessageTarget): string {
	if (target.kind === 'chat') return `/chats/${segment(target.chatId)}/messages`;
	const channel = `/teams/${segment(target.teamId)}/channels/${segment(target.channelId)}/messages`;
	return target.replyToId ? `${channel}/${segment(target.replyToId)}/replies` : channel;
}

/** One message of a target: a top-level message, or a reply when replyToId is set. */
export function messagePath(target: MessageTarget, messageId: string): string {
	return `${messagesPath(target)}/${segment(messageId)}`;
}

export function targetKey(target: MessageTarget): string {
	return target.kind === 'chat' ? `chat:${target.chatId}` : `channel:${target.teamId}:${target.channelId}:${target.replyToId ?? ''}`;
}

/**
 * The conversation a target belongs to (a channel with all its threads, or a chat): the node's router keeps the
 * input order of the items of one conversation and posts to different conversations at once.
 */
export function conversationKey(target: MessageTarget): string {
	return target.kind === 'chat' ? `chat:${target.chatId}` : `channel:${target.teamId}:${target.channelId}`;
}

export interface TargetFacts {
	tenantId: string;
	memberUserIds: Set<string>;
	membership: MembershipTarget;
}

type Member = AadUserConversationMember;

function memberIds(members: Member[]): Set<string> {
	return new Set(members.map((member) => (member.userId ?? '').toLowerCase()).filter((id) => id !== ''));
}

async function readOrExplain<T>(
	context: IExecuteFunctions,
	itemIndex: number,
	read: () => Promise<T>,
	explain: { notFound: string; forbidden: () => string },
): Promise<T> {
	try {
		return await read();
	} catch (error) {
		const failure = graphFailureOf(error);
		if (failure?.status === 404) {
			throw new NodeOperationError(context.getNode(), explain.notFound, { itemIndex, description: `Graph said ${failure.code}.` });
		}
		if (failure?.status === 403 && failure.code !== 'InvalidAuthenticationToken') {
			throw new NodeOperationError(context.getNode(), explain.forbidden(), { itemIndex, description: `Graph said ${failure.code} (HTTP 403).` });
		}
		return passOn(context.getNode(), error, itemIndex);
	}
}

async function channelFacts(
	context: IExecuteFunctions,
	target: Extract<MessageTarget, { kind: 'channel' }>,
	account: AccountIdentity,
	itemIndex: number,
): Promise<TargetFacts> {
	const accountName = account.userPrincipalName || account.displayName;
	const team = await readOrExplain(
		context,
		itemIndex,
		async () => await (graphRequest<Team>).call(context, { credentialType: INTEGRATION_ACCOUNT, method: 'GET', url: `/teams/${segment(target.teamId)}`, itemIndex }),
		{
			notFound: `Team '${target.teamId}' was not found: check the team ID or pick the team from the list`,
			forbidden: () => notMemberMessage(accountName, { kind: 'team', teamName: target.teamId }),
		},
	);
	const teamName = team.displayName ?? target.teamId;
	const channel = await readOrExplain(
		context,
		itemIndex,
		async () =>
			await (graphRequest<Channel>).call(context, {
				credentialType: INTEGRATION_ACCOUNT,
				method: 'GET',
				url: `/teams/${segment(target.teamId)}/channels/${segment(target.channelId)}`,
				itemIndex,
			}),
		{
			notFound: `Channel '${target.channelId}' was not found in team '${teamName}': check the channel ID or pick the channel from the list`,
			forbidden: () => notMemberMessage(accountName, { kind: 'privateChannel', teamName, channelName: target.channelId }),
		},
	);
	const isOwnMembership = channel.membershipType === 'private' || channel.membershipType === 'shared';
	const membership: MembershipTarget = isOwnMembership
		? { kind: 'privateChannel', teamName, channelName: channel.displayName ?? target.channelId }
		: { kind: 'team', teamName };
	const membersUrl = isOwnMembership
		? `/teams/${segment(target.teamId)}/channels/${segment(target.channelId)}/members`
		: `/teams/${segment(target.teamId)}/members`;
	const members = await readOrExplain(
		context,
		itemIndex,
		async () => await (graphRequestAllItems<Member>).call(context, { credentialType: INTEGRATION_ACCOUNT, method: 'GET', url: membersUrl, itemIndex }),
		{ notFound: notMemberMessage(accountName, membership), forbidden: () => notMemberMessage(accountName, membership) },
	);
	return { tenantId: team.tenantId ?? channel.tenantId ?? '', memberUserIds: memberIds(members), membership };
}

async function chatFacts(
	context: IExecuteFunctions,
	target: Extract<MessageTarget, { kind: 'chat' }>,
	account: AccountIdentity,
	itemIndex: number,
): Promise<TargetFacts> {
	const accountName = account.userPrincipalName || account.displayName;
	const membership: MembershipTarget = { kind: 'chat' };
	const chat = await readOrExplain(
		context,
		itemIndex,
		async () =>
			await (graphRequest<Chat & { members?: Member[] }>).call(context, {
				credentialType: INTEGRATION_ACCOUNT,
				method: 'GET',
				url: `/chats/${segment(target.chatId)}`,
				qs: { $expand: 'members' },
				itemIndex,
			}),
		{
			notFound: `Chat '${target.chatId}' was not found: check the chat ID, or use Chat > Find or Create 1:1 Chat to get one`,
			forbidden: () => notMemberMessage(accountName, membership),
		},
	);
	return { tenantId: chat.tenantId ?? '', memberUserIds: memberIds(chat.members ?? []), membership };
}

/** Facts about a target as the integration account sees them; throws the not-a-member error when it is not one. */
export async function targetFacts(
	context: IExecuteFunctions,
	target: MessageTarget,
	account: AccountIdentity,
	itemIndex: number,
): Promise<TargetFacts> {
	const base: MessageTarget = target.kind === 'channel' ? { ...target, replyToId: undefined } : target;
	const facts = await memoized(context, `target:${targetKey(base)}`, async () =>
		base.kind === 'channel'
			? await channelFacts(context, base, account, itemIndex)
			: await chatFacts(context, base, account, itemIndex),
	);
	if (!facts.memberUserIds.has(account.userId.toLowerCase())) {
		throw new NodeOperationError(context.getNode(), notMemberMessage(account.userPrincipalName || account.displayName, facts.membership), {
			itemIndex,
		});
	}
	return facts;
}
