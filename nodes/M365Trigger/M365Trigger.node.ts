import { NodeConnectionTypes } from 'n8n-workflow';
import type {
	IHookFunctions,
	INodeType, INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import { m365IntegrationAccountTest, m365TenantAppApiTest } from '../shared/auth/credentialTests';
import { searchChannels } from '../shared/listSearch/channels';
import { searchChats } from '../shared/listSearch/chats';
import { searchMailboxes } from '../shared/listSearch/mailboxes';
import { searchTeams } from '../shared/listSearch/teams';
import { searchUsers } from '../shared/listSearch/users';
import { triggerCredentials, triggerProperties } from './description';
import { handleWebhook } from './webhook';
import { checkExists, create, deleteSubscriptions } from './webhookMethods';

export class M365Trigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Microsoft 365 Trigger',
		name: 'm365Trigger',
		icon: { light: 'file:m365Trigger.svg', dark: 'file:m365Trigger.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["event"]}}',
		description:
			'Starts the workflow on new Teams channel and chat messages, new mail and presence changes, through Microsoft Graph change notifications that are renewed for as long as the workflow is active',
		defaults: { name: 'Microsoft 365 Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: triggerCredentials,
		webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'webhook' }],
		properties: [
			{
				displayName:
					'Microsoft Graph must reach this n8n over public HTTPS (WEBHOOK_URL). Without a public URL, use the Microsoft 365 Polling Trigger node: same events, same output.',
				name: 'webhookNotice',
				type: 'notice',
				default: '',
			},
			...triggerProperties,
		],
	};

	methods = {
		listSearch: { searchTeams, searchChannels, searchChats, searchUsers, searchMailboxes },
		credentialTest: { m365TenantAppApiTest, m365IntegrationAccountTest },
	};

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return await checkExists.call(this);
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return await create.call(this);
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return await deleteSubscriptions.call(this);
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await handleWebhook.call(this);
	}
}
