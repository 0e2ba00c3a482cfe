/** Fields several guest operations share: the source user mapping, the source name (marker) and the invitation. */
import type { INodeProperties } from 'n8n-workflow';

export const sourceNameField: INodeProperties = {
	displayName: 'Source Name',
	name: 'sourceName',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'e.g. slack',
	description:
		'Names the platform these users come from. It is stored on every guest this sync creates (the marker); only guests carrying this exact name are ever updated as its own, disabled or removed.',
};

export const emailField: INodeProperties = {
	displayName: 'Email',
	name: 'email',
	type: 'string',
	required: true,
	default: '={{ $json.email }}',
	placeholder: 'e.g. ada@partner.example',
	description: 'Email address of the external user (one input item per user)',
};

export const displayNameField: INodeProperties = {
	displayName: 'Display Name',
	name: 'displayName',
	type: 'string',
	default: '={{ $json.displayName }}',
	description: 'Name shown in Teams and Entra ID. Leave empty to keep what Entra ID has.',
};

export const attributesField: INodeProperties = {
	displayName: 'Additional Attributes',
	name: 'attributes',
	type: 'collection',
	placeholder: 'Add Attribute',
	default: {},
	options: [
		{
			displayName: 'Company Name',
			name: 'companyName',
			type: 'string',
			default: '',
			description: 'Written to the guest\'s companyName; empty values are not managed',
		},
		{
			displayName: 'External ID',
			name: 'externalId',
			type: 'string',
			default: '',
			description: 'The user\'s ID on the source platform, echoed in the output to join results back',
		},
		{
			displayName: 'Job Title',
			name: 'jobTitle',
			type: 'string',
			default: '',
			description: 'Written to the guest\'s jobTitle; empty values are not managed',
		},
		{
			displayName: 'Source Platform',
			name: 'sourcePlatform',
			type: 'string',
			default: '',
			description: 'Where this user comes from (e.g. Slack, Google Chat), echoed in the output',
		},
	],
};

export const invitationField: INodeProperties = {
	displayName: 'Invitation',
	name: 'invitation',
	type: 'collection',
	placeholder: 'Add Invitation Setting',
	default: {},
	options: [
		{
			displayName: 'CC Recipients',
			name: 'ccRecipients',
			type: 'string',
			default: '',
			placeholder: 'e.g. it@contoso.com',
			description: 'Comma-separated addresses copied on the invitation email (Graph accepts one)',
		},
		{
			displayName: 'Message Body',
			name: 'customizedMessageBody',
			type: 'string',
			typeOptions: { rows: 3 },
			default: '',
			description: 'Text added to Microsoft\'s invitation email',
		},
		{
			displayName: 'Message Language',
			name: 'messageLanguage',
			type: 'string',
			default: '',
			placeholder: 'e.g. en-US',
			description: 'Language of the invitation email; default en-US',
		},
		{
			displayName: 'Redirect URL',
			name: 'inviteRedirectUrl',
			type: 'string',
			default: 'https://teams.microsoft.com',
			description: 'Where the guest lands after accepting the invitation',
		},
		{
			displayName: 'Send Invitation Email',
			name: 'sendInvitationMessage',
			type: 'boolean',
			default: false,
			description:
				'Whether Microsoft emails the invitation. Off: the guest is created silently and is already findable and reachable in Teams.',
		},
	],
};

export const markerAttributeOption: INodeProperties = {
	displayName: 'Marker Attribute',
	name: 'markerAttribute',
	type: 'string',
	default: '',
	placeholder: 'e.g. extension_0a1b2c3d4e5f60718293a4b5c6d7e8f9_m365GuestSyncSource',
	description:
		'Directory extension attribute holding the source name. Empty: extension_(client ID of the credential without dashes)_m365GuestSyncSource, registered once on the app (see the node documentation).',
};
