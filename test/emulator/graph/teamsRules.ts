// Microsoft's rules for reading Teams messages beyond permissions, each a switch (rules.ts):
//
// - protectedApis (default on). https://learn.microsoft.com/en-us/graph/teams-protected-apis: with application
//   permissions, listing and getting channel messages, replies and chat messages (and Get chat) need Microsoft's
//   approval besides admin consent. Without it Graph answers 403 Forbidden with the text below. Approval is per app:
//   `protectedApiAccess` on the app record, off for a new app (`POST /_emulator/apps/{appId}/protectedApiAccess
//   { "approved": true }`). The docs do not list the channel-messages delta query; it returns the same messages, so
//   the emulator protects it too (the safer reading).
// - teamsPollingPolicy (default on). https://learn.microsoft.com/en-us/graph/api/resources/teams-api-overview#polling-requirements:
//   a Teams resource may be polled once a day; polling more often "may result in additional throttling". Microsoft
//   does not publish how it tells polling from ordinary reads (GETting a resource "multiple times a day" on user
//   action is allowed). The emulator counts, per app and per Teams message resource (a channel's messages, its
//   delta, a chat's messages, an account's chats) and per UTC day of the emulator clock, the reads that start a
//   round (following an @odata.nextLink with $skiptoken does not count; a deltaLink does). Beyond `readsPerDay`
//   (default 48, twice an hour on average: reads on user action and lost-answer checks stay under it, a poller every few minutes cannot) it answers 429
//   TooManyRequests with Retry-After until the next UTC day. `GET /_emulator/teams/polls` lists the counts.
import { graphError } from './errors';
import type { GraphContext, GraphRouter } from './router';

export const PROTECTED_API_MESSAGE =
	'Invoked API requires Protected API access in application-only context when not using Resource Specific Consent. Visit https://docs.microsoft.com/en-us/graph/teams-protected-apis for more details.';

export const PROTECTED_APIS_RULE = 'protectedApis';
export const TEAMS_POLLING_RULE = 'teamsPollingPolicy';

type PollingSettings = { readsPerDay: number };
const DEFAULT_POLLING: PollingSettings = { readsPerDay: 48 };

interface PollCounts {
	/** `${appOrUser}|${resource}|${utcDay}` -> reads */
	counts: Record<string, number>;
}

/** Throws Graph's 403 when an app without protected-API approval reads Teams messages. */
export function requireProtectedApiAccess(ctx: GraphContext): void {
	if (ctx.principal.kind !== 'app') return;
	if (!ctx.emulator.rules.enabled(PROTECTED_APIS_RULE)) return;
	if (ctx.state.app(ctx.principal.appId)?.protectedApiAccess) return;
	graphError(403, 'Forbidden', PROTECTED_API_MESSAGE);
}

function pollingSettings(ctx: GraphContext): PollingSettings | undefined {
	const value = ctx.emulator.rules.get<boolean | Record<string, unknown>>(TEAMS_POLLING_RULE);
	if (value === false) return undefined;
	return value === true ? DEFAULT_POLLING : { ...DEFAULT_POLLING, ...(value as Partial<PollingSettings>) };
}

/**
 * Counts one read of a Teams message resource; throws 429 when the app polls it beyond the policy. `resource`
 * names the collection (e.g. `/teams/{t}/channels/{c}/messages`); a continuation page is not a new read.
 */
export function countTeamsRead(ctx: GraphContext, resource: string): void {
	const settings = pollingSettings(ctx);
	if (!settings) return;
	if (ctx.query.has('$skiptoken') || ctx.query.has('$skipToken')) return;
	const now = ctx.clock.now();
	const day = now.toISOString().slice(0, 10);
	const key = `${ctx.principal.appId}|${resource.toLowerCase()}|${day}`;
	const polls = ctx.state.area<PollCounts>('teamsPolls', () => ({ counts: {} }));
	const count = (polls.counts[key] ?? 0) + 1;
	polls.counts[key] = count;
	if (count > settings.readsPerDay) {
		const nextDay = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
		const retryAfter = Math.max(1, Math.ceil((nextDay - now.getTime()) / 1000));
		graphError(
			429,
			'TooManyRequests',
			`Polling ${resource} more often than Microsoft's Teams polling requirements allow (read ${count} times today by this app). Subscribe to change notifications instead.`,
			{ 'Retry-After': String(retryAfter) },
		);
	}
}

export function registerTeamsRules(graph: GraphRouter): void {
	graph.defineRule({
		name: PROTECTED_APIS_RULE,
		defaultValue: true,
		description: 'App-only reads of channel and chat messages need the app\'s protectedApiAccess approval (403 otherwise)',
	});
	graph.defineRule<boolean | Record<string, unknown>>({
		name: TEAMS_POLLING_RULE,
		defaultValue: true,
		description: 'Reads of a Teams message resource per app per UTC day beyond readsPerDay (default 48) get 429 until the next day',
	});
	graph.control('POST', '/apps/:appId/protectedApiAccess', (ctx) => {
		const app = ctx.state.app(ctx.params.appId);
		if (!app) return { status: 404, body: { error: `no app ${ctx.params.appId}` } };
		const approved = (ctx.body as { approved?: boolean } | undefined)?.approved !== false;
		app.protectedApiAccess = approved;
		return { body: { appId: app.application.appId, protectedApiAccess: approved } };
	});
	graph.control('GET', '/teams/polls', (ctx) => ({ body: ctx.state.area<PollCounts>('teamsPolls', () => ({ counts: {} })).counts }));
}
