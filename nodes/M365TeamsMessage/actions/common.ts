/** Fields several operations share, and the readers that go with them. */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { returnAllFields } from '../../shared/descriptions/returnAll';
import { DEFAULT_ATTRIBUTION_TEMPLATE } from '../helpers/attribution';
import { buildDraft, splitReferences, type ContentType } from '../helpers/draft';
import type { AttributionSettings, MessageDraft } from '../helpers/postMessage';

export const contentFields: INodeProperties[] = [
	{
		displayName: 'Content Type',
		name: 'contentType',
		type: 'options',
		options: [
			{ name: 'HTML', value: 'html', description: 'HTML; scripts, styles and unsafe links are removed' },
			{ name: 'Markdown', value: 'markdown', description: 'Markdown, converted to the HTML Teams shows' },
			{ name: 'Text', value: 'text', description: 'Plain text, shown as written' },
		],
		default: 'text',
	},
	{
		displayName: 'Message',
		name: 'content',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		description:
			'The message. In fixed text, @[UPN, email or ID] puts an @mention there, e.g. "Hi @[jane@contoso.com]"; text from an expression never mentions anyone (use Options > Mentions). May be empty when an Adaptive Card is set.',
	},
];

export const messageOptions: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add option',
	default: {},
	options: [
		{
			displayName: 'Adaptive Card (JSON)',
			name: 'adaptiveCard',
			type: 'json',
			default: '',
			description: 'An Adaptive Card to attach, e.g. {"type":"AdaptiveCard","version":"1.4","body":[...]}',
		},
		{
			displayName: 'Importance',
			name: 'importance',
			type: 'options',
			options: [
				{ name: 'High', value: 'high' },
				{ name: 'Normal', value: 'normal' },
				{ name: 'Urgent', value: 'urgent' },
			],
			default: 'normal',
		},
		{
			displayName: 'Mentions',
			name: 'mentions',
			type: 'string',
			default: '',
			description:
				'Users to @mention (UPNs, emails or IDs, comma-separated), put before the text unless fixed message text places them with @[...]. A user who cannot be found is left out and reported in the output (unresolvedMentions); the message is still posted.',
		},
		{
			displayName: 'Subject',
			name: 'subject',
			type: 'string',
			default: '',
			description: 'Subject line (channel posts only)',
		},
	],
};

export const attributionFields: INodeProperties = {
	displayName: 'Attribution',
	name: 'attribution',
	type: 'collection',
	placeholder: 'Add attribution field',
	default: {},
	description:
		'Who really wrote the message. When the integration account posts it (no sender credential, or the sender cannot post here), the text is prefixed using the template.',
	options: [
		{
			displayName: 'Sender Name',
			name: 'senderName',
			type: 'string',
			default: '',
			placeholder: 'e.g. {{ $json.user.name }}',
		},
		{
			displayName: 'Platform',
			name: 'platform',
			type: 'string',
			default: '',
			placeholder: 'e.g. Slack',
		},
		{
			displayName: 'Template',
			name: 'template',
			type: 'string',
			default: DEFAULT_ATTRIBUTION_TEMPLATE,
			description: 'HTML with {senderName}, {platform} and {text}',
		},
	],
};

export const messageIdField: INodeProperties = {
	displayName: 'Message ID',
	name: 'messageId',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'e.g. 1616990032035',
};

export const actAsField: INodeProperties = {
	displayName: 'Act As',
	name: 'actAs',
	type: 'options',
	options: [
		{ name: 'Integration Account', value: 'integrationAccount' },
		{ name: 'Sender', value: 'sender', description: 'The user of the sender credential (who posted the message as themselves)' },
	],
	default: 'integrationAccount',
	description: 'Teams lets only the author change or delete a message: act as whoever posted it',
};

export const listFields: INodeProperties[] = [
	...returnAllFields,
	{
		displayName: 'Include System Events',
		name: 'includeSystemEvents',
		type: 'boolean',
		default: false,
		description:
			'Whether to include Teams system event messages (member added, chat renamed, call started, ...: no sender, details in eventDetail). Each message says who sent it in senderType: user, application (an app or bot) or system.',
	},
];

export function readAttribution(context: IExecuteFunctions, itemIndex: number): AttributionSettings {
	const attribution = context.getNodeParameter('attribution', itemIndex, {}) as IDataObject;
	return {
		senderName: String(attribution.senderName ?? ''),
		platform: String(attribution.platform ?? ''),
		template: String(attribution.template ?? DEFAULT_ATTRIBUTION_TEMPLATE),
	};
}

/** The message draft from the content fields and options of an item. */
export async function readDraft(
	context: IExecuteFunctions,
	itemIndex: number,
	extra: { leadingHtml?: string; leadingAttachments?: MessageDraft['attachments'] } = {},
): Promise<MessageDraft> {
	const options = context.getNodeParameter('options', itemIndex, {}) as IDataObject;
	// Placeholders only in text the workflow builder typed: an expression's result is data, never markup.
	const rawContent = context.getNode().parameters.content;
	const placeholdersFromContent = typeof rawContent === 'string' && !rawContent.startsWith('=');
	return await buildDraft(context, itemIndex, {
		placeholdersFromContent,
		contentType: context.getNodeParameter('contentType', itemIndex, 'text') as ContentType,
		content: String(context.getNodeParameter('content', itemIndex, '') ?? ''),
		mentions: splitReferences(String(options.mentions ?? '')),
		adaptiveCard: options.adaptiveCard,
		subject: options.subject ? String(options.subject) : undefined,
		importance: options.importance as MessageDraft['importance'],
		...extra,
	});
}

export function readMessageId(context: IExecuteFunctions, itemIndex: number, name = 'messageId'): string {
	return String(context.getNodeParameter(name, itemIndex, '') ?? '').trim();
}
