import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { credentialTest } from '../shared/auth/credentialTests';
import { credentialChoice } from '../shared/descriptions/credentials';
import { searchUsers } from '../shared/listSearch/users';
import { routeItems } from '../shared/router';
import { operationProperties, operations, resourceProperties } from './actions/operations';
import { refuseCloudWithoutPresence } from './helpers/cloud';
import { credentialTypeOf } from './helpers/context';

const authentication = credentialChoice('m365TenantAppApi');

/** Reads, sets and syncs Microsoft Teams presence, with status maps to and from another system. */
export class M365TeamsPresence implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Microsoft 365 Teams Presence',
		name: 'm365TeamsPresence',
		icon: { light: 'file:teamsPresence.svg', dark: 'file:teamsPresence.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["resource"] === "statusSync" ? "sync: " + $parameter["direction"] : $parameter["operation"] }}',
		description: 'Read, set and sync Microsoft Teams presence',
		defaults: { name: 'Teams Presence' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: authentication.credentials,
		properties: [authentication.property, ...resourceProperties, ...operationProperties],
	};

	methods = {
		listSearch: { searchUsers },
		credentialTest,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		// Every operation but Confirm Written calls Graph's presence API, which some national clouds lack.
		if (this.getInputData().length > 0 && this.getNodeParameter('operation', 0) !== 'confirm') {
			await refuseCloudWithoutPresence(this, credentialTypeOf(this, 0));
		}
		return await routeItems.call(this, operations);
	}
}
