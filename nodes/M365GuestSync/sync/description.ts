/** The Sync operation's fields. */
import type { INodeProperties } from 'n8n-workflow';

import { teamRlc } from '../../shared/descriptions/rlc';
import {
	attributesField,
	displayNameField,
	emailField,
	invitationField,
	markerAttributeOption,
	sourceNameField,
} from '../descriptions/fields';

const removalOn = { show: { removal: ['delete', 'disable'] } };

export const syncProperties: INodeProperties[] = [
	sourceNameField,
	emailField,
	displayNameField,
	attributesField,
	{
		displayName: 'Dry Run',
		name: 'dryRun',
		type: 'boolean',
		default: false,
		description:
			'Whether to only report what the sync would do, without inviting, changing or removing anyone. The report is the one a real run gives, removals and withheld removals included.',
	},
	{
		displayName: 'Add to Teams',
		name: 'teams',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Team',
		default: {},
		description: 'Teams every synced guest becomes a member of (with the guest role), so Teams users can find and message them there',
		options: [{ displayName: 'Team', name: 'team', values: [{ ...teamRlc, required: false }] }],
	},
	{
		displayName: 'Guests No Longer in Source',
		name: 'removal',
		type: 'options',
		default: 'none',
		description:
			'What happens to guests this sync created whose email is no longer in the input. Removal runs only when Input Is the Complete Source is on and every safeguard agrees (see the node documentation).',
		options: [
			{ name: 'Delete Guest', value: 'delete', description: 'Delete the guest account (restorable for 30 days)' },
			{ name: 'Disable Sign-In', value: 'disable', description: 'Keep the account, block sign-in; re-enabled if the user comes back' },
			{ name: 'Keep', value: 'none', description: 'Never remove or disable anyone' },
		],
	},
	{
		displayName:
			'Removal needs the whole source in one run: feed this node every user of the source at once, not batches from Loop Over Items, not one item from an AI agent, not a filtered or paged part',
		name: 'removalNotice',
		type: 'notice',
		default: '',
		displayOptions: removalOn,
	},
	{
		displayName: 'Input Is the Complete Source',
		name: 'inputIsComplete',
		type: 'boolean',
		default: false,
		description:
			'Whether every run of this node receives the complete list of the source\'s users in one execution. Off: no guest is disabled or deleted; the summary says which guests would have been.',
		displayOptions: removalOn,
	},
	{
		displayName: 'Max Removals Per Run',
		name: 'maxRemovals',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 10,
		description:
			'If more guests than this left the source, no guest is removed or disabled in this run (protects against an incomplete input)',
		displayOptions: removalOn,
	},
	{
		displayName: 'Minimum Share Seen (%)',
		name: 'minShareSeen',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 100 },
		default: 80,
		description:
			'Removal runs only when the input still holds at least this share of the guests this sync manages. A source that lost more at once is more likely incomplete than emptied. With 10 guests or fewer, one guest may leave per run below it while another is still in the input. 0 turns the check off.',
		displayOptions: removalOn,
	},
	invitationField,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Adopt Existing Guests',
				name: 'adoptUnmarkedGuests',
				type: 'boolean',
				default: false,
				description:
					'Whether guests that already exist for input emails but carry no marker get this sync\'s marker, so they are updated and, when they leave the source, removed like the guests it created',
			},
			markerAttributeOption,
		],
	},
];
