// Decides, per user and per direction, whether a status goes across: pure, given what was seen before
// (UserSyncRecord), what is seen now and the maps. The operation performs the writes and then records them.
import type { PresencePair } from './presenceValues';
import { pairKey } from './presenceValues';
import type { TeamsTarget } from './statusMap';
import { normalizeExternalStatus, teamsTargetKey } from './statusMap';
import type { ObservedValue, UserSyncRecord } from './syncState';
import { HANDOVER_KEEP_MS, MAX_HANDOVERS } from './syncState';

export type SyncDirection = 'toTeams' | 'fromTeams' | 'both';

export type SkipReason =
	/** Already propagated, or the other side already shows it. */
	| 'unchanged'
	/** Has not yet lasted the threshold: a short status is not propagated. */
	| 'shortLived'
	/** This sync wrote it; sending it back would start a loop. */
	| 'echo'
	/** No row of the map matches and the fallback is to skip. */
	| 'unmapped'
	/** Both sides changed; the more recent change wins (also while it has not lasted the threshold yet). */
	| 'superseded';

export type SideDecision<Target> =
	/**
	 * forced: a forced resync re-sends it; keepAlive: an Available session is re-sent before Graph fades it;
	 * retry: handed to the external system before and not yet read back or confirmed, so handed over again.
	 */
	| { action: 'write'; target: Target; forced: boolean; keepAlive?: boolean; retry?: boolean }
	| { action: 'skip'; reason: SkipReason }
	| { action: 'fail'; message: string };

export type MappingResult<Target> =
	| { kind: 'mapped'; target: Target }
	| { kind: 'unmapped' }
	| { kind: 'fail'; message: string };

export interface UserSyncInput {
	record: UserSyncRecord | undefined;
	now: number;
	direction: SyncDirection;
	/** The external system's current status for the user; required for toTeams and both. */
	externalStatus?: string;
	/** When the external status took effect, if the external system says so (epoch ms). */
	externalChangedAt?: number;
	/** Teams' current presence for the user; required for fromTeams and both. */
	teamsPresence?: PresencePair;
	thresholdMs: number;
	forced: boolean;
	mapToTeams: (externalStatus: string) => MappingResult<TeamsTarget>;
	mapToExternal: (presence: PresencePair) => MappingResult<string>;
	/**
	 * Application sessions only: Graph fades an Available session to idle after 5 minutes and to Away after 10
	 * unless it is set again. An unchanged Available target last written this long ago is re-sent.
	 */
	keepAliveMs?: number;
}

export interface UserSyncPlan {
	toTeams?: SideDecision<TeamsTarget>;
	fromTeams?: SideDecision<string>;
	/** The record with this run's observations; writes are added by recordTeamsWrite / recordExternalWrite. */
	record: UserSyncRecord;
}

// What Teams shows for a session this sync wrote once Graph starts fading it (an Available session not refreshed
// for 5 minutes shows idle): still our own write, not a change of the user's.
const FADED_FORMS: Record<string, string[]> = { 'Available/Available': ['AvailableIdle/Inactive'] };

function isOwnWrite(wrote: string | undefined, value: string): boolean {
	return wrote !== undefined && (wrote === value || (FADED_FORMS[wrote] ?? []).includes(value));
}

interface SideState {
	observed: ObservedValue;
	wrote: string | undefined;
	sent: string | undefined;
}

// A value seen for the first time (no earlier observation) has lasted for an unknown time: it counts as
// stable. A value that replaces an earlier one starts its clock now (or when the external system says).
function observe(
	previous: ObservedValue | undefined,
	value: string,
	changedAt: number | undefined,
	now: number,
	thresholdMs: number,
	wrote: string | undefined,
	sent: string | undefined,
): SideState {
	if (previous !== undefined && previous.value === value) return { observed: previous, wrote, sent };
	const since =
		changedAt !== undefined ? Math.min(changedAt, now) : previous === undefined ? now - thresholdMs : now;
	// A new value that is not our own write means the side moved on: the echo guard and the
	// "already sent" marker no longer apply (a later return to the old value is a real change).
	return { observed: { value, since }, wrote: isOwnWrite(wrote, value) ? wrote : undefined, sent: undefined };
}

function decideSide<Target>(
	side: SideState,
	now: number,
	thresholdMs: number,
	forced: boolean,
	map: () => MappingResult<Target>,
	targetKey: (target: Target) => string,
	otherSideKey: string | undefined,
): SideDecision<Target> {
	if (isOwnWrite(side.wrote, side.observed.value)) return { action: 'skip', reason: 'echo' };
	if (now - side.observed.since < thresholdMs) return { action: 'skip', reason: 'shortLived' };
	const mapping = map();
	if (mapping.kind === 'unmapped') return { action: 'skip', reason: 'unmapped' };
	if (mapping.kind === 'fail') return { action: 'fail', message: mapping.message };
	if (!forced) {
		if (side.sent === side.observed.value) return { action: 'skip', reason: 'unchanged' };
		if (otherSideKey !== undefined && otherSideKey === targetKey(mapping.target)) {
			return { action: 'skip', reason: 'unchanged' };
		}
	}
	return { action: 'write', target: mapping.target, forced };
}

/**
 * The external system shows `value` (read back), or the workflow confirmed it was written: if this sync handed it
 * over, it now counts as written (its return is an echo), and so do the handovers before it. Otherwise unchanged.
 */
export function confirmHandOver(record: UserSyncRecord, value: string): UserSyncRecord {
	const handedOver = record.handedOver ?? [];
	let index = -1;
	for (let i = handedOver.length - 1; i >= 0 && index < 0; i--) if (handedOver[i].value === value) index = i;
	if (index < 0) return record;
	const next: UserSyncRecord = { ...record, wroteExternal: value };
	const entry = handedOver[index];
	// The newest handover written: the Teams presence it came from has crossed.
	if (index === handedOver.length - 1 && entry.teams !== undefined) next.sentToExternal = entry.teams;
	setOptional(next, 'handedOver', handedOver.length > index + 1 ? handedOver.slice(index + 1) : undefined);
	return next;
}

/** Handovers older than HANDOVER_KEEP_MS are taken as not written: dropped. */
function withoutStaleHandOvers(record: UserSyncRecord, now: number): UserSyncRecord {
	if (!record.handedOver) return record;
	const kept = record.handedOver.filter((entry) => now - entry.at < HANDOVER_KEEP_MS);
	if (kept.length === record.handedOver.length) return record;
	const next = { ...record };
	setOptional(next, 'handedOver', kept.length > 0 ? kept : undefined);
	return next;
}

export function planUserSync(input: UserSyncInput): UserSyncPlan {
	let previous = withoutStaleHandOvers(input.record ?? {}, input.now);
	// Read-back: what the external system shows now may be a status this sync handed over.
	if (input.externalStatus !== undefined) previous = confirmHandOver(previous, normalizeExternalStatus(input.externalStatus));
	const record: UserSyncRecord = { ...previous };
	const plan: UserSyncPlan = { record };
	const wantsToTeams = input.direction !== 'fromTeams';
	const wantsFromTeams = input.direction !== 'toTeams';

	let externalSide: SideState | undefined;
	if (input.externalStatus !== undefined) {
		externalSide = observe(
			previous.external,
			normalizeExternalStatus(input.externalStatus),
			input.externalChangedAt,
			input.now,
			input.thresholdMs,
			previous.wroteExternal,
			previous.sentToTeams,
		);
		record.external = externalSide.observed;
		setOptional(record, 'wroteExternal', externalSide.wrote);
		setOptional(record, 'sentToTeams', externalSide.sent);
	}
	let teamsSide: SideState | undefined;
	if (input.teamsPresence !== undefined) {
		teamsSide = observe(
			previous.teams,
			pairKey(input.teamsPresence),
			undefined,
			input.now,
			input.thresholdMs,
			previous.wroteTeams,
			previous.sentToExternal,
		);
		record.teams = teamsSide.observed;
		setOptional(record, 'wroteTeams', teamsSide.wrote);
		setOptional(record, 'sentToExternal', teamsSide.sent);
	}

	if (wantsToTeams && externalSide !== undefined) {
		const externalStatus = input.externalStatus as string;
		plan.toTeams = decideSide(
			externalSide,
			input.now,
			input.thresholdMs,
			input.forced,
			() => input.mapToTeams(externalStatus),
			teamsTargetKey,
			// Teams' aggregated presence can match while our session is gone, so it never counts as "already there".
			undefined,
		);
	}
	if (wantsFromTeams && teamsSide !== undefined) {
		const presence = input.teamsPresence as PresencePair;
		plan.fromTeams = decideSide(
			teamsSide,
			input.now,
			input.thresholdMs,
			input.forced,
			() => input.mapToExternal(presence),
			normalizeExternalStatus,
			externalSide?.observed.value,
		);
	}

	// Both sides want to write: the more recent change wins (ties go to the external system, the usual source).
	if (plan.toTeams?.action === 'write' && plan.fromTeams?.action === 'write' && externalSide && teamsSide) {
		if (teamsSide.observed.since > externalSide.observed.since) {
			plan.toTeams = { action: 'skip', reason: 'superseded' };
		} else {
			plan.fromTeams = { action: 'skip', reason: 'superseded' };
		}
	}
	// One side changed more recently but has not lasted the threshold yet: the other side's older status must not
	// overwrite it meanwhile (an agent who just went "On a call" is not set back to "Ready" from Teams); the new
	// status goes across once it has lasted, or never if it was short.
	if (externalSide && teamsSide) {
		const pending = (decision: SideDecision<unknown> | undefined) => decision?.action === 'skip' && decision.reason === 'shortLived';
		if (plan.fromTeams?.action === 'write' && pending(plan.toTeams) && externalSide.observed.since > teamsSide.observed.since) {
			plan.fromTeams = { action: 'skip', reason: 'superseded' };
		}
		if (plan.toTeams?.action === 'write' && pending(plan.fromTeams) && teamsSide.observed.since > externalSide.observed.since) {
			plan.toTeams = { action: 'skip', reason: 'superseded' };
		}
	}
	// Keep an Available application session alive: re-send it before Graph fades it.
	if (
		input.keepAliveMs !== undefined &&
		plan.toTeams?.action === 'skip' &&
		plan.toTeams.reason === 'unchanged' &&
		previous.wroteTeams === 'Available/Available' &&
		previous.wroteTeamsAt !== undefined &&
		input.now - previous.wroteTeamsAt >= input.keepAliveMs
	) {
		const mapping = input.mapToTeams(input.externalStatus as string);
		if (mapping.kind === 'mapped' && teamsTargetKey(mapping.target) === previous.wroteTeams) {
			plan.toTeams = { action: 'write', target: mapping.target, forced: false, keepAlive: true };
		}
	}
	// Nothing to write because the other side already shows it: remember it as sent.
	if (plan.fromTeams?.action === 'skip' && plan.fromTeams.reason === 'unchanged' && teamsSide) {
		record.sentToExternal = teamsSide.observed.value;
	}
	// Handed over before and not yet shown back: this is a retry of a write that may have failed.
	const fromTeams = plan.fromTeams;
	if (fromTeams?.action === 'write') {
		const value = normalizeExternalStatus(fromTeams.target);
		if ((previous.handedOver ?? []).some((entry) => entry.value === value)) plan.fromTeams = { ...fromTeams, retry: true };
	}
	return plan;
}

function setOptional<Key extends keyof UserSyncRecord>(
	record: UserSyncRecord,
	key: Key,
	value: UserSyncRecord[Key] | undefined,
): void {
	if (value === undefined) delete record[key];
	else record[key] = value;
}

/** After a successful write to Teams: remember what was sent and what Teams will echo back. */
export function recordTeamsWrite(record: UserSyncRecord, target: TeamsTarget, now: number): UserSyncRecord {
	const next: UserSyncRecord = { ...record, wroteTeams: teamsTargetKey(target), wroteTeamsAt: now };
	if (record.external !== undefined) next.sentToTeams = record.external.value;
	return next;
}

/**
 * After the external system was handed a status: it counts as written only once the external system shows it
 * (read back in External Status) or the workflow confirms it; until then it is pending (handedOver), and its
 * return is recognised as this sync's own write.
 */
export function recordExternalWrite(record: UserSyncRecord, externalStatus: string, now: number): UserSyncRecord {
	const value = normalizeExternalStatus(externalStatus);
	const handedOver = (record.handedOver ?? []).filter((entry) => entry.value !== value);
	handedOver.push({ value, at: now, ...(record.teams !== undefined ? { teams: record.teams.value } : {}) });
	return { ...record, handedOver: handedOver.slice(-MAX_HANDOVERS) };
}
