// Entra ID's eventual consistency for objects created through Graph (today: guests created by POST /invitations).
//
// Microsoft: "A successful write to Microsoft Entra does not guarantee that an immediate read will reflect that change
// ... it is normal for a newly created object to return a 'Not Found'" (Designing for eventual consistency for
// Microsoft Entra, https://devblogs.microsoft.com/identity/designing-for-eventual-consistency-for-microsoft-entra/),
// and for a team add "it might take some time for the addition to be reflected"
// (https://learn.microsoft.com/en-us/graph/api/team-post-members?view=graph-rest-1.0). Microsoft gives no figure;
// the emulator models two windows after creation, on the emulator clock:
// - by id (`byIdSeconds`): GET, PATCH and DELETE /users/{id | upn} answer 404 Request_ResourceNotFound, and a team
//   add binding the user answers 404, as for an object that does not exist;
// - to queries (`filterSeconds`, longer): GET /users lists and `$filter` lookups leave the object out.
// POST /invitations itself sees the new guest at once (the directory refuses a second user with the same address),
// so re-inviting during the window answers with the same guest, never a duplicate.
//
// Rule `replication` (rules.ts), on by default with short windows, so the suite stays fast and every node must live
// with it: `emulator.rules.set({ replication: { byIdSeconds, filterSeconds } })`, `false` turns it off, `true` restores
// the defaults; over HTTP `POST /_emulator/rules { "replication": ... }`.
import type { GraphContext, GraphRouter } from './router';

export const REPLICATION_RULE = 'replication';

export interface ReplicationSettings {
	/** Seconds after creation during which reads and writes by id answer 404. */
	byIdSeconds: number;
	/** Seconds after creation during which list queries and `$filter` lookups leave the object out. */
	filterSeconds: number;
}

export const DEFAULT_REPLICATION: ReplicationSettings = { byIdSeconds: 1, filterSeconds: 2 };

type Ctx = { state: GraphContext['state']; clock: GraphContext['clock']; emulator: GraphContext['emulator'] };

/** The rule's settings, or undefined when it is off. */
export function replicationSettings(emulator: Pick<GraphContext['emulator'], 'rules'>): ReplicationSettings | undefined {
	const value = emulator.rules.get<boolean | Partial<ReplicationSettings>>(REPLICATION_RULE);
	if (value === false) return undefined;
	if (value === true || typeof value !== 'object') return DEFAULT_REPLICATION;
	const seconds = (given: unknown, fallback: number) => (typeof given === 'number' && given >= 0 ? given : fallback);
	return {
		byIdSeconds: seconds(value.byIdSeconds, DEFAULT_REPLICATION.byIdSeconds),
		filterSeconds: seconds(value.filterSeconds, DEFAULT_REPLICATION.filterSeconds),
	};
}

interface ReplicationArea {
	/** Creation time (emulator clock, epoch ms) of objects created through Graph, by object id. */
	createdAtMs: Record<string, number>;
}

function area(ctx: { state: GraphContext['state'] }): ReplicationArea {
	return ctx.state.area<ReplicationArea>('replication', () => ({ createdAtMs: {} }));
}

/** Records that an object was just created through Graph (its replication windows start now). */
export function noteCreated(ctx: Ctx, objectId: string): void {
	area(ctx).createdAtMs[objectId] = ctx.clock.nowMs();
}

function within(ctx: Ctx, objectId: string, seconds: (settings: ReplicationSettings) => number): boolean {
	const settings = replicationSettings(ctx.emulator);
	const createdAt = area(ctx).createdAtMs[objectId];
	if (!settings || createdAt === undefined) return false;
	return ctx.clock.nowMs() < createdAt + seconds(settings) * 1000;
}

/** Whether reads and writes by id do not see the object yet. */
export function invisibleById(ctx: Ctx, objectId: string): boolean {
	return within(ctx, objectId, (settings) => settings.byIdSeconds);
}

/** Whether list queries and `$filter` lookups do not return the object yet. */
export function invisibleToQueries(ctx: Ctx, objectId: string): boolean {
	return within(ctx, objectId, (settings) => Math.max(settings.filterSeconds, settings.byIdSeconds));
}

export function registerReplication(graph: GraphRouter): void {
	graph.defineRule<boolean | Record<string, unknown>>({
		name: REPLICATION_RULE,
		defaultValue: { ...DEFAULT_REPLICATION },
		description:
			'Entra eventual consistency: an object created through Graph (a guest from POST /invitations) answers 404 by id for byIdSeconds and is missing from list queries and $filter for filterSeconds',
	});
}
