// The Microsoft 365 Trigger node on new mail in one mailbox, read with the tenant app: the node the webhook e2e
// tests (m365Trigger, queueMode, webhookProcesses) put at the start of their workflows.
import type { CredentialReference } from '../../scripts/n8n-runtime';

export function newMailTriggerNode(node: {
	id: string;
	name: string;
	/** fixed, so that the test can find the subscription Graph holds for this trigger (its notificationUrl) */
	webhookId: string;
	mailboxUpn: string;
	tenantApp: CredentialReference;
}) {
	return {
		id: node.id,
		name: node.name,
		type: 'n8n-nodes-m365-integration.m365Trigger',
		typeVersion: 1,
		position: [0, 0] as [number, number],
		webhookId: node.webhookId,
		parameters: {
			authentication: 'm365TenantAppApi',
			event: 'newMail',
			mailboxes: { mailbox: [{ mailbox: { __rl: true, mode: 'address', value: node.mailboxUpn } }] },
			mailFolder: 'inbox',
		},
		credentials: { m365TenantAppApi: node.tenantApp },
	};
}
