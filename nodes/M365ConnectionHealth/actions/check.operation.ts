/**
 * Runs the chosen checks and returns one report item per check; optionally fails the execution when a check
 * failed, so n8n's error workflow warns the admins before a real workflow breaks.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { updateDisplayOptions } from '../../shared/updateDisplayOptions';
import { FEATURES } from '../requirements';
import { checkIntegrationAccount, type MembershipTarget } from '../checks/integrationAccount';
import type { CheckResult } from '../checks/report';
import { checkTenantApp } from '../checks/tenantApp';

const properties: INodeProperties[] = [
	{
		displayName: 'Features to Check',
		name: 'features',
		type: 'multiOptions',
		options: FEATURES.map((feature) => ({ name: feature.name, value: feature.key })),
		// eslint-disable-next-line n8n-nodes-base/node-param-default-wrong-for-multi-options -- it is an array, built from FEATURES
		default: FEATURES.map((feature) => feature.key),
		description: "Which features' permissions to check on the tenant app",
		displayOptions: { show: { checkTenantApp: [true] } },
	},
	{
		displayName: 'Mailboxes to Check',
		name: 'mailboxes',
		type: 'string',
		default: '',
		placeholder: 'e.g. support@contoso.com, sales@contoso.com',
		description:
			"Mailboxes the tenant app must read (comma-separated addresses or user IDs): each is read once to show whether Exchange RBAC for Applications or an application access policy keeps the app out",
		displayOptions: { show: { checkTenantApp: [true] } },
	},
	{
		displayName: 'Memberships to Check',
		name: 'memberships',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Team or Channel',
		default: {},
		description: 'Teams and private channels the integration account must be a member of to post',
		displayOptions: { show: { checkIntegrationAccount: [true] } },
		options: [
			{
				displayName: 'Membership',
				name: 'membership',
				values: [
					{
						displayName: 'Team',
						name: 'team',
						type: 'string',
						default: '',
						required: true,
						placeholder: 'Team ID or link',
						description: 'The team ID (a GUID) or the link from the team\'s "..." > Get link to team',
					},
					{
						displayName: 'Channel',
						name: 'channel',
						type: 'string',
						default: '',
						placeholder: 'Channel ID or link (optional)',
						description: 'A private or shared channel of the team, by ID (19:…@thread.tacv2) or link',
					},
				],
			},
		],
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Fail Execution on Error',
				name: 'failOnError',
				type: 'boolean',
				default: false,
				description: "Whether to fail the execution when a check reports an error, so n8n's error workflow runs",
			},
			{
				displayName: 'Secret Expiry Warning (Days)',
				name: 'warningDays',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 30,
				description: 'Warn when the client secret or certificate expires within this many days',
			},
			{
				displayName: 'Sign-In Inactivity Warning (Days)',
				name: 'inactivityWarningDays',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 89 },
				default: 60,
				description: "Warn when the integration account's sign-in has not been refreshed for this many days (Entra ends it after 90)",
			},
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['connection'], operation: ['check'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const checkApp = this.getNodeParameter('checkTenantApp', itemIndex, true) as boolean;
	const checkAccount = this.getNodeParameter('checkIntegrationAccount', itemIndex, false) as boolean;
	if (!checkApp && !checkAccount) {
		throw new NodeOperationError(this.getNode(), 'Nothing to check', {
			itemIndex,
			description: "Switch on 'Check Tenant App' or 'Check Integration Account'.",
		});
	}
	const options = this.getNodeParameter('options', itemIndex, {}) as { failOnError?: boolean; warningDays?: number; inactivityWarningDays?: number };
	const now = Date.now();
	const results: CheckResult[] = [];
	if (checkApp) {
		const features = this.getNodeParameter('features', itemIndex, FEATURES.map((f) => f.key)) as string[];
		const mailboxes = String(this.getNodeParameter('mailboxes', itemIndex, '') ?? '')
			.split(/[\s,;]+/)
			.map((m) => m.trim())
			.filter(Boolean);
		results.push(...(await checkTenantApp.call(this, { features, warningDays: options.warningDays ?? 30, now, mailboxes })));
	}
	if (checkAccount) {
		const memberships = ((this.getNodeParameter('memberships.membership', itemIndex, []) as MembershipTarget[]) ?? []).map((m) => ({
			team: String(m.team ?? ''),
			channel: m.channel ? String(m.channel) : undefined,
		}));
		results.push(...(await checkIntegrationAccount.call(this, { memberships, inactivityWarningDays: options.inactivityWarningDays ?? 60, now })));
	}
	const errors = results.filter((r) => r.status === 'error');
	if (options.failOnError && errors.length) {
		throw new NodeOperationError(this.getNode(), `${errors.length} connection check${errors.length === 1 ? '' : 's'} failed: ${errors[0].message}`, {
			itemIndex,
			description: errors.map((e) => `${e.message}${e.fix ? ` Fix: ${e.fix}` : ''}`).join('\n'),
		});
	}
	return results;
}
