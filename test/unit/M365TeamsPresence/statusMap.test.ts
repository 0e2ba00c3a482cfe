import {
	DEFAULT_EXTERNAL_TO_TEAMS,
	DEFAULT_TEAMS_TO_EXTERNAL,
	mapExternalToTeams,
	mapTeamsToExternal,
	resolveTeamsTarget,
	validateExternalToTeamsRules,
} from '../../../nodes/M365TeamsPresence/statusMap';
import {
	APPLICATION_SESSION_PAIRS,
	PREFERRED_PRESENCE_PAIRS,
	isAllowedPair,
	minutesToIsoDuration,
} from '../../../nodes/M365TeamsPresence/presenceValues';

describe('default maps', () => {
	it('map the contact-centre statuses to valid application-session pairs', () => {
		expect(validateExternalToTeamsRules(DEFAULT_EXTERNAL_TO_TEAMS, 'applicationSession')).toEqual([]);
		expect(mapExternalToTeams('Ready', DEFAULT_EXTERNAL_TO_TEAMS, 'applicationSession')).toEqual({
			kind: 'mapped',
			target: { kind: 'set', availability: 'Available', activity: 'Available' },
		});
		expect(mapExternalToTeams('On a call', DEFAULT_EXTERNAL_TO_TEAMS, 'applicationSession')).toEqual({
			kind: 'mapped',
			target: { kind: 'set', availability: 'Busy', activity: 'InACall' },
		});
		expect(mapExternalToTeams('Do not disturb', DEFAULT_EXTERNAL_TO_TEAMS, 'applicationSession')).toEqual({
			kind: 'mapped',
			target: { kind: 'set', availability: 'DoNotDisturb', activity: 'Presenting' },
		});
		expect(mapExternalToTeams('Logged out', DEFAULT_EXTERNAL_TO_TEAMS, 'applicationSession')).toEqual({
			kind: 'mapped',
			target: { kind: 'clear' },
		});
	});

	it('map the same statuses to valid preferred-presence pairs', () => {
		expect(validateExternalToTeamsRules(DEFAULT_EXTERNAL_TO_TEAMS, 'preferredPresence')).toEqual([]);
		expect(mapExternalToTeams('On a call', DEFAULT_EXTERNAL_TO_TEAMS, 'preferredPresence')).toEqual({
			kind: 'mapped',
			target: { kind: 'set', availability: 'Busy', activity: 'Busy' },
		});
		expect(mapExternalToTeams('Logged out', DEFAULT_EXTERNAL_TO_TEAMS, 'preferredPresence')).toEqual({
			kind: 'mapped',
			target: { kind: 'set', availability: 'Offline', activity: 'OffWork' },
		});
	});

	it('compare external statuses trimmed and without case', () => {
		expect(mapExternalToTeams('  READY ', DEFAULT_EXTERNAL_TO_TEAMS, 'applicationSession').kind).toBe('mapped');
		expect(mapExternalToTeams('Lunch', DEFAULT_EXTERNAL_TO_TEAMS, 'applicationSession')).toEqual({
			kind: 'unmapped',
		});
	});

	it('map Teams presence to the seed statuses', () => {
		const cases: Array<[string, string, string | undefined]> = [
			['Available', 'Available', 'Ready'],
			['Busy', 'InACall', 'On a call'],
			['Busy', 'InAMeeting', 'On a call'],
			['DoNotDisturb', 'Presenting', 'Do not disturb'],
			['Away', 'Away', 'Away'],
			['BeRightBack', 'BeRightBack', 'Away'],
			['Offline', 'OffWork', 'Logged out'],
			['PresenceUnknown', 'PresenceUnknown', undefined],
		];
		for (const [availability, activity, expected] of cases) {
			expect(mapTeamsToExternal({ availability, activity }, DEFAULT_TEAMS_TO_EXTERNAL)).toBe(expected);
		}
	});
});

describe('custom maps', () => {
	it('prefer a row with a matching activity over an availability-only row', () => {
		const rules = [
			{ availability: 'Busy', externalStatus: 'Busy' },
			{ availability: 'Busy', activity: 'InACall', externalStatus: 'On a call' },
		];
		expect(mapTeamsToExternal({ availability: 'Busy', activity: 'InACall' }, rules)).toBe('On a call');
		expect(mapTeamsToExternal({ availability: 'Busy', activity: 'InAMeeting' }, rules)).toBe('Busy');
	});

	it('use an explicit activity when the pair is valid', () => {
		expect(
			resolveTeamsTarget({ availability: 'Busy', activity: 'InAConferenceCall' }, 'applicationSession'),
		).toEqual({ kind: 'set', availability: 'Busy', activity: 'InAConferenceCall' });
	});

	it('name every bad row with the pairs Teams accepts', () => {
		const problems = validateExternalToTeamsRules(
			[
				{ externalStatus: 'Break', availability: 'BeRightBack' },
				{ externalStatus: 'Meeting', availability: 'Busy', activity: 'InAMeeting' },
				{ externalStatus: '', availability: 'Away' },
				{ externalStatus: 'break', availability: 'Away' },
			],
			'applicationSession',
		);
		expect(problems).toHaveLength(4);
		expect(problems[0]).toContain('Row 1 ("Break"): Teams does not accept BeRightBack as an application presence session');
		expect(problems[0]).toContain('Available/Available, Busy/InACall');
		expect(problems[1]).toContain('Busy/InAMeeting');
		expect(problems[2]).toBe('Row 3: the external status is empty');
		expect(problems[3]).toContain('already mapped in row 1');
	});

	it('accept BeRightBack as a preferred presence', () => {
		expect(validateExternalToTeamsRules([{ externalStatus: 'Break', availability: 'BeRightBack' }], 'preferredPresence')).toEqual([]);
	});
});

describe('presence pairs', () => {
	it('match the Graph documentation tables', () => {
		expect(APPLICATION_SESSION_PAIRS).toHaveLength(5);
		expect(PREFERRED_PRESENCE_PAIRS).toHaveLength(6);
		expect(isAllowedPair('applicationSession', { availability: 'DoNotDisturb', activity: 'Presenting' })).toBe(true);
		expect(isAllowedPair('applicationSession', { availability: 'Busy', activity: 'Busy' })).toBe(false);
		expect(isAllowedPair('preferredPresence', { availability: 'Busy', activity: 'Busy' })).toBe(true);
		expect(isAllowedPair('preferredPresence', { availability: 'Offline', activity: 'Offline' })).toBe(false);
	});

	it('write expiry minutes as ISO 8601 durations', () => {
		expect(minutesToIsoDuration(5)).toBe('PT5M');
		expect(minutesToIsoDuration(60)).toBe('PT1H');
		expect(minutesToIsoDuration(90)).toBe('PT1H30M');
		expect(minutesToIsoDuration(240)).toBe('PT4H');
	});
});
