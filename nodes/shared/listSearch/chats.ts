import type { AadUserConversationMember, Chat } from '@microsoft/microsoft-graph-types';
import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { graphRequest } from '../transport';
import { matchesFilter, searchCredentialType } from './searchCredential';

type ChatWithMembers = Omit<Chat, 'members'> & { members?: AadUserConversationMember[] | null };

interface ChatPage {
	value: ChatWithMembers[];
	'@odata.nextLink'?: string;
}

/** A chat's name as Teams shows it: its topic, or the other members' names for chats without one. */
export function chatDisplayName(chat: ChatWithMembers, ownUserId?: string): string {
	if (chat.topic) return chat.topic;
	const others = (chat.members ?? []).filter((member) => member.userId !== ownUserId).map((member) => member.displayName ?? '');
	const names = others.filter((name) => name !== '').join(', ');
	if (names === '') return chat.id ?? '';
	return chat.chatType === 'oneOnOne' ? `${names} (1:1)` : names;
}

/** The integration account's chats (delegated only: Graph has no app-only "my chats"). */
export async function searchChats(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const credentialType = searchCredentialType(this);
	if (credentialType !== 'm365IntegrationAccountOAuth2Api') {
		throw new NodeOperationError(this.getNode(), 'Chats can be listed only with the integration account credential', {
			description: 'Set the integration account credential, or give the chat by ID or Teams link.',
		});
	}
	const me = await (graphRequest<{ id: string }>).call(this, {
		credentialType,
		method: 'GET',
		url: '/me',
		qs: { $select: 'id' },
	});
	const page = paginationToken
		? await (graphRequest<ChatPage>).call(this, { credentialType, method: 'GET', url: paginationToken })
		: await (graphRequest<ChatPage>).call(this, {
				credentialType,
				method: 'GET',
				url: '/me/chats',
				qs: { $expand: 'members', $top: '50' },
			});
	const results = page.value
		.filter((chat): chat is ChatWithMembers & { id: string } => typeof chat.id === 'string')
		.map((chat) => ({ name: chatDisplayName(chat, me.id), value: chat.id, url: chat.webUrl ?? undefined }))
		.filter((chat) => matchesFilter(chat.name, filter));
	return { results, paginationToken: page['@odata.nextLink'] };
}
