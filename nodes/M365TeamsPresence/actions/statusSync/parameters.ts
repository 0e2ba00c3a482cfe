// The sync's parameters: direction, how Teams is written, both status maps as editable tables, fallbacks and timing.
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { AVAILABILITIES, ACTIVITIES } from '../../presenceValues';
import type { SetMode } from '../../presenceValues';
import {
	DEFAULT_EXTERNAL_TO_TEAMS,
	DEFAULT_TEAMS_TO_EXTERNAL,
	validateExternalToTeamsRules,
} from '../../statusMap';
import type { ExternalToTeamsRule, TeamsToExternalRule } from '../../statusMap';
import type { SyncDirection } from '../../syncPlan';

const availabilityOptions = AVAILABILITIES.map((value) => ({ name: value, value }));
const activityOptions = ACTIVITIES.map((value) => ({ name: value, value }));

export const syncProperties: INodeProperties[] = [
	{
		displayName: 'Direction',
		name: 'direction',
		type: 'options',
		options: [
			{ name: 'Both Ways', value: 'both', description: 'The more recent change wins; changes this sync made are not sent back' },
			{ name: 'From Teams', value: 'fromTeams', description: 'Read Teams presence and output the status the other system should take' },
			{ name: 'To Teams', value: 'toTeams', description: "Set Teams presence from the other system's statuses" },
		],
		default: 'both',
	},
	{
		displayName: 'User',
		name: 'user',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. {{ $json.email }}',
		description: 'The Teams user this item is about: object ID, user principal name or email',
	},
	{
		displayName: 'External Status',
		name: 'externalStatus',
		type: 'string',
		default: '',
		placeholder: 'e.g. {{ $json.agentStatus }}',
		description: "The user's current status in the other system. Required to write to Teams; when reading from Teams, it lets the sync skip users who already have the mapped status.",
	},
	{
		displayName: 'Write Teams Status As',
		name: 'setMode',
		type: 'options',
		options: [
			{
				name: 'Application Session',
				value: 'applicationSession',
				description: "This app's own presence session (setPresence). The user's own status still wins. Offline clears the session.",
			},
			{
				name: 'Preferred Presence',
				value: 'preferredPresence',
				description: "The user's preferred presence (setUserPreferredPresence): overrides everything, like the user picking a status",
			},
		],
		default: 'applicationSession',
		displayOptions: { hide: { direction: ['fromTeams'] } },
	},
	{
		displayName: 'External to Teams Map',
		name: 'externalToTeams',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true, sortable: true },
		placeholder: 'Add Mapping',
		description: 'Which Teams presence each external status becomes. Leave Activity empty for the usual one.',
		default: { rules: DEFAULT_EXTERNAL_TO_TEAMS.map((rule) => ({ externalStatus: rule.externalStatus, availability: rule.availability, activity: '' })) },
		displayOptions: { hide: { direction: ['fromTeams'] } },
		options: [
			{
				displayName: 'Mapping',
				name: 'rules',
				values: [
					{ displayName: 'External Status', name: 'externalStatus', type: 'string', default: '' },
					{ displayName: 'Teams Availability', name: 'availability', type: 'options', options: availabilityOptions, default: 'Available' },
					{
						displayName: 'Teams Activity',
						name: 'activity',
						type: 'options',
						options: [{ name: 'Usual for the Availability', value: '' }, ...activityOptions],
						default: '',
					},
				],
			},
		],
	},
	{
		displayName: 'Teams to External Map',
		name: 'teamsToExternal',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true, sortable: true },
		placeholder: 'Add Mapping',
		description: 'Which external status each Teams presence becomes. A row with an activity beats a row without one.',
		default: { rules: DEFAULT_TEAMS_TO_EXTERNAL.map((rule) => ({ availability: rule.availability, activity: '', externalStatus: rule.externalStatus })) },
		displayOptions: { hide: { direction: ['toTeams'] } },
		options: [
			{
				displayName: 'Mapping',
				name: 'rules',
				values: [
					{ displayName: 'Teams Availability', name: 'availability', type: 'options', options: availabilityOptions, default: 'Available' },
					{
						displayName: 'Teams Activity',
						name: 'activity',
						type: 'options',
						options: [{ name: 'Any', value: '' }, ...activityOptions],
						default: '',
					},
					{ displayName: 'External Status', name: 'externalStatus', type: 'string', default: '' },
				],
			},
		],
	},
	{
		displayName: 'Unmapped External Status',
		name: 'unmappedExternal',
		type: 'options',
		options: [
			{ name: 'Fail the Item', value: 'fail' },
			{ name: 'Set a Fallback Teams Status', value: 'fallback' },
			{ name: 'Skip the User', value: 'skip' },
		],
		default: 'skip',
		displayOptions: { hide: { direction: ['fromTeams'] } },
	},
	{
		displayName: 'Fallback Teams Availability',
		name: 'fallbackAvailability',
		type: 'options',
		options: availabilityOptions,
		default: 'Away',
		displayOptions: { show: { unmappedExternal: ['fallback'] }, hide: { direction: ['fromTeams'] } },
	},
	{
		displayName: 'Unmapped Teams Presence',
		name: 'unmappedTeams',
		type: 'options',
		options: [
			{ name: 'Fail the Item', value: 'fail' },
			{ name: 'Output a Fallback External Status', value: 'fallback' },
			{ name: 'Skip the User', value: 'skip' },
		],
		default: 'skip',
		displayOptions: { hide: { direction: ['toTeams'] } },
	},
	{
		displayName: 'Fallback External Status',
		name: 'fallbackExternalStatus',
		type: 'string',
		default: '',
		displayOptions: { show: { unmappedTeams: ['fallback'] }, hide: { direction: ['toTeams'] } },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Forced Resync Every (Minutes)',
				name: 'forcedResyncMinutes',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 60,
				description: 'Send every status again, changed or not, this often, to repair drift. 0 turns it off.',
			},
			{
				displayName: 'Forget Users Not Synced For (Days)',
				name: 'forgetAfterDays',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 30,
				description:
					"The sync's memory of a user no run has listed for this long is dropped (a user seen again counts as new). 0 keeps every user forever.",
			},
			{
				displayName: 'Ignore Statuses Shorter Than (Seconds)',
				name: 'shortStatusSeconds',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 15,
				description: 'A status must last this long before it is propagated; shorter ones are skipped',
			},
			{
				displayName: 'Session Expires After (Minutes)',
				name: 'sessionExpiryMinutes',
				type: 'number',
				typeOptions: { minValue: 5, maxValue: 240 },
				default: 120,
				description: 'Application sessions end after this long unless the sync sets them again. Keep it above the forced resync interval.',
			},
			{
				displayName: 'Status Changed At',
				name: 'statusChangedAt',
				type: 'string',
				default: '',
				placeholder: 'e.g. {{ $json.changedAt }}',
				description: "When the external status took effect, if the other system says: ISO 8601 (without an offset: in the workflow's time zone) or epoch seconds or milliseconds. Otherwise the sync measures from when it first saw it.",
			},
		],
	},
];

export interface SyncSettings {
	direction: SyncDirection;
	setMode: SetMode;
	externalToTeams: ExternalToTeamsRule[];
	teamsToExternal: TeamsToExternalRule[];
	unmappedExternal: 'skip' | 'fail' | 'fallback';
	fallbackAvailability: string;
	unmappedTeams: 'skip' | 'fail' | 'fallback';
	fallbackExternalStatus: string;
	forcedResyncMs: number;
	thresholdMs: number;
	sessionExpiryMinutes: number;
	/** Users no run listed for this long are forgotten (0: never). */
	pruneAfterMs: number;
}

/** The node-level settings (read from the first item) with the maps validated before anything is sent. */
export function readSyncSettings(ctx: IExecuteFunctions, itemIndex: number): SyncSettings {
	const direction = ctx.getNodeParameter('direction', itemIndex) as SyncDirection;
	const options = ctx.getNodeParameter('options', itemIndex, {}) as {
		forcedResyncMinutes?: number;
		shortStatusSeconds?: number;
		sessionExpiryMinutes?: number;
		forgetAfterDays?: number;
	};
	const settings: SyncSettings = {
		direction,
		setMode: direction === 'fromTeams' ? 'applicationSession' : (ctx.getNodeParameter('setMode', itemIndex) as SetMode),
		externalToTeams:
			direction === 'fromTeams'
				? []
				: ((ctx.getNodeParameter('externalToTeams.rules', itemIndex, []) as ExternalToTeamsRule[]) ?? []),
		teamsToExternal:
			direction === 'toTeams'
				? []
				: ((ctx.getNodeParameter('teamsToExternal.rules', itemIndex, []) as TeamsToExternalRule[]) ?? []),
		unmappedExternal: direction === 'fromTeams' ? 'skip' : (ctx.getNodeParameter('unmappedExternal', itemIndex) as SyncSettings['unmappedExternal']),
		fallbackAvailability: '',
		unmappedTeams: direction === 'toTeams' ? 'skip' : (ctx.getNodeParameter('unmappedTeams', itemIndex) as SyncSettings['unmappedTeams']),
		fallbackExternalStatus: '',
		forcedResyncMs: (options.forcedResyncMinutes ?? 60) * 60_000,
		thresholdMs: (options.shortStatusSeconds ?? 15) * 1000,
		sessionExpiryMinutes: options.sessionExpiryMinutes ?? 120,
		pruneAfterMs: Math.max(0, options.forgetAfterDays ?? 30) * 86_400_000,
	};
	if (settings.unmappedExternal === 'fallback') {
		settings.fallbackAvailability = ctx.getNodeParameter('fallbackAvailability', itemIndex) as string;
	}
	if (settings.unmappedTeams === 'fallback') {
		settings.fallbackExternalStatus = (ctx.getNodeParameter('fallbackExternalStatus', itemIndex) as string).trim();
		if (!settings.fallbackExternalStatus) {
			throw new NodeOperationError(ctx.getNode(), 'Fallback External Status is empty', { itemIndex, description: 'Give the status to output for Teams presence no row maps, or choose Skip the User.' });
		}
	}
	const rules = [...settings.externalToTeams];
	if (settings.unmappedExternal === 'fallback') rules.push({ externalStatus: '(fallback)', availability: settings.fallbackAvailability });
	const problems = validateExternalToTeamsRules(rules, settings.setMode);
	if (problems.length > 0) {
		throw new NodeOperationError(ctx.getNode(), `The External to Teams Map has ${problems.length === 1 ? 'a row' : 'rows'} Teams would refuse`, {
			itemIndex,
			description: problems.join('. '),
		});
	}
	if (settings.sessionExpiryMinutes < 5 || settings.sessionExpiryMinutes > 240) {
		throw new NodeOperationError(ctx.getNode(), `Session Expires After is ${settings.sessionExpiryMinutes} minutes: Teams accepts 5 to 240`, { itemIndex });
	}
	return settings;
}
