import type { INodeProperties } from 'n8n-workflow';

import * as announce from './announce.operation';
import * as interpretReply from './interpretReply.operation';
import * as invite from './invite.operation';

export { announce, interpretReply, invite };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['conferencing'] } },
		options: [
			{
				name: 'Announce',
				value: 'announce',
				description: 'Tell the Teams user that a party joined or left, the session ended, or the invitation was accepted or declined',
				action: 'Announce a session event',
			},
			{
				name: 'Interpret Reply',
				value: 'interpretReply',
				description: "Read a Teams user's reply as accept, decline, leave or text to relay",
				action: 'Interpret a reply',
			},
			{
				name: 'Invite',
				value: 'invite',
				description: "Ask a Teams user in their 1:1 chat with the integration account to join a customer chat session",
				action: 'Invite a teams user to a chat session',
			},
		],
		default: 'invite',
	},
	...invite.description,
	...announce.description,
	...interpretReply.description,
];
