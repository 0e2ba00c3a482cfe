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
// On by default with short windows (the suite stays fast and every node must live with it). Tests change it with
// `replicationOf(emulator).settings = { ... }` or POST /_emulator/replication { enabled?, byIdSeconds?, filterSeconds? }.
import type { GraphContext, GraphRouter } from './router';

export interface ReplicationSettings {
	enabled: boolean;
	/** Seconds after creation during which reads and writes by id answer 404. */
	byIdSeconds: number;
	/** Seconds after creation during which list queries and `$filter` lookups leave the object out. */
	filterSeconds: number;
}

export const DEFAULT_REPLICATION: ReplicationSettings = { enabled: true, byIdSeconds: 1, filterSeconds: 2 };

export interface ReplicationArea {
	settings: ReplicationSettings;
	/** Creation time (emulator clock, epoch ms) of objects created through Graph, by object id. */
	createdAtMs: Record<string, number>;
}

export function replicationOf(ctx: { state: GraphContext['state'] }): ReplicationArea {
	return ctx.state.area<ReplicationArea>('replication', () => ({ settings: { ...DEFAULT_REPLICATION }, createdAtMs: {} }));
}

/** Records that an object was just created through Graph (its replication windows start now). */
export function noteCreated(ctx: { state: GraphContext['state']; clock: GraphContext['clock'] }, objectId: string): void {
	replicationOf(ctx).createdAtMs[objectId] = ctx.clock.nowMs();
}

function within(ctx: { state: GraphContext['state']; clock: GraphContext['clock'] }, objectId: string, seconds: (settings: ReplicationSettings) => number): boolean {
	const area = replicationOf(ctx);
	const createdAt = area.createdAtMs[objectId];
	if (!area.settings.enabled || createdAt === undefined) return false;
	return ctx.clock.nowMs() < createdAt + seconds(area.settings) * 1000;
}

/** Whether reads and writes by id do not see the object yet. */
export function invisibleById(ctx: { state: GraphContext['state']; clock: GraphContext['clock'] }, objectId: string): boolean {
	return within(ctx, objectId, (settings) => settings.byIdSeconds);
}

/** Whether list queries and `$filter` lookups do not return the object yet. */
export function invisibleToQueries(ctx: { state: GraphContext['state']; clock: GraphContext['clock'] }, objectId: string): boolean {
	return within(ctx, objectId, (settings) => Math.max(settings.filterSeconds, settings.byIdSeconds));
}

export function registerReplication(graph: GraphRouter): void {
	graph.control('GET', '/replication', (ctx) => ({ body: replicationOf(ctx).settings }));
	graph.control('POST', '/replication', (ctx) => {
		const body = (ctx.body ?? {}) as Partial<ReplicationSettings>;
		const area = replicationOf(ctx);
		const seconds = (value: unknown, fallback: number) => (typeof value === 'number' && value >= 0 ? value : fallback);
		area.settings = {
			enabled: typeof body.enabled === 'boolean' ? body.enabled : area.settings.enabled,
			byIdSeconds: seconds(body.byIdSeconds, area.settings.byIdSeconds),
			filterSeconds: seconds(body.filterSeconds, area.settings.filterSeconds),
		};
		return { body: area.settings };
	});
}
