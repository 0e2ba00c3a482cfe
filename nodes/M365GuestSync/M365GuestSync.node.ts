import { NodeConnectionTypes } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { m365TenantAppApiTest } from '../shared/auth/credentialTests';
import { searchTeams } from '../shared/listSearch/teams';
import { routeItems } from '../shared/router';
import * as guest from './actions/guest';

export class M365GuestSync implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Microsoft 365 Guest Sync',
		name: 'm365GuestSync',
		icon: { light: 'file:m365GuestSync.svg', dark: 'file:m365GuestSync.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description:
			'Keep Microsoft Entra ID guest accounts in line with users of Slack, Google Chat or any other system, so Teams users can find and message them',
		defaults: { name: 'Microsoft 365 Guest Sync' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'm365TenantAppApi', required: true, testedBy: 'm365TenantAppApiTest' }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				default: 'guest',
				options: [{ name: 'Guest', value: 'guest' }],
			},
			...guest.description,
		],
	};

	methods = {
		listSearch: { searchTeams },
		credentialTest: { m365TenantAppApiTest },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await routeItems.call(this, {
			guest: { find: guest.find, invite: guest.invite, remove: guest.remove, sync: guest.sync },
		});
	}
}
