// Status sync between Teams and another system, for scheduled or event-driven workflows. Each input item is one
// user (and, for writes to Teams, their external status). Reads and writes are batched over all items; what
// happened to each user comes out as one item: changed, skipped (and why) or failed.
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { itemParameter } from '../../../shared/itemParameters';
import { errorItem } from '../../../shared/router';
import { readTimeField } from '../../../shared/time';
import { updateDisplayOptions } from '../../../shared/updateDisplayOptions';
import { graphFor } from '../../../shared/transport';
import type { BatchRequestItem } from '../../../shared/transport';
import { applicationSessionId, credentialTypeOf } from '../../helpers/context';
import { classifyIdentifier } from '../../helpers/identifiers';
import { readPresences } from '../../helpers/presenceReader';
import type { UserPresence } from '../../helpers/presenceReader';
import { resolveAddresses } from '../../helpers/userDirectory';
import { minutesToIsoDuration } from '../../presenceValues';
import type { PresencePair } from '../../presenceValues';
import { mapExternalToTeams, mapTeamsToExternal, resolveTeamsTarget } from '../../statusMap';
import type { TeamsTarget } from '../../statusMap';
import { confirmHandOver, planUserSync, recordExternalWrite, recordTeamsWrite } from '../../syncPlan';
import type { MappingResult, SideDecision, UserSyncPlan } from '../../syncPlan';
import { isForcedResyncDue } from '../../syncState';
import type { UserSyncRecord } from '../../syncState';
import { openSyncStore } from '../../syncStore';
import type { SyncSettings } from './parameters';
import { readSyncSettings, syncProperties } from './parameters';

export const description = updateDisplayOptions({ show: { resource: ['statusSync'], operation: ['sync'] } }, syncProperties);

/** Graph fades an Available session after 5 minutes: re-send it after 4. */
const KEEP_ALIVE_MS = 4 * 60_000;

interface UserWork {
	itemIndex: number;
	user: string;
	userId: string;
	externalStatus?: string;
	/** When the external status took effect, if the item says (epoch ms). */
	changedAt?: number;
	plan?: UserSyncPlan;
	teamsPresence?: PresencePair;
	toTeamsError?: string;
}

/** How far "Status Changed At" may lie from now: older is a wrong unit or a placeholder, newer a wrong zone. */
export const STATUS_TIME_BOUNDS = { maxPastMs: 366 * 24 * 3_600_000, maxFutureMs: 5 * 60_000 };

function mappers(settings: SyncSettings) {
	const mapToTeams = (status: string): MappingResult<TeamsTarget> => {
		const mapped = mapExternalToTeams(status, settings.externalToTeams, settings.setMode);
		if (mapped.kind === 'mapped') return mapped;
		if (settings.unmappedExternal === 'fail') return { kind: 'fail', message: `No row of the External to Teams Map matches the status "${status}"` };
		if (settings.unmappedExternal === 'fallback') {
			const target = resolveTeamsTarget({ availability: settings.fallbackAvailability }, settings.setMode);
			if (target.kind !== 'invalid') return { kind: 'mapped', target };
		}
		return { kind: 'unmapped' };
	};
	const mapToExternal = (presence: PresencePair): MappingResult<string> => {
		const status = mapTeamsToExternal(presence, settings.teamsToExternal);
		if (status !== undefined) return { kind: 'mapped', target: status };
		if (settings.unmappedTeams === 'fail') {
			return { kind: 'fail', message: `No row of the Teams to External Map matches ${presence.availability}/${presence.activity}` };
		}
		if (settings.unmappedTeams === 'fallback') return { kind: 'mapped', target: settings.fallbackExternalStatus };
		return { kind: 'unmapped' };
	};
	return { mapToTeams, mapToExternal };
}

/** The $batch sub-request that applies a Teams target for one user. */
function writeRequest(id: string, userId: string, target: TeamsTarget, settings: SyncSettings, sessionId: string): BatchRequestItem {
	const base = `/users/${encodeURIComponent(userId)}/presence`;
	const headers = { 'Content-Type': 'application/json' };
	if (settings.setMode === 'applicationSession') {
		return target.kind === 'clear'
			? { id, method: 'POST', url: `${base}/clearPresence`, body: { sessionId }, headers }
			: {
					id,
					method: 'POST',
					url: `${base}/setPresence`,
					body: { sessionId, availability: target.availability, activity: target.activity, expirationDuration: minutesToIsoDuration(settings.sessionExpiryMinutes) },
					headers,
				};
	}
	return target.kind === 'clear'
		? { id, method: 'POST', url: `${base}/clearUserPreferredPresence`, headers }
		: { id, method: 'POST', url: `${base}/setUserPreferredPresence`, body: { availability: target.availability, activity: target.activity }, headers };
}

function sideJson<T>(decision: SideDecision<T> | undefined, describe: (target: T) => IDataObject): IDataObject | undefined {
	if (!decision) return undefined;
	if (decision.action === 'skip') return { result: 'skipped', reason: decision.reason };
	if (decision.action === 'fail') return { result: 'failed', error: decision.message };
	return {
		result: 'changed',
		...describe(decision.target),
		...(decision.forced ? { forced: true } : {}),
		...(decision.keepAlive ? { keepAlive: true } : {}),
		...(decision.retry ? { retry: true } : {}),
	};
}

function teamsTargetJson(target: TeamsTarget): IDataObject {
	return target.kind === 'clear' ? { cleared: true } : { availability: target.availability, activity: target.activity };
}

export async function executeBatch(this: IExecuteFunctions, itemIndexes: number[]): Promise<INodeExecutionData[]> {
	const first = itemIndexes[0] ?? 0;
	const settings = readSyncSettings(this, first);
	const credentialType = credentialTypeOf(this, first);
	const now = Date.now();
	const results = new Map<number, INodeExecutionData>();
	const fail = (itemIndex: number, error: unknown) => {
		if (!this.continueOnFail()) throw error;
		results.set(itemIndex, errorItem(error, itemIndex));
	};

	// 1. Who: ids as given, addresses resolved in bulk.
	const raw: Array<{ itemIndex: number; user: string; externalStatus?: string; changedAt?: number }> = [];
	for (const itemIndex of itemIndexes) {
		try {
			const user = String(itemParameter(this, 'user')(itemIndex) ?? '').trim();
			const identifier = classifyIdentifier(user);
			if (identifier.kind === 'invalid') {
				throw new NodeOperationError(this.getNode(), `User "${user}" is not an object ID, user principal name or email`, { itemIndex });
			}
			const status = String(itemParameter(this, 'externalStatus', '')(itemIndex) ?? '').trim();
			if (settings.direction !== 'fromTeams' && status === '') {
				throw new NodeOperationError(this.getNode(), 'External Status is empty', {
					itemIndex,
					description: "Map the other system's status of this user into External Status, e.g. {{ $json.status }}.",
				});
			}
			const changedAt = readTimeField(this.getNode(), itemParameter(this, 'options.statusChangedAt', '')(itemIndex), 'Status Changed At', {
				itemIndex,
				timezone: this.getTimezone(),
				now,
				...STATUS_TIME_BOUNDS,
				hint: 'Leave it empty when the other system does not say when the status changed.',
			});
			raw.push({ itemIndex, user, externalStatus: status === '' ? undefined : status, changedAt });
		} catch (error) {
			fail(itemIndex, error);
		}
	}
	const addresses = raw.map((r) => classifyIdentifier(r.user)).filter((i) => i.kind === 'address').map((i) => i.value);
	const byAddress = await resolveAddresses(this, credentialType, addresses, first);
	const work: UserWork[] = [];
	for (const entry of raw) {
		const identifier = classifyIdentifier(entry.user);
		const userId = identifier.kind === 'id' ? identifier.value : byAddress.get(identifier.value.toLowerCase())?.id?.toLowerCase();
		if (!userId) {
			fail(entry.itemIndex, new NodeOperationError(this.getNode(), `No user has the user principal name or email "${entry.user}"`, { itemIndex: entry.itemIndex }));
			continue;
		}
		work.push({ itemIndex: entry.itemIndex, user: entry.user, userId, externalStatus: entry.externalStatus, changedAt: entry.changedAt });
	}
	// A user listed twice: the last item is the current status; the earlier ones are reported, not synced.
	const lastIndexOf = new Map(work.map((entry) => [entry.userId, entry.itemIndex]));
	for (const entry of work.filter((w) => lastIndexOf.get(w.userId) !== w.itemIndex)) {
		results.set(entry.itemIndex, {
			json: { user: entry.user, userId: entry.userId, result: 'skipped', reason: 'duplicate', externalStatus: null },
			pairedItem: { item: entry.itemIndex },
		});
	}
	work.splice(0, work.length, ...work.filter((w) => lastIndexOf.get(w.userId) === w.itemIndex));

	// 2. Teams presence of everyone, when reading from Teams: 650 users a call.
	let presences = new Map<string, UserPresence>();
	if (settings.direction !== 'toTeams' && work.length > 0) {
		presences = await readPresences(this, credentialType, work.map((w) => w.userId), first);
	}

	// 3. Decide, user by user, from the state kept in the workflow's static data (merged with overlapping runs').
	const store = openSyncStore(this, now, settings.pruneAfterMs);
	const state = store.state;
	const forced = isForcedResyncDue(state, now, settings.forcedResyncMs);
	const { mapToTeams, mapToExternal } = mappers(settings);
	for (const entry of work) {
		const presence = presences.get(entry.userId);
		entry.teamsPresence =
			settings.direction === 'toTeams' || !presence
				? undefined
				: { availability: presence.availability ?? 'PresenceUnknown', activity: presence.activity ?? 'PresenceUnknown' };
		let record: UserSyncRecord | undefined = state.users[entry.userId];
		// The workflow confirmed (Confirm Written) a status handed over earlier: it counts as written.
		const confirmation = store.takeConfirmation(entry.userId, entry.user);
		if (record && confirmation && record.handedOver?.some((handover) => handover.value === confirmation.value && handover.at <= confirmation.at)) {
			record = confirmHandOver(record, confirmation.value);
		}
		entry.plan = planUserSync({
			record,
			now,
			direction: settings.direction,
			externalStatus: entry.externalStatus,
			externalChangedAt: entry.changedAt,
			teamsPresence: entry.teamsPresence,
			thresholdMs: settings.thresholdMs,
			forced,
			mapToTeams,
			mapToExternal,
			keepAliveMs: settings.setMode === 'applicationSession' ? KEEP_ALIVE_MS : undefined,
		});
		state.users[entry.userId] = entry.plan.record;
	}

	// 4. Write to Teams: one $batch call per 20 users.
	const writes = work.filter((w) => w.plan?.toTeams?.action === 'write');
	if (writes.length > 0) {
		const sessionId = settings.setMode === 'applicationSession' ? await applicationSessionId(this, credentialType, first) : '';
		const requests = writes.map((w, index) =>
			writeRequest(String(index + 1), w.userId, (w.plan!.toTeams as { target: TeamsTarget }).target, settings, sessionId),
		);
		const responses = await graphFor(this).batch(credentialType, requests, { itemIndex: first });
		responses.forEach((response, index) => {
			const entry = writes[index];
			const target = (entry.plan!.toTeams as { target: TeamsTarget }).target;
			// Clearing a session that is already gone (404 NotFound) leaves Teams as wanted.
			const alreadyClear = target.kind === 'clear' && response.status === 404 && response.error?.code === 'NotFound';
			if (response.status >= 200 && response.status < 300 || alreadyClear) {
				state.users[entry.userId] = recordTeamsWrite(state.users[entry.userId], target, now);
			} else {
				entry.toTeamsError = `${response.error?.code ?? `HTTP ${response.status}`}: ${response.error?.message ?? 'Graph refused the presence change'}`;
			}
		});
	}

	// 5. Statuses handed to the other system are pending until read back or confirmed; their return is an echo.
	for (const entry of work) {
		const fromTeams = entry.plan?.fromTeams;
		if (fromTeams?.action === 'write') state.users[entry.userId] = recordExternalWrite(state.users[entry.userId], fromTeams.target, now);
	}
	if (forced) state.lastForcedResyncAt = now;
	store.save(work.map((entry) => entry.userId));

	// 6. One item per user.
	for (const entry of work) {
		const plan = entry.plan!;
		const toTeams = entry.toTeamsError ? { result: 'failed', error: entry.toTeamsError } : sideJson(plan.toTeams, teamsTargetJson);
		const fromTeams = sideJson(plan.fromTeams, (status: string) => ({ externalStatus: status }));
		const sides = [toTeams, fromTeams].filter((side): side is IDataObject => side !== undefined);
		const result = sides.some((s) => s.result === 'failed') ? 'failed' : sides.some((s) => s.result === 'changed') ? 'changed' : 'skipped';
		const json: IDataObject = {
			user: entry.user,
			userId: entry.userId,
			result,
			...(result === 'skipped' ? { reason: sides[0]?.reason ?? null } : {}),
			externalStatus: plan.fromTeams?.action === 'write' ? plan.fromTeams.target : null,
			teamsAvailability: entry.teamsPresence?.availability ?? null,
			teamsActivity: entry.teamsPresence?.activity ?? null,
			forcedResync: forced,
		};
		if (toTeams) json.toTeams = toTeams;
		if (fromTeams) json.fromTeams = fromTeams;
		// A user Graph refused is reported, not thrown: the sync's output is its report, one item per user.
		if (result === 'failed') json.error = sides.map((s) => s.error).filter(Boolean).join('; ');
		results.set(entry.itemIndex, { json, pairedItem: { item: entry.itemIndex } });
	}
	return itemIndexes.map((itemIndex) => results.get(itemIndex)).filter((item): item is INodeExecutionData => item !== undefined);
}
