import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { credentialTest } from '../shared/auth/credentialTests';
import { integrationAccountCredential, tenantAppCredential } from '../shared/descriptions/credentials';
import { routeItems } from '../shared/router';
import * as check from './actions/check.operation';

/** Checks that the tenant app and the integration account still work, for a scheduled "warn the admins" workflow. */
export class M365ConnectionHealth implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Microsoft 365 Connection Health',
		name: 'm365ConnectionHealth',
		icon: { light: 'file:m365ConnectionHealth.svg', dark: 'file:m365ConnectionHealth.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: 'Check connections',
		description: 'Check the tenant app and the integration account before integrations break',
		defaults: { name: 'Microsoft 365 Connection Health' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ ...tenantAppCredential, displayOptions: { show: { checkTenantApp: [true] } } },
			{ ...integrationAccountCredential, displayOptions: { show: { checkIntegrationAccount: [true] } } },
		],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'hidden',
				noDataExpression: true,
				default: 'connection',
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				options: [{ name: 'Check', value: 'check', action: 'Check connections' }],
				default: 'check',
			},
			{
				displayName: 'Check Tenant App',
				name: 'checkTenantApp',
				type: 'boolean',
				default: true,
				description: 'Whether to check the tenant app: token, granted application permissions, secret or certificate expiry',
			},
			{
				displayName: 'Check Integration Account',
				name: 'checkIntegrationAccount',
				type: 'boolean',
				default: false,
				description: 'Whether to check the integration account: signed in, Teams licence, memberships, sign-in activity',
			},
			...check.description,
		],
	};

	methods = { credentialTest };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await routeItems.call(this, { connection: { check } });
	}
}
