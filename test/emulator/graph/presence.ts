// Graph presence (cloud communications), as Microsoft documents it:
//   GET  /users/{id}/presence, /me/presence, /communications/presences/{id}          presence-get.md
//   POST /communications/getPresencesByUserId  { ids }  (650 ids at most)            cloudcommunications-getpresencesbyuserid.md
//   POST /users/{id}/presence/setPresence | clearPresence                             presence-setpresence.md, presence-clearpresence.md
//   POST /users/{id}/presence/setUserPreferredPresence | clearUserPreferredPresence   presence-setuserpreferredpresence.md, ...
// Aggregation (presence-setpresence.md "Presence sessions"): user-configured (preferred) beats app-configured; among
// sessions DoNotDisturb > Busy > Available > Away; an Available session fades after 5 minutes without a refresh
// (idle) and after 10 to Away; an expired session is gone; no session at all is Offline. Preferred presence only
// shows while at least one session exists. The user's own Teams clients are one more session: the tenant record's
// `presence` (what the seed gives, and what POST /_emulator/presence/{id} changes, as a user clicking in Teams).
// Where the documentation is silent the emulator chooses, and says so: ids that are not users of the tenant (or
// users without Teams) come back as PresenceUnknown in getPresencesByUserId; ids that are not GUIDs are a 400;
// writes to a user without Teams are a 404.
// Every change of a user's aggregated presence, by a write or by the clock, is announced as an 'updated' change
// on communications/presences('{id}') for the subscriptions area.
// Throttling (rule `presenceRate`, rules.ts, on by default as Graph applies it): Microsoft's throttling limits list Presence at
// "1500 requests in a 30 second period, per application per tenant" (throttling-limits.md, Cloud communication
// service limits; presence-get.md and cloudcommunications-getpresencesbyuserid.md repeat it). The docs do not say
// which presence calls count, so every presence route counts (reads and writes, each $batch sub-request on its
// own: the safer reading); beyond the limit, 429 TooManyRequests with Retry-After = seconds until the oldest request
// of the window leaves it (emulator clock).
import type { Presence } from '@microsoft/microsoft-graph-types';

import type { Clock } from '../clock';
import { onOff } from '../rules';
import type { TenantState } from '../state/tenantState';
import type { PresenceRecord } from '../state/types';
import type { Principal } from '../tokens';
import { directoryNotFound, graphError, THROTTLED_MESSAGE } from './errors';
import type { ControlContext, GraphContext, GraphResult, GraphRouter } from './router';

export const MAX_IDS_PER_REQUEST = 650;
const SESSION_TIMEOUT_MS = 5 * 60_000;
const SESSION_DEFAULT_EXPIRY_MS = 5 * 60_000;
const SESSION_MIN_EXPIRY_MS = 5 * 60_000;
const SESSION_MAX_EXPIRY_MS = 240 * 60_000;
const DAY_MS = 24 * 3_600_000;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const READ_PERMISSIONS = {
	application: ['Presence.Read.All', 'Presence.ReadWrite.All'],
	delegated: ['Presence.Read', 'Presence.Read.All'],
};
const WRITE_PERMISSIONS = { application: ['Presence.ReadWrite.All'], delegated: ['Presence.ReadWrite'] };

/** presence-setpresence.md, "Supported combinations of availability and activity". */
export const SESSION_PAIRS = [
	'Available/Available',
	'Busy/InACall',
	'Busy/InAConferenceCall',
	'Away/Away',
	'DoNotDisturb/Presenting',
];
/** presence-setuserpreferredpresence.md, "supported combinations of availability and activity". */
export const PREFERRED_PAIRS = [
	'Available/Available',
	'Busy/Busy',
	'DoNotDisturb/DoNotDisturb',
	'BeRightBack/BeRightBack',
	'Away/Away',
	'Offline/OffWork',
];

const RANK: Record<string, number> = {
	DoNotDisturb: 4,
	Busy: 3,
	BusyIdle: 3,
	Available: 2,
	AvailableIdle: 2,
	BeRightBack: 1,
	Away: 1,
};

/** Emulator-only bookkeeping: when each app session was (re)set, the last presence announced per user. */
interface PresenceAreaState {
	sessionSetAt: Record<string, Record<string, number>>;
	announced: Record<string, string>;
}

function areaState(state: TenantState): PresenceAreaState {
	return state.area<PresenceAreaState>('presence', () => ({ sessionSetAt: {}, announced: {} }));
}

/** throttling-limits.md, Cloud communication service limits: Presence. */
export const PRESENCE_LIMIT = { requests: 1500, windowMs: 30_000 } as const;

/** The rule of that limit (rules.ts): on by default, as Graph applies it to every tenant. */
export const PRESENCE_RATE_RULE = 'presenceRate';

// When each app's recent presence requests were admitted (emulator clock), per tenant (keyed by the tenant's data,
// so reset() starts with empty windows, as it does for the other throttling limits): not tenant data itself.
const admittedByTenant = new WeakMap<object, Map<string, number[]>>();

/** Counts the request against the app's presence limit; beyond it, Graph's 429. */
function admitPresenceRequest(ctx: GraphContext): void {
	if (!ctx.emulator.rules.enabled(PRESENCE_RATE_RULE)) return;
	const now = ctx.clock.nowMs();
	let admitted = admittedByTenant.get(ctx.state.data);
	if (!admitted) admittedByTenant.set(ctx.state.data, (admitted = new Map()));
	const appId = ctx.principal.appId.toLowerCase();
	const times = (admitted.get(appId) ?? []).filter((t) => t > now - PRESENCE_LIMIT.windowMs);
	admitted.set(appId, times);
	if (times.length >= PRESENCE_LIMIT.requests) {
		const retryAfter = Math.max(1, Math.ceil((times[0] + PRESENCE_LIMIT.windowMs - now) / 1000));
		graphError(429, 'TooManyRequests', THROTTLED_MESSAGE, { 'Retry-After': String(retryAfter) });
	}
	times.push(now);
}

/** ISO 8601 duration (PnDTnHnMnS) in milliseconds; undefined when it is not one. */
export function parseIsoDuration(text: unknown): number | undefined {
	if (typeof text !== 'string') return undefined;
	const match = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(text.trim());
	if (!match || text.trim().toUpperCase() === 'P' || /T$/i.test(text.trim())) return undefined;
	const [, days, hours, minutes, seconds] = match;
	return (
		Number(days ?? 0) * DAY_MS + Number(hours ?? 0) * 3_600_000 + Number(minutes ?? 0) * 60_000 + Number(seconds ?? 0) * 1000
	);
}

interface Candidate {
	availability: string;
	activity: string;
	rank: number;
	setAt: number;
}

/** What Graph shows for the user now: the record's sessions and preference aggregated at `nowMs`. */
export function aggregatePresence(record: PresenceRecord, nowMs: number, sessionSetAt: Record<string, number> = {}): Presence {
	const base = record.presence;
	const shown: Presence = {
		id: base.id,
		availability: base.availability,
		activity: base.activity,
		statusMessage: base.statusMessage ?? null,
		outOfOfficeSettings: base.outOfOfficeSettings ?? { message: null, isOutOfOffice: false },
	};
	if (base.availability === 'PresenceUnknown') return shown;

	const candidates: Candidate[] = [];
	if (base.availability !== 'Offline') {
		candidates.push({ availability: base.availability, activity: base.activity, rank: RANK[base.availability] ?? 0, setAt: -1 });
	}
	for (const session of record.sessions) {
		if (Date.parse(session.expiresDateTime) <= nowMs) continue;
		const setAt = sessionSetAt[session.sessionId] ?? nowMs;
		let { availability, activity } = session;
		// An Available session that is not refreshed fades: idle after one timeout, Away after two.
		if (availability === 'Available') {
			const idleFor = nowMs - setAt;
			if (idleFor >= 2 * SESSION_TIMEOUT_MS) [availability, activity] = ['Away', 'Away'];
			else if (idleFor >= SESSION_TIMEOUT_MS) [availability, activity] = ['AvailableIdle', 'Inactive'];
		}
		candidates.push({ availability, activity, rank: RANK[availability] ?? 0, setAt });
	}
	if (candidates.length === 0) return { ...shown, availability: 'Offline', activity: 'Offline' };

	const preferred = record.preferred;
	if (preferred && Date.parse(preferred.expiresDateTime) > nowMs) {
		return { ...shown, availability: preferred.availability, activity: preferred.activity };
	}
	// Highest rank wins; among equals, the most recently set session.
	const winner = candidates.reduce((best, c) => (c.rank > best.rank || (c.rank === best.rank && c.setAt > best.setAt) ? c : best));
	return { ...shown, availability: winner.availability, activity: winner.activity };
}

function presenceKey(presence: Presence): string {
	return `${presence.availability}/${presence.activity}/${JSON.stringify(presence.statusMessage ?? null)}`;
}

function currentPresence(state: TenantState, clock: Clock, userId: string): Presence | undefined {
	const record = state.presenceOf(userId);
	if (!record) return undefined;
	return aggregatePresence(record, clock.nowMs(), areaState(state).sessionSetAt[userId]);
}

/** Drops expired sessions and preferences, then announces the user's presence if it differs from the last one. */
function settle(state: TenantState, clock: Clock, userId: string): void {
	const record = state.presenceOf(userId);
	if (!record) return;
	const now = clock.nowMs();
	const area = areaState(state);
	record.sessions = record.sessions.filter((s) => Date.parse(s.expiresDateTime) > now);
	const setAt = area.sessionSetAt[userId] ?? {};
	for (const sessionId of Object.keys(setAt)) {
		if (!record.sessions.some((s) => s.sessionId === sessionId)) delete setAt[sessionId];
	}
	if (record.preferred && Date.parse(record.preferred.expiresDateTime) <= now) delete record.preferred;
	const presence = aggregatePresence(record, now, setAt);
	const key = presenceKey(presence);
	const previous = area.announced[userId] ?? presenceKey(aggregatePresence({ ...record, sessions: [], preferred: undefined }, now));
	area.announced[userId] = key;
	if (key === previous) return;
	state.emitChange(
		'updated',
		`communications/presences('${userId}')`,
		['/communications/presences', `/communications/presences/${userId.toLowerCase()}`],
		{ '@odata.type': '#Microsoft.Graph.presence', '@odata.id': `communications/presences('${userId}')`, id: userId },
		presence,
	);
}

/** Settles every user whose presence depends on time (sessions or a preference), e.g. after the clock moved. */
export function settleAllPresence(state: TenantState, clock: Clock): void {
	for (const [userId, record] of Object.entries(state.data.presence)) {
		if (record.sessions.length > 0 || record.preferred || areaState(state).announced[userId] !== undefined) {
			settle(state, clock, userId);
		}
	}
}

function bodyObject(ctx: GraphContext): Record<string, unknown> {
	if (typeof ctx.body !== 'object' || ctx.body === null || Array.isArray(ctx.body)) {
		graphError(400, 'BadRequest', 'Empty Payload. JSON content expected.');
	}
	return ctx.body as Record<string, unknown>;
}

function requiredString(body: Record<string, unknown>, name: string): string {
	const value = body[name];
	if (typeof value !== 'string' || value.trim() === '') graphError(400, 'BadRequest', `The parameter '${name}' is required.`);
	return value.trim();
}

/** Reading someone else's presence with a delegated token needs Presence.Read.All, not Presence.Read. */
function assertMayRead(principal: Principal, userId: string): void {
	if (principal.kind !== 'delegated' || principal.userId.toLowerCase() === userId.toLowerCase()) return;
	if (principal.scopes.some((s) => s.toLowerCase() === 'presence.read.all')) return;
	graphError(403, 'Forbidden', `Missing scope permissions on the request. API requires one of 'Presence.Read.All'. Scopes on the request '${principal.scopes.join(', ')}'.`);
}

/** Delegated Presence.ReadWrite covers the signed-in user's own presence only. */
function assertMayWrite(principal: Principal, userId: string): void {
	if (principal.kind !== 'delegated' || principal.userId.toLowerCase() === userId.toLowerCase()) return;
	graphError(403, 'Forbidden', "A delegated token may only change the signed-in user's own presence.");
}

/** The user (by id or UPN) who must have Teams for a write: 404 otherwise. */
function teamsUser(ctx: GraphContext): { userId: string; record: PresenceRecord } {
	const user = ctx.state.user(ctx.params.userId);
	if (!user) directoryNotFound(ctx.params.userId);
	const record = ctx.state.presenceOf(user.user.id);
	if (!record || record.presence.availability === 'PresenceUnknown') {
		graphError(404, 'NotFound', `User '${user.user.id}' is not enabled for Microsoft Teams.`);
	}
	return { userId: user.user.id, record };
}

function getPresence(ctx: GraphContext): GraphResult {
	const user = ctx.state.user(ctx.params.userId);
	if (!user) directoryNotFound(ctx.params.userId);
	assertMayRead(ctx.principal, user.user.id);
	settle(ctx.state, ctx.clock, user.user.id);
	const presence = currentPresence(ctx.state, ctx.clock, user.user.id) ?? unknownPresence(user.user.id);
	return {
		body: { '@odata.context': `${ctx.baseUrl}/$metadata#users('${user.user.id}')/presence/$entity`, ...presence },
	};
}

function unknownPresence(id: string): Presence {
	return { id, availability: 'PresenceUnknown', activity: 'PresenceUnknown', statusMessage: null, outOfOfficeSettings: { message: null, isOutOfOffice: false } };
}

function getPresencesByUserId(ctx: GraphContext): GraphResult {
	const ids = bodyObject(ctx).ids;
	if (!Array.isArray(ids) || ids.length === 0) graphError(400, 'BadRequest', "The parameter 'ids' is required and must be a non-empty array of user object IDs.");
	if (ids.length > MAX_IDS_PER_REQUEST) {
		graphError(400, 'BadRequest', `The number of ids (${ids.length}) exceeds the maximum of ${MAX_IDS_PER_REQUEST} per request.`);
	}
	const bad = ids.find((id) => typeof id !== 'string' || !GUID.test(id));
	if (bad !== undefined) graphError(400, 'BadRequest', `Invalid user id '${String(bad)}': ids must be user object IDs (GUIDs).`);
	const unique = [...new Set((ids as string[]).map((id) => id.toLowerCase()))];
	const value = unique.map((id) => {
		const user = ctx.state.user(id);
		if (!user) return unknownPresence(id);
		settle(ctx.state, ctx.clock, user.user.id);
		return currentPresence(ctx.state, ctx.clock, user.user.id) ?? unknownPresence(user.user.id);
	});
	return { body: { '@odata.context': `${ctx.baseUrl}/$metadata#Collection(microsoft.graph.presence)`, value } };
}

function setPresence(ctx: GraphContext): GraphResult {
	const body = bodyObject(ctx);
	const sessionId = requiredString(body, 'sessionId');
	const availability = requiredString(body, 'availability');
	const activity = requiredString(body, 'activity');
	if (sessionId.toLowerCase() !== ctx.principal.appId.toLowerCase()) {
		graphError(400, 'BadRequest', `The sessionId '${sessionId}' is not valid: it must be the application (client) ID of the calling application.`);
	}
	if (!SESSION_PAIRS.includes(`${availability}/${activity}`)) {
		graphError(400, 'BadRequest', `The combination of availability '${availability}' and activity '${activity}' is not supported. Supported combinations: ${SESSION_PAIRS.join(', ')}.`);
	}
	let expiryMs = SESSION_DEFAULT_EXPIRY_MS;
	if (body.expirationDuration !== undefined && body.expirationDuration !== null) {
		const parsed = parseIsoDuration(body.expirationDuration);
		if (parsed === undefined) graphError(400, 'BadRequest', `The expirationDuration '${String(body.expirationDuration)}' is not a valid ISO 8601 duration.`);
		if (parsed < SESSION_MIN_EXPIRY_MS || parsed > SESSION_MAX_EXPIRY_MS) {
			graphError(400, 'BadRequest', 'The expirationDuration must be between PT5M and PT4H.');
		}
		expiryMs = parsed;
	}
	const { userId, record } = teamsUser(ctx);
	assertMayWrite(ctx.principal, userId);
	const now = ctx.clock.nowMs();
	record.sessions = record.sessions.filter((s) => s.sessionId.toLowerCase() !== sessionId.toLowerCase());
	record.sessions.push({ sessionId, availability, activity, expiresDateTime: new Date(now + expiryMs).toISOString() });
	const area = areaState(ctx.state);
	(area.sessionSetAt[userId] ??= {})[sessionId] = now;
	settle(ctx.state, ctx.clock, userId);
	return { status: 200 };
}

function clearPresence(ctx: GraphContext): GraphResult {
	const sessionId = requiredString(bodyObject(ctx), 'sessionId');
	if (sessionId.toLowerCase() !== ctx.principal.appId.toLowerCase()) {
		graphError(400, 'BadRequest', `The sessionId '${sessionId}' is not valid: it must be the application (client) ID of the calling application.`);
	}
	const { userId, record } = teamsUser(ctx);
	assertMayWrite(ctx.principal, userId);
	const now = ctx.clock.nowMs();
	const live = record.sessions.filter((s) => Date.parse(s.expiresDateTime) > now);
	if (!live.some((s) => s.sessionId.toLowerCase() === sessionId.toLowerCase())) {
		graphError(404, 'NotFound', `The presence session '${sessionId}' does not exist for user '${userId}'.`);
	}
	record.sessions = live.filter((s) => s.sessionId.toLowerCase() !== sessionId.toLowerCase());
	settle(ctx.state, ctx.clock, userId);
	return { status: 200 };
}

function setUserPreferredPresence(ctx: GraphContext): GraphResult {
	const body = bodyObject(ctx);
	const availability = requiredString(body, 'availability');
	const activity = requiredString(body, 'activity');
	if (!PREFERRED_PAIRS.includes(`${availability}/${activity}`)) {
		graphError(400, 'BadRequest', `The combination of availability '${availability}' and activity '${activity}' is not supported. Supported combinations: ${PREFERRED_PAIRS.join(', ')}.`);
	}
	let expiryMs = availability === 'DoNotDisturb' || availability === 'Busy' ? DAY_MS : 7 * DAY_MS;
	if (body.expirationDuration !== undefined && body.expirationDuration !== null) {
		const parsed = parseIsoDuration(body.expirationDuration);
		if (parsed === undefined || parsed <= 0) {
			graphError(400, 'BadRequest', `The expirationDuration '${String(body.expirationDuration)}' is not a valid ISO 8601 duration.`);
		}
		expiryMs = parsed;
	}
	const { userId, record } = teamsUser(ctx);
	assertMayWrite(ctx.principal, userId);
	record.preferred = { availability, activity, expiresDateTime: new Date(ctx.clock.nowMs() + expiryMs).toISOString() };
	settle(ctx.state, ctx.clock, userId);
	return { status: 200 };
}

function clearUserPreferredPresence(ctx: GraphContext): GraphResult {
	const { userId, record } = teamsUser(ctx);
	assertMayWrite(ctx.principal, userId);
	delete record.preferred;
	settle(ctx.state, ctx.clock, userId);
	return { status: 200 };
}

/** Control: the user's own Teams clients change (sign in, a meeting starts, they pick a status). */
function setClientPresence(ctx: ControlContext): GraphResult {
	const user = ctx.state.user(ctx.params.userId);
	const body = (ctx.body ?? {}) as Partial<Presence>;
	if (!user || typeof body.availability !== 'string' || typeof body.activity !== 'string') {
		return { status: 400, body: { error: 'POST /_emulator/presence/{userIdOrUpn} with { availability, activity, statusMessage?, outOfOfficeSettings? }' } };
	}
	const userId = user.user.id;
	const record = ctx.state.presenceOf(userId) ?? { presence: unknownPresence(userId) as PresenceRecord['presence'], sessions: [] };
	record.presence = {
		...record.presence,
		availability: body.availability,
		activity: body.activity,
		...(body.statusMessage !== undefined ? { statusMessage: body.statusMessage } : {}),
		...(body.outOfOfficeSettings !== undefined ? { outOfOfficeSettings: body.outOfOfficeSettings } : {}),
	};
	if (!ctx.state.presenceOf(userId)) ctx.state.data.presence[userId] = record;
	settle(ctx.state, ctx.clock, userId);
	return { status: 200, body: aggregatePresence(record, ctx.clock.nowMs(), areaState(ctx.state).sessionSetAt[userId]) };
}

/** Sessions fade and expire with the emulator clock: once an emulator serves presence, its clock moves announce. */
const watchedClocks = new WeakSet<Clock>();
function watchClock(ctx: { clock: Clock; emulator: { state: TenantState } }): void {
	if (watchedClocks.has(ctx.clock)) return;
	watchedClocks.add(ctx.clock);
	const { clock, emulator } = ctx;
	clock.onChange(() => settleAllPresence(emulator.state, clock));
}

function watched<C extends { clock: Clock; emulator: { state: TenantState } }>(handler: (ctx: C) => GraphResult): (ctx: C) => GraphResult {
	return (ctx) => {
		watchClock(ctx);
		return handler(ctx);
	};
}

/** A Graph presence route: counted against the presence limit, then served. */
function limited(handler: (ctx: GraphContext) => GraphResult): (ctx: GraphContext) => GraphResult {
	return watched((ctx: GraphContext) => {
		admitPresenceRequest(ctx);
		return handler(ctx);
	});
}

export function registerPresenceArea(graph: GraphRouter): void {
	graph.defineRule({
		name: PRESENCE_RATE_RULE,
		defaultValue: true,
		invalid: onOff,
		description: 'Presence: 1,500 requests per 30 s per app per tenant (every presence call, each $batch sub-request), on the emulator clock; beyond, 429 TooManyRequests',
	});
	graph.route('GET', '/users/:userId/presence', { permissions: READ_PERMISSIONS, handler: limited(getPresence) });
	graph.route('GET', '/communications/presences/:userId', { permissions: READ_PERMISSIONS, handler: limited(getPresence) });
	graph.route('POST', '/communications/getPresencesByUserId', {
		permissions: { application: READ_PERMISSIONS.application, delegated: ['Presence.Read.All'] },
		handler: limited(getPresencesByUserId),
	});
	graph.route('POST', '/users/:userId/presence/setPresence', { permissions: WRITE_PERMISSIONS, handler: limited(setPresence) });
	graph.route('POST', '/users/:userId/presence/clearPresence', { permissions: WRITE_PERMISSIONS, handler: limited(clearPresence) });
	graph.route('POST', '/users/:userId/presence/setUserPreferredPresence', { permissions: WRITE_PERMISSIONS, handler: limited(setUserPreferredPresence) });
	graph.route('POST', '/users/:userId/presence/clearUserPreferredPresence', { permissions: WRITE_PERMISSIONS, handler: limited(clearUserPreferredPresence) });
	graph.control('POST', '/presence/:userId', watched(setClientPresence));
}
