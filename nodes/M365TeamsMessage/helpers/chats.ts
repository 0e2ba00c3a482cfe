/**
 * Finding or creating chats as the integration account. POST /chats for a 1:1 chat returns the existing chat
 * between the two users when there is one, so it is safe to repeat; a group chat is new every time.
 */
import type { Chat } from '@microsoft/microsoft-graph-types';
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { graphBaseUrl, graphRequest } from '../../shared/transport';
import { INTEGRATION_ACCOUNT } from './credentialTypes';
import { memoized } from './executionMemo';
import { integrationAccountOrExplain } from './postMessage';
import { resolveUser } from './users';

async function memberBinding(context: IExecuteFunctions, userId: string): Promise<IDataObject> {
	const base = await graphBaseUrl.call(context, INTEGRATION_ACCOUNT);
	return {
		'@odata.type': '#microsoft.graph.aadUserConversationMember',
		roles: ['owner'],
		'user@odata.bind': `${base}/v1.0/users('${userId}')`,
	};
}

export async function findOrCreateOneOnOneChat(context: IExecuteFunctions, itemIndex: number, userReference: string): Promise<Chat> {
	const account = await integrationAccountOrExplain(context, itemIndex);
	const user = await resolveUser(context, userReference, itemIndex, 'recipient');
	if (user.id.toLowerCase() === account.userId.toLowerCase()) {
		throw new NodeOperationError(context.getNode(), 'The user is the integration account itself: a 1:1 chat needs another user', { itemIndex });
	}
	return await memoized(context, `oneOnOne:${user.id.toLowerCase()}`, async () =>
		await (graphRequest<Chat>).call(context, {
			credentialType: INTEGRATION_ACCOUNT,
			method: 'POST',
			url: '/chats',
			body: {
				chatType: 'oneOnOne',
				members: [await memberBinding(context, account.userId), await memberBinding(context, user.id)],
			},
			itemIndex,
			idempotent: true,
		}),
	);
}

export async function createGroupChat(
	context: IExecuteFunctions,
	itemIndex: number,
	userReferences: string[],
	topic: string,
): Promise<Chat> {
	const account = await integrationAccountOrExplain(context, itemIndex);
	const memberIds = new Set<string>([account.userId.toLowerCase()]);
	const members: IDataObject[] = [await memberBinding(context, account.userId)];
	for (const reference of userReferences) {
		const user = await resolveUser(context, reference, itemIndex, 'member');
		if (memberIds.has(user.id.toLowerCase())) continue;
		memberIds.add(user.id.toLowerCase());
		members.push(await memberBinding(context, user.id));
	}
	if (members.length < 3) {
		throw new NodeOperationError(context.getNode(), 'A group chat needs at least two users besides the integration account', {
			itemIndex,
			description: 'Add more members, or use Find or Create 1:1 Chat for a chat with one user.',
		});
	}
	const body: IDataObject = { chatType: 'group', members };
	if (topic.trim() !== '') body.topic = topic.trim();
	return await (graphRequest<Chat>).call(context, { credentialType: INTEGRATION_ACCOUNT, method: 'POST', url: '/chats', body, itemIndex });
}
