import { NodeConnectionTypes } from 'n8n-workflow';
import type { INodeExecutionData, INodeType, INodeTypeDescription, IPollFunctions } from 'n8n-workflow';

import { m365IntegrationAccountTest, m365TenantAppApiTest } from '../shared/auth/credentialTests';
import { searchChannels } from '../shared/listSearch/channels';
import { searchChats } from '../shared/listSearch/chats';
import { searchMailboxes } from '../shared/listSearch/mailboxes';
import { searchTeams } from '../shared/listSearch/teams';
import { searchUsers } from '../shared/listSearch/users';
import { triggerCredentials, triggerProperties, WEBHOOK_ONLY_PARAMETERS } from '../M365Trigger/description';
import { pollChanges } from '../M365Trigger/poll';

/**
 * The same events as the Microsoft 365 Trigger, for n8n instances Graph cannot reach: n8n decides from the node
 * type whether a trigger is a webhook or a poller, so polling mode is its own node with the same parameters.
 */
export class M365PollingTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Microsoft 365 Polling Trigger',
		name: 'm365PollingTrigger',
		icon: { light: 'file:m365PollingTrigger.svg', dark: 'file:m365PollingTrigger.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["event"]}}',
		description:
			'Starts the workflow on new Teams channel and chat messages, new mail and presence changes by polling Microsoft Graph (delta queries); needs no public URL',
		defaults: { name: 'Microsoft 365 Polling Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: triggerCredentials,
		properties: [
			{
				displayName:
					'The first poll after activation only marks where to start: changes from then on start the workflow. Teams messages: Microsoft allows polling them at most once a day, so set Poll Times to Every Day (or use the Microsoft 365 Trigger for near-real-time events). "All teams" and "all chats in the tenant" need the webhook trigger.',
				name: 'pollingNotice',
				type: 'notice',
				default: '',
			},
			...triggerProperties.filter((property) => !WEBHOOK_ONLY_PARAMETERS.includes(property.name)),
		],
	};

	methods = {
		listSearch: { searchTeams, searchChannels, searchChats, searchUsers, searchMailboxes },
		credentialTest: { m365TenantAppApiTest, m365IntegrationAccountTest },
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		return await pollChanges.call(this);
	}
}
