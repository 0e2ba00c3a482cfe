// The parameters both trigger nodes share (webhook and polling): which credential, which event, and what to watch.
// Keeping one list is what makes the two nodes interchangeable: switch node type, keep the same settings and output.
import type { INodeProperties, INodeTypeDescription } from 'n8n-workflow';

import { mailboxRlc } from '../shared/descriptions/mailbox';
import { channelRlc, chatRlc, teamRlc, userRlc } from '../shared/descriptions/rlc';
import { TENANT_APP_WITH_DELEGATED_READS } from './targets';

const TENANT_APP = 'm365TenantAppApi';
const INTEGRATION_ACCOUNT = 'm365IntegrationAccountOAuth2Api';

export const triggerCredentials: INodeTypeDescription['credentials'] = [
	{
		name: TENANT_APP,
		required: true,
		testedBy: 'm365TenantAppApiTest',
		displayOptions: { show: { authentication: [TENANT_APP, TENANT_APP_WITH_DELEGATED_READS] } },
	},
	{
		name: INTEGRATION_ACCOUNT,
		required: true,
		testedBy: 'm365IntegrationAccountTest',
		displayOptions: { show: { authentication: [INTEGRATION_ACCOUNT, TENANT_APP_WITH_DELEGATED_READS] } },
	},
];

const channelEvents = ['newChannelMessage', 'newChannelReply'];

const PAYMENT_MODEL_DESCRIPTION =
	'Sent as model=A or model=B on the getAllMessages subscription (Microsoft: "Payment models and licensing requirements for Microsoft Teams APIs"). Changing it re-creates the subscription, as Microsoft requires.';

const PAYMENT_MODEL_OPTIONS = [
	{
		name: 'Evaluation (No Model)',
		value: 'evaluation',
		description:
			"Microsoft's default, free: 500 messages a month for this app in this tenant, then no more notifications until next month, without an error. For trying out.",
	},
	{
		name: 'Model B (Not Security or Compliance)',
		value: 'B',
		description:
			'For apps that do not perform a security or compliance function. No licence needed; Microsoft bills about $0.00075 per message to the Azure subscription linked to the app (set up metered APIs first).',
	},
	{
		name: 'Model A (Security or Compliance)',
		value: 'A',
		description:
			'Only for security or compliance apps. Message senders need a licence with the Microsoft Communications DLP service plan (e.g. Microsoft 365 E5); seeded capacity, then billed per message. Not accepted for the chats of one account.',
	},
];

export const triggerProperties: INodeProperties[] = [
	{
		displayName: 'Credential',
		name: 'authentication',
		type: 'options',
		options: [
			{
				name: 'Integration Account (Delegated)',
				value: INTEGRATION_ACCOUNT,
				description: 'The signed-in integration account: sees the teams, channels and chats it is a member of',
			},
			{
				name: 'Tenant App (Application)',
				value: TENANT_APP,
				description: 'The tenant app: any mailbox, any presence, all teams and all chats (needs admin consent)',
			},
			{
				name: 'Tenant App, Teams Messages Read by the Integration Account',
				value: TENANT_APP_WITH_DELEGATED_READS,
				description:
					"The tenant app subscribes; channel and chat messages are read with the integration account's delegated permissions, which need no protected-API approval from Microsoft (the account must be a member of the teams and chats)",
			},
		],
		default: TENANT_APP,
	},
	{
		displayName: 'Event',
		name: 'event',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'New Channel Message', value: 'newChannelMessage', description: 'A new top-level message in a channel' },
			{ name: 'New Channel Reply', value: 'newChannelReply', description: 'A new reply to a channel message' },
			{ name: 'New Chat Message', value: 'newChatMessage', description: 'A new message in a 1:1 or group chat' },
			{ name: 'New Mail', value: 'newMail', description: 'A new message in the chosen mailboxes' },
			{ name: 'Presence Changed', value: 'presenceChanged', description: 'The availability or activity of a chosen user changed' },
		],
		default: 'newChatMessage',
	},
	{
		displayName: 'Watch',
		name: 'channelScope',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { event: channelEvents } },
		options: [
			{ name: 'One Channel', value: 'channel' },
			{ name: 'All Channels of a Team', value: 'team' },
			{
				name: 'All Teams (Tenant App, Webhook Only)',
				value: 'tenant',
				description: 'Every channel message in the tenant (Graph /teams/getAllMessages, a metered API)',
			},
		],
		default: 'channel',
	},
	{ ...teamRlc, displayOptions: { show: { event: channelEvents, channelScope: ['channel', 'team'] } } },
	{ ...channelRlc, displayOptions: { show: { event: channelEvents, channelScope: ['channel'] } } },
	{
		displayName: 'Include Replies',
		name: 'includeReplies',
		type: 'boolean',
		default: false,
		displayOptions: { show: { event: ['newChannelMessage'] } },
		description: 'Whether replies also start the workflow, not only new top-level messages',
	},
	{
		displayName: 'Include Edits and Deletes',
		name: 'includeChanges',
		type: 'boolean',
		default: false,
		displayOptions: { show: { event: ['newChannelMessage', 'newChannelReply', 'newChatMessage'] } },
		description:
			'Whether an edited or deleted message also starts the workflow (trigger.change is "edited" or "deleted"; reactions are not edits). For two-way bridges.',
	},
	{
		displayName: 'Include System Events',
		name: 'includeSystemEvents',
		type: 'boolean',
		default: false,
		displayOptions: { show: { event: [...channelEvents, 'newChatMessage'] } },
		description:
			'Whether Teams system event messages (member added, chat renamed, call started, ...: no sender, details in eventDetail) start the workflow too. Messages from apps and bots always do; trigger.senderType tells them apart from people.',
	},
	{
		displayName: 'Ignore Messages Posted by This Package',
		name: 'dropOwnPosts',
		type: 'boolean',
		default: false,
		displayOptions: { show: { event: ['newChannelMessage', 'newChannelReply', 'newChatMessage'] } },
		description:
			"Whether to leave out messages this package posted (postedByThisPackage) and edits and deletes of the integration account's messages, so a two-way bridge never hears itself",
	},
	{
		displayName: 'Watch',
		name: 'chatScope',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { event: ['newChatMessage'] } },
		options: [
			{ name: 'One Chat', value: 'chat' },
			{
				name: 'All Chats of an Account',
				value: 'user',
				description:
					'Every chat the account is a member of; with the integration account, its own chats (how a Teams user answers a chat-session workflow)',
			},
			{
				name: 'All Chats in the Tenant (Tenant App, Webhook Only)',
				value: 'tenant',
				description: 'Every chat message in the tenant (Graph /chats/getAllMessages, a metered API)',
			},
		],
		default: 'user',
	},
	{ ...chatRlc, displayOptions: { show: { event: ['newChatMessage'], chatScope: ['chat'] } } },
	{
		displayName:
			'Microsoft meters getAllMessages subscriptions. Without a payment model they run in evaluation mode: 500 messages a month for this app in this tenant, then Microsoft stops notifying without an error. Offered in the Global cloud only.',
		name: 'meteredNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { event: ['newChatMessage'], chatScope: ['tenant', 'user'] } },
	},
	{
		displayName:
			'Microsoft meters getAllMessages subscriptions. Without a payment model they run in evaluation mode: 500 messages a month for this app in this tenant, then Microsoft stops notifying without an error. Offered in the Global cloud only.',
		name: 'meteredChannelNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { event: channelEvents, channelScope: ['tenant'] } },
	},
	{
		displayName: 'Payment Model',
		name: 'paymentModel',
		type: 'options',
		noDataExpression: true,
		// Shown for the metered resources: all teams (here), all chats of the tenant or of an account (below).
		displayOptions: { show: { event: channelEvents, channelScope: ['tenant'] } },
		options: PAYMENT_MODEL_OPTIONS,
		default: 'evaluation',
		description: PAYMENT_MODEL_DESCRIPTION,
	},
	{
		displayName: 'Payment Model',
		name: 'paymentModel',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { event: ['newChatMessage'], chatScope: ['tenant', 'user'] } },
		options: PAYMENT_MODEL_OPTIONS,
		default: 'evaluation',
		description: PAYMENT_MODEL_DESCRIPTION,
	},
	{
		...userRlc,
		name: 'chatUser',
		displayName: 'Account',
		description: 'Whose chats to watch: a user from the list, by object ID, or by user principal name',
		displayOptions: { show: { event: ['newChatMessage'], chatScope: ['user'], authentication: [TENANT_APP, TENANT_APP_WITH_DELEGATED_READS] } },
	},
	{
		displayName: 'Mailboxes',
		name: 'mailboxes',
		type: 'fixedCollection',
		placeholder: 'Add Mailbox',
		typeOptions: { multipleValues: true },
		displayOptions: { show: { event: ['newMail'] } },
		default: {},
		options: [{ name: 'mailbox', displayName: 'Mailbox', values: [mailboxRlc] }],
		description: "The user and shared mailboxes to watch; with the integration account, 'me' is its own mailbox",
	},
	{
		displayName: 'Folder',
		name: 'mailFolder',
		type: 'options',
		displayOptions: { show: { event: ['newMail'] } },
		options: [
			{ name: 'Inbox', value: 'inbox' },
			{ name: 'All Folders', value: 'all', description: 'Any folder of the mailbox (webhook mode); polling reads the inbox' },
			{ name: 'Other Folder', value: 'other' },
		],
		default: 'inbox',
	},
	{
		displayName: 'Folder ID',
		name: 'mailFolderId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. AAMkAGI2TAAA= or archive',
		description: 'A folder ID or a well-known folder name (archive, junkemail, sentitems, ...)',
		displayOptions: { show: { event: ['newMail'], mailFolder: ['other'] } },
	},
	{
		displayName: 'Users',
		name: 'presenceUsers',
		type: 'fixedCollection',
		placeholder: 'Add User',
		typeOptions: { multipleValues: true },
		displayOptions: { show: { event: ['presenceChanged'] } },
		default: {},
		options: [{ name: 'user', displayName: 'User', values: [{ ...userRlc, name: 'user' }] }],
		description: 'Users whose presence to watch (object IDs are used; more than 650 users become several subscriptions)',
	},
	{
		displayName: 'More User IDs',
		name: 'presenceUserIds',
		type: 'string',
		default: '',
		placeholder: 'e.g. {{ $json.userIds.join(",") }}',
		description: 'Further user object IDs, separated by commas, for long lists',
		displayOptions: { show: { event: ['presenceChanged'] } },
	},
];

/** Parameters that only concern change-notification subscriptions (the polling node reads without getAllMessages). */
export const WEBHOOK_ONLY_PARAMETERS = ['paymentModel', 'meteredNotice', 'meteredChannelNotice'];
