import type { INodeProperties } from 'n8n-workflow';

import { credentialChoice } from '../shared/descriptions/credentials';
import { mailboxRlc } from '../shared/descriptions/mailbox';
import { TENANT_APP_CREDENTIAL } from '../shared/transport/types';

/** Tenant app by default (reads any mailbox); the integration account reads its own and its shared mailboxes. */
export const mailboxCredentials = credentialChoice(TENANT_APP_CREDENTIAL);

/** Graph's well-known mail folder names this trigger offers. */
export const WELL_KNOWN_FOLDERS = [
	{ name: 'Archive', value: 'archive' },
	{ name: 'Deleted Items', value: 'deleteditems' },
	{ name: 'Drafts', value: 'drafts' },
	{ name: 'Inbox', value: 'inbox' },
	{ name: 'Junk Email', value: 'junkemail' },
	{ name: 'Sent Items', value: 'sentitems' },
];

export const triggerProperties: INodeProperties[] = [
	mailboxCredentials.property,
	{
		displayName: 'Watch',
		name: 'mailboxScope',
		type: 'options',
		options: [
			{ name: 'Listed Mailboxes', value: 'list', description: 'User and shared mailboxes picked below' },
			{
				name: 'All Mailboxes of the Organisation',
				value: 'all',
				description: 'Every user and shared mailbox, optionally with an include or exclude list',
			},
		],
		default: 'list',
		displayOptions: { show: { authentication: [TENANT_APP_CREDENTIAL] } },
	},
	{
		displayName: 'Mailboxes',
		name: 'mailboxes',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true, sortable: true },
		placeholder: 'Add Mailbox',
		default: {},
		description:
			'The mailboxes to watch. Shared mailboxes are picked like users. With the integration account, leave empty to watch its own mailbox. "Fetch Test Event" shows the newest message of the first one.',
		displayOptions: { hide: { mailboxScope: ['all'] } },
		options: [{ displayName: 'Mailbox', name: 'mailbox', values: [mailboxRlc] }],
	},
	{
		displayName: 'Only These Mailboxes',
		name: 'includeMailboxes',
		type: 'string',
		default: '',
		placeholder: 'e.g. support@contoso.com, invoices@contoso.com',
		description:
			'Addresses (comma-separated) to restrict the trigger to. Empty means every mailbox. Restricting the app itself with an Exchange application access policy is recommended as well.',
		displayOptions: { show: { authentication: [TENANT_APP_CREDENTIAL], mailboxScope: ['all'] } },
	},
	{
		displayName: 'Except These Mailboxes',
		name: 'excludeMailboxes',
		type: 'string',
		default: '',
		placeholder: 'e.g. ceo@contoso.com',
		description: 'Addresses (comma-separated) never to read',
		displayOptions: { show: { authentication: [TENANT_APP_CREDENTIAL], mailboxScope: ['all'] } },
	},
	{
		displayName: 'Folders',
		name: 'folders',
		type: 'multiOptions',
		options: WELL_KNOWN_FOLDERS,
		default: ['inbox'],
		description: 'Folders to watch in every mailbox',
	},
	{
		displayName: 'Other Folders',
		name: 'folderPaths',
		type: 'string',
		default: '',
		placeholder: 'e.g. Inbox/Invoices, Support',
		description:
			'Folders by path from the top of the mailbox (comma-separated; "/" separates levels). Mailboxes without such a folder are skipped for it.',
	},
	{
		displayName: 'Include Child Folders',
		name: 'includeChildFolders',
		type: 'boolean',
		default: false,
		description: 'Whether to watch the folders below the chosen ones as well (found again every hour)',
	},
	{
		displayName: 'On First Activation',
		name: 'startFrom',
		type: 'options',
		options: [
			{ name: 'Start From Now', value: 'now', description: 'Only mail that arrives after activation' },
			{
				name: 'Backfill From a Date',
				value: 'date',
				description: 'Also mail received since a date, oldest first, in batches',
			},
			{
				name: 'Backfill a Number of Days',
				value: 'days',
				description: 'Also mail received in the last days, oldest first, in batches',
			},
		],
		default: 'now',
	},
	{
		displayName: 'Backfill From',
		name: 'backfillDate',
		type: 'dateTime',
		default: '',
		required: true,
		displayOptions: { show: { startFrom: ['date'] } },
	},
	{
		displayName: 'Backfill Days',
		name: 'backfillDays',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 3650 },
		default: 7,
		displayOptions: { show: { startFrom: ['days'] } },
	},
	{
		displayName: 'Max Messages per Poll',
		name: 'maxItemsPerPoll',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 5000 },
		default: 200,
		description:
			'Upper bound of messages one execution receives; the rest follows on the next polls (a large backfill is spread this way)',
	},
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			{
				displayName: 'From',
				name: 'from',
				type: 'string',
				default: '',
				placeholder: 'e.g. billing@supplier.com, orders@shop.com',
				description: 'Only messages from these sender addresses (comma-separated)',
			},
			{
				displayName: 'Has Attachments',
				name: 'hasAttachments',
				type: 'boolean',
				default: false,
				description: 'Whether to only emit messages with attachments',
			},
			{
				displayName: 'Subject Contains',
				name: 'subjectContains',
				type: 'string',
				default: '',
				description: 'Only messages whose subject contains this text (case-insensitive)',
			},
			{
				displayName: 'Unread Only',
				name: 'unreadOnly',
				type: 'boolean',
				default: false,
				description: 'Whether to only emit messages that are unread when the trigger sees them',
			},
		],
	},
	{
		displayName: 'Output',
		name: 'output',
		type: 'options',
		options: [
			{ name: 'Simplified', value: 'simple', description: 'Flat fields: sender, recipients, subject, preview' },
			{ name: 'Raw', value: 'raw', description: "Graph's whole message, body included" },
		],
		default: 'simple',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Download Attachments',
				name: 'downloadAttachments',
				type: 'boolean',
				default: false,
				description: 'Whether to add file attachments as binary data (needs Mail.Read, not Mail.ReadBasic.All)',
			},
			{
				displayName: 'Attachment Prefix',
				name: 'attachmentPrefix',
				type: 'string',
				default: 'attachment_',
				description: 'Binary property names are this prefix followed by the attachment number (0, 1, ...)',
			},
		],
	},
];
