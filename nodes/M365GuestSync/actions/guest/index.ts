/** The guest resource: its operations, alphabetically, and their fields. */
import type { INodeProperties } from 'n8n-workflow';

import * as find from './find.operation';
import * as invite from './invite.operation';
import * as remove from './remove.operation';
import * as sync from './sync.operation';

export { find, invite, remove, sync };

/**
 * Two operation lists: the node's own, and the one the AI-agent tool variant shows (n8n's `@tool` display option is
 * true for the `m365GuestSyncTool` node type it derives from `usableAsTool`). Agents get Find and Invite only: Sync
 * and Remove can disable or delete guests, and an agent never holds the complete source (see settings.ts refuseAsTool).
 */
export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['guest'], '@tool': [false] } },
		default: 'sync',
		options: [
			{ name: 'Find', value: 'find', description: 'Find the users an email belongs to', action: 'Find a guest' },
			{ name: 'Invite', value: 'invite', description: 'Invite one person as a guest', action: 'Invite a guest' },
			{ name: 'Remove', value: 'remove', description: 'Delete or disable one guest this sync manages', action: 'Remove a guest' },
			{
				name: 'Sync',
				value: 'sync',
				description: 'Make the guests of a source match the input: invite, update, add to teams, remove',
				action: 'Sync guests',
			},
		],
	},
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['guest'], '@tool': [true] } },
		default: 'find',
		options: [
			{ name: 'Find', value: 'find', description: 'Find the users an email belongs to', action: 'Find a guest' },
			{ name: 'Invite', value: 'invite', description: 'Invite one person as a guest', action: 'Invite a guest' },
		],
	},
	...sync.description,
	...invite.description,
	...find.description,
	...remove.description,
];
