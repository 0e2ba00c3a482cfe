import type { INodeProperties } from 'n8n-workflow';

import * as createGroup from './createGroup.operation';
import * as findOrCreateOneOnOne from './findOrCreateOneOnOne.operation';

export { createGroup, findOrCreateOneOnOne };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['chat'] } },
		options: [
			{ name: 'Create Group Chat', value: 'createGroup', description: 'Create a group chat with the integration account and users', action: 'Create a group chat' },
			{
				name: 'Find or Create 1:1 Chat',
				value: 'findOrCreateOneOnOne',
				description: 'The 1:1 chat between the integration account and a user, created when missing',
				action: 'Find or create a 1:1 chat',
			},
		],
		default: 'findOrCreateOneOnOne',
	},
	...findOrCreateOneOnOne.description,
	...createGroup.description,
];
