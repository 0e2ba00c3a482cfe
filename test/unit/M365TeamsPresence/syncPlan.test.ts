import type { PresencePair } from '../../../nodes/M365TeamsPresence/presenceValues';
import type { TeamsTarget } from '../../../nodes/M365TeamsPresence/statusMap';
import {
	DEFAULT_EXTERNAL_TO_TEAMS,
	DEFAULT_TEAMS_TO_EXTERNAL,
	mapExternalToTeams,
	mapTeamsToExternal,
} from '../../../nodes/M365TeamsPresence/statusMap';
import type {
	MappingResult,
	SyncDirection,
	UserSyncInput,
} from '../../../nodes/M365TeamsPresence/syncPlan';
import {
	confirmHandOver,
	planUserSync,
	recordExternalWrite,
	recordTeamsWrite,
} from '../../../nodes/M365TeamsPresence/syncPlan';
import type { UserSyncRecord } from '../../../nodes/M365TeamsPresence/syncState';

const THRESHOLD = 15_000;
const T0 = Date.UTC(2026, 10, 23, 12, 0, 0);

function mapToTeams(status: string): MappingResult<TeamsTarget> {
	const mapped = mapExternalToTeams(status, DEFAULT_EXTERNAL_TO_TEAMS, 'applicationSession');
	return mapped.kind === 'mapped' ? mapped : { kind: 'unmapped' };
}
function mapToExternal(presence: PresencePair): MappingResult<string> {
	const status = mapTeamsToExternal(presence, DEFAULT_TEAMS_TO_EXTERNAL);
	return status === undefined ? { kind: 'unmapped' } : { kind: 'mapped', target: status };
}

function plan(
	record: UserSyncRecord | undefined,
	now: number,
	direction: SyncDirection,
	sides: { external?: string; teams?: PresencePair; externalChangedAt?: number },
	forced = false,
) {
	const input: UserSyncInput = {
		record,
		now,
		direction,
		externalStatus: sides.external,
		externalChangedAt: sides.externalChangedAt,
		teamsPresence: sides.teams,
		thresholdMs: THRESHOLD,
		forced,
		mapToTeams,
		mapToExternal,
	};
	return planUserSync(input);
}

const available = { availability: 'Available', activity: 'Available' };
const inACall = { availability: 'Busy', activity: 'InACall' };
const dnd = { availability: 'DoNotDisturb', activity: 'DoNotDisturb' };

describe('to Teams', () => {
	it('writes a status seen for the first time, then skips it as unchanged', () => {
		const first = plan(undefined, T0, 'toTeams', { external: 'On a call' });
		expect(first.toTeams).toEqual({
			action: 'write',
			target: { kind: 'set', availability: 'Busy', activity: 'InACall' },
			forced: false,
		});
		const written = recordTeamsWrite(first.record, (first.toTeams as { target: TeamsTarget }).target, T0);
		const second = plan(written, T0 + 60_000, 'toTeams', { external: 'On a call' });
		expect(second.toTeams).toEqual({ action: 'skip', reason: 'unchanged' });
	});

	it('holds back a change until it has lasted the threshold (the 15-second rule)', () => {
		const start = plan(undefined, T0, 'toTeams', { external: 'Ready' });
		const record = recordTeamsWrite(start.record, { kind: 'set', ...available }, T0);
		const change = plan(record, T0 + 60_000, 'toTeams', { external: 'On a call' });
		expect(change.toTeams).toEqual({ action: 'skip', reason: 'shortLived' });
		const tooSoon = plan(change.record, T0 + 60_000 + 14_999, 'toTeams', { external: 'On a call' });
		expect(tooSoon.toTeams).toEqual({ action: 'skip', reason: 'shortLived' });
		const lasted = plan(change.record, T0 + 60_000 + 15_000, 'toTeams', { external: 'On a call' });
		expect(lasted.toTeams?.action).toBe('write');
	});

	it('drops a status that was replaced before it lasted the threshold', () => {
		const start = plan(undefined, T0, 'toTeams', { external: 'Ready' });
		const record = recordTeamsWrite(start.record, { kind: 'set', ...available }, T0);
		const blip = plan(record, T0 + 1_000, 'toTeams', { external: 'Away' });
		expect(blip.toTeams).toEqual({ action: 'skip', reason: 'shortLived' });
		const back = plan(blip.record, T0 + 5_000, 'toTeams', { external: 'Ready' });
		expect(back.toTeams).toEqual({ action: 'skip', reason: 'shortLived' });
		// Ready came back as a new value: after the threshold it goes out again (Teams may have drifted).
		const later = plan(back.record, T0 + 20_000, 'toTeams', { external: 'Ready' });
		expect(later.toTeams?.action).toBe('write');
	});

	it('uses the time the external system reports for the threshold', () => {
		const start = plan(undefined, T0, 'toTeams', { external: 'Ready' });
		const record = recordTeamsWrite(start.record, { kind: 'set', ...available }, T0);
		const change = plan(record, T0 + 60_000, 'toTeams', {
			external: 'On a call',
			externalChangedAt: T0 + 30_000,
		});
		expect(change.toTeams?.action).toBe('write');
	});

	it('skips unmapped statuses', () => {
		expect(plan(undefined, T0, 'toTeams', { external: 'Lunch' }).toTeams).toEqual({
			action: 'skip',
			reason: 'unmapped',
		});
	});

	it('re-sends unchanged statuses on a forced resync', () => {
		const start = plan(undefined, T0, 'toTeams', { external: 'Ready' });
		const record = recordTeamsWrite(start.record, { kind: 'set', ...available }, T0);
		const forced = plan(record, T0 + 3_600_000, 'toTeams', { external: 'Ready' }, true);
		expect(forced.toTeams).toEqual({
			action: 'write',
			target: { kind: 'set', ...available },
			forced: true,
		});
	});
});

describe('from Teams', () => {
	it('hands a Teams change to the external system once it has lasted', () => {
		const seen = plan(undefined, T0, 'fromTeams', { teams: available });
		expect(seen.fromTeams).toEqual({ action: 'write', target: 'Ready', forced: false });
		const record = recordExternalWrite(seen.record, 'Ready', T0);
		const busy = plan(record, T0 + 60_000, 'fromTeams', { teams: inACall });
		expect(busy.fromTeams).toEqual({ action: 'skip', reason: 'shortLived' });
		const lasted = plan(busy.record, T0 + 80_000, 'fromTeams', { teams: inACall });
		expect(lasted.fromTeams).toEqual({ action: 'write', target: 'On a call', forced: false });
	});

	it('skips when the external system already shows the mapped status', () => {
		const result = plan(undefined, T0, 'fromTeams', { teams: available, external: 'ready' });
		expect(result.fromTeams).toEqual({ action: 'skip', reason: 'unchanged' });
		expect(result.record.sentToExternal).toBe('Available/Available');
		// fromTeams never writes to Teams, even with an external status given.
		expect(result.toTeams).toBeUndefined();
	});

	it('skips presence with no row in the map', () => {
		const result = plan(undefined, T0, 'fromTeams', {
			teams: { availability: 'PresenceUnknown', activity: 'PresenceUnknown' },
		});
		expect(result.fromTeams).toEqual({ action: 'skip', reason: 'unmapped' });
	});
});

describe('both directions', () => {
	it('does not echo a status this sync wrote to Teams back to the external system', () => {
		const first = plan(undefined, T0, 'both', { external: 'On a call', teams: available });
		// Both sides are new; ties go to the external system.
		expect(first.toTeams?.action).toBe('write');
		expect(first.fromTeams).toEqual({ action: 'skip', reason: 'superseded' });
		const written = recordTeamsWrite(first.record, { kind: 'set', ...inACall }, T0);
		const next = plan(written, T0 + 60_000, 'both', { external: 'On a call', teams: inACall });
		expect(next.fromTeams).toEqual({ action: 'skip', reason: 'echo' });
		expect(next.toTeams).toEqual({ action: 'skip', reason: 'unchanged' });
	});

	it('does not echo a status handed to the external system back to Teams', () => {
		let record: UserSyncRecord = {
			external: { value: 'ready', since: T0 - 600_000 },
			teams: { value: 'Available/Available', since: T0 - 600_000 },
			sentToTeams: 'ready',
			wroteTeams: 'Available/Available',
		};
		// The user sets Do not disturb in Teams.
		const change = plan(record, T0, 'both', { external: 'Ready', teams: dnd });
		expect(change.fromTeams).toEqual({ action: 'skip', reason: 'shortLived' });
		const lasted = plan(change.record, T0 + 20_000, 'both', { external: 'Ready', teams: dnd });
		expect(lasted.fromTeams).toEqual({ action: 'write', target: 'Do not disturb', forced: false });
		expect(lasted.toTeams).toEqual({ action: 'skip', reason: 'unchanged' });
		record = recordExternalWrite(lasted.record, 'Do not disturb', T0 + 20_000);
		// The external system now reports Do not disturb: that is our own write coming back.
		const echo = plan(record, T0 + 40_000, 'both', { external: 'Do not disturb', teams: dnd });
		expect(echo.toTeams).toEqual({ action: 'skip', reason: 'echo' });
		expect(echo.fromTeams).toEqual({ action: 'skip', reason: 'unchanged' });
	});

	it('sends a value again when a side returns to it after moving on', () => {
		let record: UserSyncRecord = {
			external: { value: 'do not disturb', since: T0 - 600_000 },
			teams: { value: 'DoNotDisturb/DoNotDisturb', since: T0 - 600_000 },
			sentToTeams: 'ready',
			wroteExternal: 'do not disturb',
			sentToExternal: 'DoNotDisturb/DoNotDisturb',
		};
		const agentReady = plan(record, T0, 'both', { external: 'Ready', teams: dnd });
		expect(agentReady.toTeams).toEqual({ action: 'skip', reason: 'shortLived' });
		expect(agentReady.record.wroteExternal).toBeUndefined();
		record = agentReady.record;
		const lasted = plan(record, T0 + 20_000, 'both', { external: 'Ready', teams: dnd });
		expect(lasted.toTeams).toEqual({
			action: 'write',
			target: { kind: 'set', ...available },
			forced: false,
		});
	});

	it('lets the more recent change win when both sides changed', () => {
		const record: UserSyncRecord = {
			external: { value: 'ready', since: T0 - 600_000 },
			teams: { value: 'Available/Available', since: T0 - 600_000 },
			sentToTeams: 'ready',
			sentToExternal: 'Available/Available',
		};
		const externalFirst = plan(record, T0, 'both', { external: 'Away', teams: available });
		const teamsLater = plan(externalFirst.record, T0 + 5_000, 'both', { external: 'Away', teams: dnd });
		const settled = plan(teamsLater.record, T0 + 30_000, 'both', { external: 'Away', teams: dnd });
		expect(settled.fromTeams).toEqual({ action: 'write', target: 'Do not disturb', forced: false });
		expect(settled.toTeams).toEqual({ action: 'skip', reason: 'superseded' });
	});

	it("does not overwrite an external change that has not lasted the threshold yet with Teams' older status", () => {
		// The first run: Teams shows Available (seen for the first time, so settled); the agent went on a call 5 s ago.
		const first = plan(undefined, T0, 'both', { external: 'On a call', externalChangedAt: T0 - 5_000, teams: available });
		expect(first.toTeams).toEqual({ action: 'skip', reason: 'shortLived' });
		expect(first.fromTeams).toEqual({ action: 'skip', reason: 'superseded' });
		// Once it has lasted, it goes to Teams, and Teams' Available never went to the external system.
		const lasted = plan(first.record, T0 + 30_000, 'both', { external: 'On a call', externalChangedAt: T0 - 5_000, teams: available });
		expect(lasted.toTeams).toEqual({ action: 'write', target: expect.objectContaining({ availability: 'Busy', activity: 'InACall' }), forced: false });
		expect(lasted.fromTeams).toEqual({ action: 'skip', reason: 'superseded' });
	});

	it('does not overwrite a Teams change that has not lasted the threshold yet with the older external status', () => {
		const record: UserSyncRecord = {
			external: { value: 'ready', since: T0 - 600_000 },
			teams: { value: 'Available/Available', since: T0 - 600_000 },
		};
		const change = plan(record, T0, 'both', { external: 'Ready', teams: dnd }, true);
		expect(change.fromTeams).toEqual({ action: 'skip', reason: 'shortLived' });
		// A forced resync would re-send Ready to Teams over the user's fresh Do not disturb: it waits.
		expect(change.toTeams).toEqual({ action: 'skip', reason: 'superseded' });
	});

	it('on a forced resync re-sends each status in the direction it came from, never echoes', () => {
		const record: UserSyncRecord = {
			external: { value: 'on a call', since: T0 - 600_000 },
			teams: { value: 'Busy/InACall', since: T0 - 600_000 },
			sentToTeams: 'on a call',
			wroteTeams: 'Busy/InACall',
		};
		const forced = plan(record, T0, 'both', { external: 'On a call', teams: inACall }, true);
		expect(forced.toTeams?.action).toBe('write');
		expect(forced.fromTeams).toEqual({ action: 'skip', reason: 'echo' });
	});
});

describe('keeping application sessions alive', () => {
	it('re-sends an unchanged Available session before Graph fades it, and nothing else', () => {
		const start = plan(undefined, T0, 'toTeams', { external: 'Ready' });
		const record = recordTeamsWrite(start.record, { kind: 'set', ...available }, T0);
		const input = (now: number, external: string, written: UserSyncRecord): UserSyncInput => ({
			record: written,
			now,
			direction: 'toTeams',
			externalStatus: external,
			thresholdMs: THRESHOLD,
			forced: false,
			mapToTeams,
			mapToExternal,
			keepAliveMs: 240_000,
		});
		expect(planUserSync(input(T0 + 239_000, 'Ready', record)).toTeams).toEqual({ action: 'skip', reason: 'unchanged' });
		expect(planUserSync(input(T0 + 240_000, 'Ready', record)).toTeams).toEqual({
			action: 'write',
			target: { kind: 'set', ...available },
			forced: false,
			keepAlive: true,
		});
		const busy = recordTeamsWrite(start.record, { kind: 'set', ...inACall }, T0);
		busy.external = { value: 'on a call', since: T0 - 60_000 };
		busy.sentToTeams = 'on a call';
		expect(planUserSync(input(T0 + 600_000, 'On a call', busy)).toTeams).toEqual({ action: 'skip', reason: 'unchanged' });
	});
});

describe('fading application sessions', () => {
	it('treats the idle form of an Available session this sync wrote as its own write, not a user change', () => {
		const record: UserSyncRecord = {
			external: { value: 'ready', since: T0 - 600_000 },
			teams: { value: 'Available/Available', since: T0 - 600_000 },
			sentToTeams: 'ready',
			wroteTeams: 'Available/Available',
		};
		const idle = plan(record, T0, 'both', { external: 'Ready', teams: { availability: 'AvailableIdle', activity: 'Inactive' } });
		expect(idle.fromTeams).toEqual({ action: 'skip', reason: 'echo' });
		expect(idle.record.wroteTeams).toBe('Available/Available');
		// A real change by the user still goes out.
		const busy = plan(idle.record, T0 + 60_000, 'both', { external: 'Ready', teams: { availability: 'Busy', activity: 'InAMeeting' } });
		expect(busy.record.wroteTeams).toBeUndefined();
	});
});

describe('handovers to the external system', () => {
	const settled: UserSyncRecord = {
		external: { value: 'ready', since: T0 - 600_000 },
		teams: { value: 'Available/Available', since: T0 - 600_000 },
		sentToTeams: 'ready',
		wroteTeams: 'Available/Available',
		sentToExternal: 'Available/Available',
	};

	it('counts a handover as written only once the external system shows it', () => {
		const lasted = plan({ ...settled, teams: { value: 'DoNotDisturb/DoNotDisturb', since: T0 - 60_000 } }, T0, 'both', { external: 'Ready', teams: dnd });
		expect(lasted.fromTeams).toEqual({ action: 'write', target: 'Do not disturb', forced: false });
		const handed = recordExternalWrite(lasted.record, 'Do not disturb', T0);
		expect(handed.wroteExternal).toBeUndefined();
		expect(handed.handedOver).toEqual([{ value: 'do not disturb', teams: 'DoNotDisturb/DoNotDisturb', at: T0 }]);

		// The downstream write failed: the other system still shows Ready. Handed over again, not "unchanged".
		const failed = plan(handed, T0 + 60_000, 'both', { external: 'Ready', teams: dnd });
		expect(failed.fromTeams).toEqual({ action: 'write', target: 'Do not disturb', forced: false, retry: true });
		expect(failed.toTeams).toEqual({ action: 'skip', reason: 'unchanged' });

		// Now it shows it: written, its return an echo, nothing more to hand over.
		const again = recordExternalWrite(failed.record, 'Do not disturb', T0 + 60_000);
		const shown = plan(again, T0 + 120_000, 'both', { external: 'Do not disturb', teams: dnd });
		expect(shown.toTeams).toEqual({ action: 'skip', reason: 'echo' });
		expect(shown.fromTeams).toEqual({ action: 'skip', reason: 'unchanged' });
		expect(shown.record).toMatchObject({ wroteExternal: 'do not disturb', sentToExternal: 'DoNotDisturb/DoNotDisturb' });
		expect(shown.record.handedOver).toBeUndefined();
	});

	it('recognises a late write of an older handover as its own, and keeps the newer one pending', () => {
		let record = recordExternalWrite({ ...settled, teams: { value: 'DoNotDisturb/DoNotDisturb', since: T0 } }, 'Do not disturb', T0);
		record = recordExternalWrite({ ...record, teams: { value: 'Busy/InACall', since: T0 + 60_000 } }, 'On a call', T0 + 60_000);
		const late = plan(record, T0 + 120_000, 'both', { external: 'Do not disturb', teams: inACall });
		expect(late.toTeams).toEqual({ action: 'skip', reason: 'echo' });
		expect(late.record.handedOver).toEqual([{ value: 'on a call', teams: 'Busy/InACall', at: T0 + 60_000 }]);
		expect(late.fromTeams).toMatchObject({ action: 'write', target: 'On a call', retry: true });
	});

	it('drops a handover the external system never showed within an hour', () => {
		const handed = recordExternalWrite(settled, 'Away', T0);
		const later = plan(handed, T0 + 61 * 60_000, 'fromTeams', { teams: available });
		expect(later.record.handedOver).toBeUndefined();
	});

	it('takes a confirmation like a read-back', () => {
		const handed = recordExternalWrite({ ...settled, teams: { value: 'DoNotDisturb/DoNotDisturb', since: T0 } }, 'Do not disturb', T0);
		expect(confirmHandOver(handed, 'away')).toBe(handed);
		expect(confirmHandOver(handed, 'do not disturb')).toMatchObject({ wroteExternal: 'do not disturb', sentToExternal: 'DoNotDisturb/DoNotDisturb' });
	});
});
