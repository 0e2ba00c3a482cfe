import type { INodeExecutionData, INodeType, INodeTypeDescription, IPollFunctions } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { credentialTest } from '../shared/auth/credentialTests';
import { searchMailboxes } from '../shared/listSearch/mailboxes';
import { pollMailboxes } from './poll';
import { mailboxCredentials, triggerProperties } from './properties';

export class M365OutlookMailboxTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Microsoft 365 Outlook Mailbox Trigger',
		name: 'm365OutlookMailboxTrigger',
		icon: { light: 'file:m365OutlookMailboxTrigger.svg', dark: 'file:m365OutlookMailboxTrigger.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["mailboxScope"] === "all" ? "All mailboxes" : "Listed mailboxes"}}',
		description:
			'Starts the workflow when mail arrives in one or many user and shared mailboxes, with backfill and exactly-once delivery',
		defaults: { name: 'Microsoft 365 Outlook Mailbox Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: mailboxCredentials.credentials,
		properties: triggerProperties,
	};

	methods = {
		listSearch: { searchMailboxes },
		credentialTest,
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		return await pollMailboxes.call(this);
	}
}
