// The core control API under /_emulator/ on the Graph listener (JSON in, JSON out, no auth: loopback only).
import type { FaultSpec } from '../faults';
import { ADMIN_CONSENT_REDIRECT_RULE } from '../entra/context';
import type { RuleValue } from '../rules';
import { generateLargeTenant } from '../state/largeTenant';
import { defaultTenant } from '../state/seed';
import type { TenantData } from '../state/types';
import type { ControlContext, GraphRouter } from './router';

type Json = Record<string, unknown>;

function bodyOf(ctx: ControlContext): Json {
	return ctx.body && typeof ctx.body === 'object' && !Array.isArray(ctx.body) ? (ctx.body as Json) : {};
}

/** `default`, `large:5000`, or a whole TenantData object. */
export function seedFrom(value: unknown): TenantData {
	if (value === undefined || value === 'default') return defaultTenant();
	if (typeof value === 'string') {
		const large = /^large:(\d+)$/.exec(value);
		if (large) return generateLargeTenant(Number(large[1]));
		throw new Error(`unknown seed '${value}' (use 'default' or 'large:N')`);
	}
	if (value && typeof value === 'object' && 'tenant' in value && 'users' in value) return value as TenantData;
	throw new Error('seed must be "default", "large:N" or a tenant object');
}

function faultFromJson(json: Json): FaultSpec {
	const spec = { ...json } as unknown as FaultSpec & { path?: string | RegExp };
	// A path written as "/pattern/flags" is a regular expression; anything else is a glob.
	if (typeof spec.path === 'string') {
		const regex = /^\/(.+)\/([gimsuy]*)$/.exec(spec.path);
		if (regex && /[\\^$()|+?[\]]/.test(regex[1])) spec.path = new RegExp(regex[1], regex[2]);
	}
	if (!['throttle', 'status', 'drop', 'dropAfterApply', 'latency', 'rateLimit', 'hold'].includes(spec.kind)) throw new Error(`unknown fault kind '${String(spec.kind)}'`);
	return spec;
}

export function registerControl(graph: GraphRouter): void {
	graph.defineRule({
		name: ADMIN_CONSENT_REDIRECT_RULE,
		defaultValue: true,
		description: '/adminconsent without redirect_uri shows AADSTS900144 (Microsoft documents the parameter as required)',
	});
	graph.control('GET', '/rules', ({ emulator }) => ({ body: emulator.rules.list() }));
	graph.control('POST', '/rules', (ctx) => {
		ctx.emulator.rules.set(bodyOf(ctx) as Record<string, RuleValue>);
		return { body: ctx.emulator.rules.list() };
	});
	graph.control('GET', '/info', ({ emulator }) => ({
		body: {
			loginUrl: emulator.loginUrl,
			graphUrl: emulator.graphUrl,
			loginHost: emulator.loginHost,
			graphHost: emulator.graphHost,
			tenantId: emulator.tenantId,
			now: emulator.clock.now().toISOString(),
			routes: emulator.graph.listRoutes(),
		},
	}));

	graph.control('GET', '/state', ({ state }) => ({ body: state.snapshot() }));
	graph.control('POST', '/state', (ctx) => {
		const json = bodyOf(ctx);
		ctx.emulator.reset(seedFrom('seed' in json ? json.seed : json));
		return { body: { tenantId: ctx.emulator.tenantId, users: Object.keys(ctx.state.data.users).length } };
	});
	graph.control('POST', '/reset', (ctx) => {
		ctx.emulator.reset();
		return { status: 204 };
	});

	graph.control('GET', '/clock', ({ clock }) => ({ body: { now: clock.now().toISOString() } }));
	graph.control('POST', '/clock/advance', (ctx) => {
		const seconds = Number(bodyOf(ctx).seconds);
		if (!Number.isFinite(seconds)) throw new Error('body.seconds must be a number');
		ctx.clock.advance(seconds);
		return { body: { now: ctx.clock.now().toISOString() } };
	});
	graph.control('POST', '/clock/set', (ctx) => {
		ctx.clock.set(String(bodyOf(ctx).now));
		return { body: { now: ctx.clock.now().toISOString() } };
	});

	graph.control('POST', '/tokens/expire', (ctx) => {
		ctx.emulator.tokens.expireAll();
		return { status: 204 };
	});
	graph.control('POST', '/tokens/revoke', (ctx) => {
		const json = bodyOf(ctx);
		if (typeof json.refreshToken === 'string') return { body: { revoked: ctx.emulator.tokens.revokeRefreshToken(json.refreshToken) } };
		if (typeof json.user === 'string' || typeof json.userId === 'string') {
			ctx.emulator.tokens.revokeUser(String(json.user ?? json.userId));
			return { body: { revoked: true } };
		}
		throw new Error('body needs refreshToken or user');
	});
	graph.control('POST', '/tokens/settings', (ctx) => {
		const json = bodyOf(ctx);
		if (json.accessTokenLifetimeSeconds !== undefined) ctx.emulator.tokens.setAccessTokenLifetime(Number(json.accessTokenLifetimeSeconds));
		if (json.refreshTokenInactivitySeconds !== undefined) ctx.emulator.tokens.setRefreshTokenInactivityLimit(Number(json.refreshTokenInactivitySeconds));
		if ('expiredTokenStatus' in json) ctx.emulator.tokens.forceExpiredTokenStatus((json.expiredTokenStatus ?? undefined) as 401 | 403 | undefined);
		return { status: 204 };
	});

	graph.control('GET', '/faults', (ctx) => ({ body: { faults: ctx.emulator.faults.list() } }));
	graph.control('POST', '/faults', (ctx) => {
		const json = ctx.body;
		const specs = Array.isArray(json) ? (json as Json[]) : [bodyOf(ctx)];
		const ids = specs.map((spec) => ctx.emulator.faults.add(faultFromJson(spec)));
		return { status: 201, body: Array.isArray(json) ? { ids } : { id: ids[0] } };
	});
	graph.control('DELETE', '/faults', (ctx) => {
		ctx.emulator.faults.clear();
		return { status: 204 };
	});
	graph.control('DELETE', '/faults/:id', (ctx) => ({ status: ctx.emulator.faults.remove(ctx.params.id) ? 204 : 404 }));
	graph.control('GET', '/faults/held', (ctx) => ({ body: { held: ctx.emulator.faults.held() } }));
	graph.control('POST', '/faults/:id/release', (ctx) => ({ body: { released: ctx.emulator.faults.release(ctx.params.id) } }));
	graph.control('POST', '/latency', (ctx) => {
		ctx.emulator.latencyMs = Number(bodyOf(ctx).ms ?? 0);
		return { status: 204 };
	});

	// Outlook concurrency peaks (throttling.ts MailboxConcurrencyPeaks), and their reset.
	graph.control('GET', '/throttling/peaks', (ctx) => ({ body: ctx.emulator.mailboxConcurrency.peaks() }));
	graph.control('POST', '/throttling/peaks/reset', (ctx) => {
		ctx.emulator.mailboxConcurrency.reset();
		return { status: 204 };
	});

	// The emulator process's CPU time (µs), so a benchmark can tell the emulator's share from the node's.
	graph.control('GET', '/cpu', () => ({ body: process.cpuUsage() }));

	graph.control('GET', '/requests', (ctx) => {
		const entries = ctx.emulator.requests.entries();
		return {
			body: {
				count: entries.filter((e) => !e.batch).length,
				batchSubRequests: entries.filter((e) => e.batch).length,
				byEndpoint: ctx.emulator.requests.byEndpoint(),
				byEndpointInBatches: ctx.emulator.requests.byEndpoint({ batch: true }),
				entries: ctx.query.get('entries') === 'false' ? undefined : entries,
			},
		};
	});
	graph.control('POST', '/requests/reset', (ctx) => {
		ctx.emulator.requests.reset();
		return { status: 204 };
	});

	/** { appId, roles?: string[], scopes?: string[], revoke?: boolean }: admin consent for application roles and/or delegated scopes. */
	graph.control('POST', '/consent', (ctx) => {
		const json = bodyOf(ctx);
		const appId = String(json.appId ?? '');
		const roles = Array.isArray(json.roles) ? (json.roles as string[]) : undefined;
		const scopes = Array.isArray(json.scopes) ? (json.scopes as string[]) : undefined;
		const all = roles === undefined && scopes === undefined;
		const state = ctx.state;
		if (!state.app(appId)) return { status: 404, body: { error: `no app ${appId}` } };
		if (json.revoke === true) {
			if (all || roles) state.revokeAppRoles(appId, roles);
			if (all || scopes) state.revokeScopes(appId, scopes);
		} else {
			if (all || roles) state.grantAppRoles(appId, roles);
			if (all || scopes) state.grantScopes(appId, scopes);
		}
		const app = state.app(appId);
		return { body: { appId, grantedAppRoles: app?.grantedAppRoles, grantedScopes: app?.grantedScopes } };
	});

	/** Patches emulator-side user facts: { password?, mfaRequired?, isAdmin?, accountEnabled? }. */
	graph.control('PATCH', '/users/:userId', (ctx) => {
		const record = ctx.state.user(ctx.params.userId);
		if (!record) return { status: 404, body: { error: `no user ${ctx.params.userId}` } };
		const json = bodyOf(ctx);
		if (typeof json.password === 'string') record.password = json.password;
		if (typeof json.mfaRequired === 'boolean') record.mfaRequired = json.mfaRequired;
		if (typeof json.isAdmin === 'boolean') record.isAdmin = json.isAdmin;
		if (typeof json.accountEnabled === 'boolean') record.user.accountEnabled = json.accountEnabled;
		return { status: 204 };
	});
}
