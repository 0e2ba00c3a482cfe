import { NodeConnectionTypes } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { m365IntegrationAccountTest } from '../shared/auth/credentialTests';
import { searchChannels } from '../shared/listSearch/channels';
import { searchChats } from '../shared/listSearch/chats';
import { searchTeams } from '../shared/listSearch/teams';
import { searchUsers } from '../shared/listSearch/users';
import { routeItems } from '../shared/router';
import * as channelMessage from './actions/channelMessage';
import * as chat from './actions/chat';
import * as chatMessage from './actions/chatMessage';
import * as conferencing from './actions/conferencing';
import { m365UserTest } from './senderCredentialTest';

export class M365TeamsMessage implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Microsoft 365 Teams Message',
		name: 'm365TeamsMessage',
		icon: { light: 'file:m365TeamsMessage.svg', dark: 'file:m365TeamsMessage.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description:
			'Post, reply, edit and delete Teams channel and chat messages as the real sender or, when they cannot post, as the integration account on their behalf',
		defaults: { name: 'Microsoft 365 Teams Message' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: 'm365IntegrationAccountOAuth2Api', required: true, testedBy: 'm365IntegrationAccountTest' },
			// Optional: when set, messages go out as this user wherever they are a member of the target.
			{ name: 'm365UserOAuth2Api', required: false, testedBy: 'm365UserTest' },
		],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Channel Message', value: 'channelMessage' },
					{ name: 'Chat', value: 'chat' },
					{ name: 'Chat Message', value: 'chatMessage' },
					{ name: 'Chat-Session Conferencing', value: 'conferencing' },
				],
				default: 'channelMessage',
			},
			...channelMessage.description,
			...chatMessage.description,
			...chat.description,
			...conferencing.description,
		],
	};

	methods = {
		listSearch: { searchTeams, searchChannels, searchChats, searchUsers },
		credentialTest: { m365IntegrationAccountTest, m365UserTest },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await routeItems.call(this, {
			channelMessage: {
				edit: channelMessage.edit,
				get: channelMessage.get,
				list: channelMessage.list,
				mirror: channelMessage.mirror,
				post: channelMessage.post,
				reply: channelMessage.reply,
				softDelete: channelMessage.softDelete,
			},
			chatMessage: {
				edit: chatMessage.edit,
				get: chatMessage.get,
				list: chatMessage.list,
				mirror: chatMessage.mirror,
				post: chatMessage.post,
				reply: chatMessage.reply,
				softDelete: chatMessage.softDelete,
			},
			chat: { createGroup: chat.createGroup, findOrCreateOneOnOne: chat.findOrCreateOneOnOne },
			conferencing: {
				announce: conferencing.announce,
				interpretReply: conferencing.interpretReply,
				invite: conferencing.invite,
			},
		});
	}
}
