// Resources and operations of the Teams presence node, and the map the router dispatches on.
import type { INodeProperties } from 'n8n-workflow';

import type { OperationMap } from '../../shared/router';
import * as clearPreferredPresence from './presence/clearPreferredPresence.operation';
import * as clearPresence from './presence/clearPresence.operation';
import * as get from './presence/get.operation';
import * as getAll from './presence/getAll.operation';
import * as setPreferredPresence from './presence/setPreferredPresence.operation';
import * as setPresence from './presence/setPresence.operation';
import * as confirm from './statusSync/confirm.operation';
import * as sync from './statusSync/sync.operation';

export const operations: OperationMap = {
	presence: { get, getAll, setPresence, clearPresence, setPreferredPresence, clearPreferredPresence },
	statusSync: { sync, confirm },
};

export const resourceProperties: INodeProperties[] = [
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Presence', value: 'presence' },
			{ name: 'Status Sync', value: 'statusSync' },
		],
		default: 'presence',
	},
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['presence'] } },
		options: [
			{ name: 'Clear Application Presence', value: 'clearPresence', action: 'Clear the application presence of a user' },
			{ name: 'Clear Preferred Presence', value: 'clearPreferredPresence', action: 'Clear the preferred presence of a user' },
			{ name: 'Get', value: 'get', action: 'Get the presence of users' },
			{ name: 'Get Many', value: 'getAll', action: 'Get many users with their presence' },
			{ name: 'Set Application Presence', value: 'setPresence', action: 'Set the application presence of a user' },
			{ name: 'Set Preferred Presence', value: 'setPreferredPresence', action: 'Set the preferred presence of a user' },
		],
		default: 'get',
	},
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['statusSync'] } },
		options: [
			{
				name: 'Confirm Written',
				value: 'confirm',
				description: 'After the node that writes to the other system: the statuses it wrote count as written',
				action: 'Confirm statuses the other system took',
			},
			{ name: 'Sync', value: 'sync', action: 'Sync statuses with another system' },
		],
		default: 'sync',
	},
];

export const operationProperties: INodeProperties[] = [
	...get.description,
	...getAll.description,
	...setPresence.description,
	...clearPresence.description,
	...setPreferredPresence.description,
	...clearPreferredPresence.description,
	...sync.description,
	...confirm.description,
];
