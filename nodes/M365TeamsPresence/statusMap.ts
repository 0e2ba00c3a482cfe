// Status maps in both directions between an external system's statuses (a contact centre's "Ready",
// "On a call", ...) and Teams presence. Pure: the node turns its table parameters into these rules.
import type { PresencePair, SetMode } from './presenceValues';
import { describeAllowedPairs, isAllowedPair } from './presenceValues';

/** One row of the external -> Teams table. An empty activity means "the usual activity for this availability". */
export interface ExternalToTeamsRule {
	externalStatus: string;
	availability: string;
	activity?: string;
}

/** One row of the Teams -> external table. An empty activity matches any activity. */
export interface TeamsToExternalRule {
	availability: string;
	activity?: string;
	externalStatus: string;
}

/** What to do to Teams: set a pair, or clear what this integration set (Offline cannot be set as a session). */
export type TeamsTarget = ({ kind: 'set' } & PresencePair) | { kind: 'clear' };

export const DEFAULT_EXTERNAL_TO_TEAMS: readonly ExternalToTeamsRule[] = [
	{ externalStatus: 'Ready', availability: 'Available' },
	{ externalStatus: 'On a call', availability: 'Busy' },
	{ externalStatus: 'Do not disturb', availability: 'DoNotDisturb' },
	{ externalStatus: 'Away', availability: 'Away' },
	{ externalStatus: 'Logged out', availability: 'Offline' },
];

// Specific rows (with an activity) win over availability-only rows, whatever their order in the table.
export const DEFAULT_TEAMS_TO_EXTERNAL: readonly TeamsToExternalRule[] = [
	{ availability: 'Available', externalStatus: 'Ready' },
	{ availability: 'AvailableIdle', externalStatus: 'Away' },
	{ availability: 'Busy', externalStatus: 'On a call' },
	{ availability: 'BusyIdle', externalStatus: 'On a call' },
	{ availability: 'DoNotDisturb', externalStatus: 'Do not disturb' },
	{ availability: 'Away', externalStatus: 'Away' },
	{ availability: 'BeRightBack', externalStatus: 'Away' },
	{ availability: 'Offline', externalStatus: 'Logged out' },
];

// The activity Graph accepts with each availability when the row leaves the activity empty.
const SESSION_DEFAULT_ACTIVITY: Record<string, string> = {
	Available: 'Available',
	Busy: 'InACall',
	Away: 'Away',
	DoNotDisturb: 'Presenting',
};
const PREFERRED_DEFAULT_ACTIVITY: Record<string, string> = {
	Available: 'Available',
	Busy: 'Busy',
	DoNotDisturb: 'DoNotDisturb',
	BeRightBack: 'BeRightBack',
	Away: 'Away',
	Offline: 'OffWork',
};

/** External statuses compare trimmed and case-insensitively: "ready " and "Ready" are the same status. */
export function normalizeExternalStatus(status: string): string {
	return status.trim().toLowerCase();
}

/**
 * Resolves one external -> Teams row into what is written for the given mode, or explains why Graph would
 * refuse it. Offline in application-session mode means "clear our session": Graph has no Offline session.
 */
export function resolveTeamsTarget(
	rule: Pick<ExternalToTeamsRule, 'availability' | 'activity'>,
	mode: SetMode,
): TeamsTarget | { kind: 'invalid'; message: string } {
	const availability = rule.availability.trim();
	const explicitActivity = (rule.activity ?? '').trim();
	if (mode === 'applicationSession' && availability === 'Offline' && explicitActivity === '') {
		return { kind: 'clear' };
	}
	const defaults = mode === 'applicationSession' ? SESSION_DEFAULT_ACTIVITY : PREFERRED_DEFAULT_ACTIVITY;
	const activity = explicitActivity === '' ? defaults[availability] : explicitActivity;
	if (activity !== undefined && isAllowedPair(mode, { availability, activity })) {
		return { kind: 'set', availability, activity };
	}
	const shown = activity === undefined ? availability : `${availability}/${activity}`;
	const api = mode === 'applicationSession' ? 'an application presence session' : 'a preferred presence';
	return {
		kind: 'invalid',
		message: `Teams does not accept ${shown} as ${api}. Use one of: ${describeAllowedPairs(mode)}${
			mode === 'applicationSession' ? ', or Offline to clear the session' : ''
		}`,
	};
}

/** Every problem in an external -> Teams table, one message per bad row, for a single clear node error. */
export function validateExternalToTeamsRules(
	rules: readonly ExternalToTeamsRule[],
	mode: SetMode,
): string[] {
	const problems: string[] = [];
	const seen = new Map<string, number>();
	rules.forEach((rule, index) => {
		const row = index + 1;
		const key = normalizeExternalStatus(rule.externalStatus);
		if (key === '') {
			problems.push(`Row ${row}: the external status is empty`);
			return;
		}
		const earlier = seen.get(key);
		if (earlier !== undefined) {
			problems.push(`Row ${row}: "${rule.externalStatus}" is already mapped in row ${earlier}`);
		}
		seen.set(key, row);
		const target = resolveTeamsTarget(rule, mode);
		if (target.kind === 'invalid') problems.push(`Row ${row} ("${rule.externalStatus}"): ${target.message}`);
	});
	return problems;
}

export type ExternalMapping = { kind: 'mapped'; target: TeamsTarget } | { kind: 'unmapped' };

export function mapExternalToTeams(
	externalStatus: string,
	rules: readonly ExternalToTeamsRule[],
	mode: SetMode,
): ExternalMapping {
	const key = normalizeExternalStatus(externalStatus);
	const rule = rules.find((candidate) => normalizeExternalStatus(candidate.externalStatus) === key);
	if (rule === undefined) return { kind: 'unmapped' };
	const target = resolveTeamsTarget(rule, mode);
	// Invalid rows are rejected before any item runs (validateExternalToTeamsRules); treat as unmapped here.
	return target.kind === 'invalid' ? { kind: 'unmapped' } : { kind: 'mapped', target };
}

export function mapTeamsToExternal(
	presence: PresencePair,
	rules: readonly TeamsToExternalRule[],
): string | undefined {
	const sameAvailability = rules.filter((rule) => rule.availability.trim() === presence.availability);
	const specific = sameAvailability.find((rule) => (rule.activity ?? '').trim() === presence.activity);
	if (specific !== undefined) return specific.externalStatus;
	return sameAvailability.find((rule) => (rule.activity ?? '').trim() === '')?.externalStatus;
}

export function teamsTargetKey(target: TeamsTarget): string {
	return target.kind === 'clear' ? 'clear' : `${target.availability}/${target.activity}`;
}
