// Presence vocabulary of Microsoft Graph (resources/presence.md) and the availability/activity pairs each
// write API accepts. Graph answers 400 for any other pair, so the node checks pairs before it sends anything.

export const AVAILABILITIES = [
	'Available',
	'AvailableIdle',
	'Away',
	'BeRightBack',
	'Busy',
	'BusyIdle',
	'DoNotDisturb',
	'Offline',
	'PresenceUnknown',
] as const;
export type Availability = (typeof AVAILABILITIES)[number];

export const ACTIVITIES = [
	'Available',
	'Away',
	'BeRightBack',
	'Busy',
	'DoNotDisturb',
	'InACall',
	'InAConferenceCall',
	'Inactive',
	'InAMeeting',
	'Offline',
	'OffWork',
	'OutOfOffice',
	'PresenceUnknown',
	'Presenting',
	'UrgentInterruptionsOnly',
] as const;
export type Activity = (typeof ACTIVITIES)[number];

export interface PresencePair {
	availability: string;
	activity: string;
}

// presence-setpresence.md, "Supported combinations of availability and activity".
export const APPLICATION_SESSION_PAIRS: readonly PresencePair[] = [
	{ availability: 'Available', activity: 'Available' },
	{ availability: 'Busy', activity: 'InACall' },
	{ availability: 'Busy', activity: 'InAConferenceCall' },
	{ availability: 'Away', activity: 'Away' },
	{ availability: 'DoNotDisturb', activity: 'Presenting' },
];

// presence-setuserpreferredpresence.md, "supported combinations of availability and activity".
export const PREFERRED_PRESENCE_PAIRS: readonly PresencePair[] = [
	{ availability: 'Available', activity: 'Available' },
	{ availability: 'Busy', activity: 'Busy' },
	{ availability: 'DoNotDisturb', activity: 'DoNotDisturb' },
	{ availability: 'BeRightBack', activity: 'BeRightBack' },
	{ availability: 'Away', activity: 'Away' },
	{ availability: 'Offline', activity: 'OffWork' },
];

/** How the node writes a Teams status: its own application session, or the user's preferred presence. */
export type SetMode = 'applicationSession' | 'preferredPresence';

export function allowedPairs(mode: SetMode): readonly PresencePair[] {
	return mode === 'applicationSession' ? APPLICATION_SESSION_PAIRS : PREFERRED_PRESENCE_PAIRS;
}

export function isAllowedPair(mode: SetMode, pair: PresencePair): boolean {
	return allowedPairs(mode).some(
		(allowed) => allowed.availability === pair.availability && allowed.activity === pair.activity,
	);
}

export function pairKey(pair: PresencePair): string {
	return `${pair.availability}/${pair.activity}`;
}

export function describeAllowedPairs(mode: SetMode): string {
	return allowedPairs(mode).map(pairKey).join(', ');
}

// setPresence takes expirationDuration between PT5M and PT4H; setUserPreferredPresence takes any duration.
export const SESSION_EXPIRY_MINUTES = { min: 5, max: 240 } as const;

export function minutesToIsoDuration(minutes: number): string {
	const hours = Math.floor(minutes / 60);
	const rest = minutes % 60;
	return `PT${hours > 0 ? `${hours}H` : ''}${rest > 0 || hours === 0 ? `${rest}M` : ''}`;
}
