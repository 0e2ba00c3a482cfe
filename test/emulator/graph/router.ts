// The Graph router: areas register routes with their permissions; dispatch() authenticates the caller from the
// bearer token, applies faults, checks permissions, runs the handler and renders Graph's error shape. $batch
// sub-requests go through the same dispatch, so they get the same checks, faults and logging.
import type { Clock } from '../clock';
import type { Emulator } from '../emulator';
import type { ActiveFault, Faults } from '../faults';
import { outlookMailbox, type Throttled, type Throttling } from '../throttling';
import type { RuleDefinition, RulesControl, RuleValue } from '../rules';
import type { QueryContext } from '../odata/query';
import type { RequestLog } from '../requestLog';
import type { TenantState } from '../state/tenantState';
import type { Principal, TokenCheck, TokenService } from '../tokens';
import { GraphError, graphErrorBody, THROTTLED_MESSAGE } from './errors';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface RoutePermissions {
	/** Application permissions (token `roles`), any one suffices. Absent or empty: app-only tokens are refused. */
	application?: string[];
	/** Delegated permissions (token `scp`), any one suffices. Absent or empty: delegated tokens are refused. */
	delegated?: string[];
}

export interface RouteDefinition {
	/** Absent: any valid token is enough. */
	permissions?: RoutePermissions;
	/** Directory resource (users, applications, organization): a missing permission is 403 Authorization_RequestDenied. */
	directory?: boolean;
	/** Status for an expired token on this route (default 401; some Teams endpoints answer 403). */
	expiredTokenStatus?: 401 | 403;
	handler: GraphHandler;
}

export interface GraphContext extends QueryContext {
	method: HttpMethod;
	/** Version-relative path with /me resolved to /users/{id} (what routes match). */
	path: string;
	/** Version-relative path as the client sent it (QueryContext.requestPath; nextLinks use it). */
	requestPath: string;
	version: 'v1.0' | 'beta';
	/** Route parameters, URL-decoded. */
	params: Record<string, string>;
	query: URLSearchParams;
	/** Request headers, lower-case names. */
	headers: Record<string, string>;
	/** Parsed JSON body (or the raw text when it was not JSON; undefined when empty). */
	body: unknown;
	principal: Principal;
	state: TenantState;
	clock: Clock;
	emulator: Emulator;
	graph: GraphRouter;
	/** Our request-id (also in response headers and error bodies). */
	requestId: string;
	clientRequestId: string;
	/** https://127.0.0.1:port (no version). */
	graphUrl: string;
	/** Route template, e.g. `GET /users/:userId/presence`. */
	route: string;
	/** True when this is a $batch sub-request. */
	inBatch: boolean;
	/** For a $batch: ids of sub-requests Outlook's MailboxConcurrency limit refuses (see throttling.ts). */
	throttledSubRequests?: Map<string, Throttled>;
}

export interface GraphResult {
	/** Default 200 (204 when there is no body). */
	status?: number;
	body?: unknown;
	headers?: Record<string, string>;
	/** Only for $batch: drop the connection ('before' answering anything, or 'after' the work was done). */
	drop?: 'before' | 'after';
}

export type GraphHandler = (ctx: GraphContext) => GraphResult | Promise<GraphResult>;

export interface ControlContext {
	method: HttpMethod;
	path: string;
	params: Record<string, string>;
	query: URLSearchParams;
	body: unknown;
	emulator: Emulator;
	state: TenantState;
	clock: Clock;
}

export type ControlHandler = (ctx: ControlContext) => GraphResult | Promise<GraphResult>;

interface CompiledRoute<D> {
	method: HttpMethod;
	template: string;
	segments: string[];
	definition: D;
}

/** One request for dispatch (top-level or $batch sub-request). */
/** Fault 'repeatNextLink': a page's @odata.nextLink points back at the page itself, so a client following it loops. */
function repeatNextLink(response: DispatchResponse, url: string, query: URLSearchParams): void {
	const body = response.body as Record<string, unknown> | undefined;
	if (!body || typeof body !== 'object' || typeof body['@odata.nextLink'] !== 'string') return;
	const qs = query.toString();
	body['@odata.nextLink'] = qs ? `${url}?${qs}` : url;
}

export interface DispatchRequest {
	method: string;
	/** Path relative to the version root (no /v1.0), without query. */
	path: string;
	version: 'v1.0' | 'beta';
	query: URLSearchParams;
	headers: Record<string, string>;
	body: unknown;
	inBatch: boolean;
	requestId: string;
	/** Set by dispatch for a $batch (see GraphContext). */
	throttledSubRequests?: Map<string, Throttled>;
}

export interface DispatchResponse {
	status: number;
	headers: Record<string, string>;
	body?: unknown;
	/** 'before': destroy the socket without running the handler; 'after': run it, then destroy the socket. */
	drop?: 'before' | 'after';
	route?: string;
	appId?: string;
	faults?: string[];
}

export interface RouterDeps {
	emulator: () => Emulator;
	state: () => TenantState;
	clock: Clock;
	tokens: TokenService;
	faults: Faults;
	requests: RequestLog;
	rules: RulesControl;
	graphUrl: () => string;
	/** Microsoft's throttling limits (throttling.ts). */
	throttling: Throttling;
	/** The emulator's latency for top-level requests (ms): the time a request holds its concurrency slots. */
	latencyMs: () => number;
}

const WWW_AUTHENTICATE =
	'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"';

function splitPath(path: string): string[] {
	return path.split('/').filter((s) => s.length > 0);
}

function decodeSegment(segment: string): string {
	try {
		return decodeURIComponent(segment);
	} catch {
		return segment;
	}
}

/** Graph keys may also be written as users('id'): normalise that to users/id. */
function normaliseKeySyntax(path: string): string {
	return path.replace(/\(\s*'([^']*)'\s*\)/g, '/$1');
}

function matchSegments(templateSegments: string[], pathSegments: string[]): Record<string, string> | undefined {
	if (templateSegments.length !== pathSegments.length) return undefined;
	const params: Record<string, string> = {};
	for (let i = 0; i < templateSegments.length; i++) {
		const t = templateSegments[i];
		if (t.startsWith(':')) params[t.slice(1)] = pathSegments[i];
		else if (t.toLowerCase() !== pathSegments[i].toLowerCase()) return undefined;
	}
	return params;
}

/** Literal segments outrank parameters, earlier ones first (`/users/delta` beats `/users/:id`). */
function specificity(segments: string[]): number {
	return segments.reduce((score, s, i) => score + (s.startsWith(':') ? 0 : 2 ** (20 - i)), 0);
}

export class GraphRouter {
	private readonly routes: Array<CompiledRoute<RouteDefinition>> = [];
	private readonly controls: Array<CompiledRoute<ControlHandler>> = [];

	constructor(private readonly deps: RouterDeps) {}

	/** Registers one of Microsoft's tenant rules (see rules.ts); the area that enforces it defines it. */
	defineRule<T extends RuleValue>(definition: RuleDefinition<T>): void {
		this.deps.rules.define(definition);
	}

	/** Registers a Graph route. Templates use `:name` for parameters; both /v1.0 and /beta reach it. */
	route(method: HttpMethod, template: string, definition: RouteDefinition): void {
		const segments = splitPath(template);
		if (this.routes.some((r) => r.method === method && r.segments.join('/').toLowerCase() === segments.join('/').toLowerCase())) {
			throw new Error(`emulator: route ${method} ${template} registered twice`);
		}
		this.routes.push({ method, template: '/' + segments.join('/'), segments, definition });
		this.routes.sort((a, b) => specificity(b.segments) - specificity(a.segments));
	}

	/** Registers a control endpoint served at /_emulator{template} on the Graph listener (no auth). */
	control(method: HttpMethod, template: string, handler: ControlHandler): void {
		const segments = splitPath(template);
		this.controls.push({ method, template: '/' + segments.join('/'), segments, definition: handler });
		this.controls.sort((a, b) => specificity(b.segments) - specificity(a.segments));
	}

	/** Throws a Graph error (rendered as Graph's error body by dispatch). */
	error(status: number, code: string, message: string, headers?: Record<string, string>): never {
		throw new GraphError(status, code, message, headers);
	}

	/** All registered routes, e.g. for documentation and coverage tests. */
	listRoutes(): string[] {
		return this.routes.map((r) => `${r.method} ${r.template}`);
	}

	findControl(method: string, path: string): { handler: ControlHandler; params: Record<string, string> } | undefined {
		const segments = splitPath(path).map(decodeSegment);
		for (const route of this.controls) {
			if (route.method !== method) continue;
			const params = matchSegments(route.segments, segments);
			if (params) return { handler: route.definition, params };
		}
		return undefined;
	}

	private findRoute(method: string, segments: string[]) {
		let pathMatched = false;
		for (const route of this.routes) {
			const params = matchSegments(route.segments, segments);
			if (!params) continue;
			if (route.method === method) return { route, params };
			pathMatched = true;
		}
		return pathMatched ? ('methodNotAllowed' as const) : undefined;
	}

	/** The first segment no route knows, for Graph's "Resource not found for the segment" message. */
	private unknownSegment(segments: string[]): string {
		for (let i = 0; i < segments.length; i++) {
			const known = this.routes.some(
				(r) => r.segments.length > i && r.segments.slice(0, i + 1).every((t, j) => t.startsWith(':') || t.toLowerCase() === segments[j].toLowerCase()),
			);
			if (!known) return segments[i];
		}
		return segments[segments.length - 1] ?? '';
	}

	private respondError(request: DispatchRequest, error: GraphError, extra: Partial<DispatchResponse> = {}): DispatchResponse {
		return {
			status: error.status,
			headers: { ...error.headers },
			body: graphErrorBody(error.code, error.message, request.requestId, request.headers['client-request-id'] ?? request.requestId, this.deps.clock.now()),
			...extra,
		};
	}

	private faultResponse(request: DispatchRequest, fault: ActiveFault): DispatchResponse | undefined {
		if (fault.kind === 'throttle' || fault.kind === 'rateLimit') {
			const retryAfter = String(fault.retryAfterNow ?? fault.retryAfterSeconds ?? 2);
			return this.respondError(request, new GraphError(429, fault.code ?? 'TooManyRequests', fault.message ?? THROTTLED_MESSAGE, { 'Retry-After': retryAfter }));
		}
		if (fault.kind === 'status') {
			const status = fault.status ?? 503;
			const code = fault.code ?? (status === 503 ? 'serviceNotAvailable' : status === 504 ? 'UnknownError' : status === 502 ? 'BadGateway' : 'InternalServerError');
			const message =
				fault.message ??
				(status === 503 ? 'Service Unavailable' : status === 504 ? 'Gateway Timeout' : 'The server encountered an unexpected error.');
			const headers: Record<string, string> = fault.retryAfterSeconds !== undefined ? { 'Retry-After': String(fault.retryAfterSeconds) } : {};
			return this.respondError(request, new GraphError(status, code, message, headers));
		}
		return undefined;
	}

	/** Runs one request through faults, authentication, routing, permissions and the handler. */
	async dispatch(request: DispatchRequest): Promise<DispatchResponse> {
		const method = request.method.toUpperCase() as HttpMethod;
		const pathSegments = splitPath(normaliseKeySyntax(request.path)).map(decodeSegment);
		const authorization = request.headers.authorization ?? '';
		const bearer = /^Bearer\s+(.*)$/i.exec(authorization)?.[1]?.trim();
		const check = this.deps.tokens.checkAccessToken(bearer);

		// Resolve the route first, so faulted and refused requests are still counted under their route.
		let segments = pathSegments;
		let found = this.findRoute(method, segments);
		let meWithAppToken = false;
		if (!found && segments[0]?.toLowerCase() === 'me' && check.ok) {
			if (check.principal.kind === 'app') meWithAppToken = true;
			else {
				segments = ['users', check.principal.userId, ...segments.slice(1)];
				found = this.findRoute(method, segments);
			}
		}
		const matched = found && found !== 'methodNotAllowed' ? found : undefined;
		const routeId = matched ? `${matched.route.method} ${matched.route.template}` : undefined;
		const appId = check.ok ? check.principal.appId : undefined;

		// Outlook's concurrency slots are taken on arrival and held until the answer (latency included).
		const throttling = this.deps.throttling;
		let release = () => {};
		let refused: Throttled | undefined;
		let throttledSubRequests: Map<string, Throttled> | undefined;
		if (!request.inBatch && appId) {
			const mailbox = outlookMailbox(segments);
			if (mailbox) {
				if (throttling.takeMailboxSlots(appId, mailbox, 1) === 1) release = () => throttling.releaseMailboxSlots(appId, mailbox, 1);
				else refused = throttling.mailboxConcurrencyThrottle();
			} else if (routeId === 'POST /$batch') {
				({ release, throttledSubRequests } = this.reserveBatchSlots(appId, request.body));
			}
		}
		try {
			const latency = request.inBatch ? 0 : this.deps.latencyMs();
			if (latency > 0) await new Promise((resolve) => setTimeout(resolve, latency));
			if (refused) return { ...this.throttledResponse(request, refused), route: routeId, appId };

			const faults = this.deps.faults.match({ host: 'graph', method, path: '/' + pathSegments.join('/'), rawPath: `/${request.version}${request.path}`, inBatch: request.inBatch });
			const faultKinds = faults.length ? faults.map((f) => f.kind) : undefined;
			let dropAfter = false;
			for (const fault of faults) {
				if (fault.kind === 'latency') await new Promise((resolve) => setTimeout(resolve, fault.latencyMs ?? 0));
				if (fault.kind === 'hold') await this.deps.faults.hold(fault.id);
				if (fault.kind === 'drop') return { status: 0, headers: {}, drop: 'before', faults: faultKinds, route: routeId, appId };
				if (fault.kind === 'dropAfterApply') dropAfter = true;
				const response = this.faultResponse(request, fault);
				if (response) return { ...response, faults: faultKinds, route: routeId, appId };
			}
			if (appId && matched) {
				const userId = check.ok && check.principal.kind === 'delegated' ? check.principal.userId : undefined;
				const throttled = throttling.rate({ appId, method, segments, userId, directory: matched.route.definition.directory === true });
				if (throttled) return { ...this.throttledResponse(request, throttled), faults: faultKinds, route: routeId, appId };
			}

			const response = await this.dispatchResolved({ ...request, throttledSubRequests }, method, check, segments, found, meWithAppToken);
		if (faults.some((f) => f.kind === 'repeatNextLink')) repeatNextLink(response, `${this.deps.graphUrl()}/${request.version}${request.path}`, request.query);
			const drop = response.drop ?? (dropAfter ? ('after' as const) : undefined);
			return { route: routeId, appId, ...response, faults: faultKinds, ...(drop ? { drop } : {}) };
		} finally {
			release();
		}
	}

	/**
	 * A $batch holds, per mailbox its Outlook sub-requests target, min(4, their number) slots while it runs (Outlook
	 * runs up to 4 of a batch's sub-requests in parallel); the sub-requests beyond the free slots are refused.
	 */
	private reserveBatchSlots(appId: string, body: unknown): { release: () => void; throttledSubRequests: Map<string, Throttled> } {
		const throttling = this.deps.throttling;
		const items = (body as { requests?: Array<{ id?: unknown; url?: unknown }> } | undefined)?.requests;
		const byMailbox = new Map<string, string[]>();
		for (const item of Array.isArray(items) ? items : []) {
			if (typeof item?.id !== 'string' || typeof item.url !== 'string') continue;
			const path = item.url.replace(/^https?:\/\/[^/]+\/(v1\.0|beta)/i, '').split('?')[0];
			const mailbox = outlookMailbox(splitPath(normaliseKeySyntax(path)).map(decodeSegment));
			if (mailbox) byMailbox.set(mailbox, [...(byMailbox.get(mailbox) ?? []), item.id]);
		}
		const held: Array<[string, number]> = [];
		const throttledSubRequests = new Map<string, Throttled>();
		for (const [mailbox, ids] of byMailbox) {
			const wanted = Math.min(4, ids.length);
			const granted = throttling.takeMailboxSlots(appId, mailbox, wanted);
			held.push([mailbox, granted]);
			// With fewer slots than it runs in parallel, the sub-requests that find none are refused (the last ones).
			const refusedCount = granted === 0 ? ids.length : granted < wanted ? wanted - granted : 0;
			for (const id of ids.slice(ids.length - refusedCount)) throttledSubRequests.set(id, throttling.mailboxConcurrencyThrottle());
		}
		return { release: () => held.forEach(([mailbox, count]) => throttling.releaseMailboxSlots(appId, mailbox, count)), throttledSubRequests };
	}

	private throttledResponse(request: DispatchRequest, throttled: Throttled): DispatchResponse {
		return this.respondError(request, new GraphError(429, throttled.code, throttled.message, { 'Retry-After': String(throttled.retryAfterSeconds) }));
	}

	private async dispatchResolved(
		request: DispatchRequest,
		method: HttpMethod,
		check: TokenCheck,
		segments: string[],
		found: ReturnType<GraphRouter['findRoute']>,
		meWithAppToken: boolean,
	): Promise<DispatchResponse> {
		if (!check.ok) {
			const definition = found && found !== 'methodNotAllowed' ? found.route.definition : undefined;
			const status = check.reason === 'expired' ? (this.deps.tokens.expiredTokenStatus ?? definition?.expiredTokenStatus ?? 401) : 401;
			const message =
				check.reason === 'empty' ? 'Access token is empty.'
				: check.reason === 'expired' ? 'Access token has expired or is not yet valid.'
				: check.reason === 'malformed' ? 'IDX14100: JWT is not well formed, there are no dots (.).\nThe token needs to be in JWS or JWE Compact Serialization Format.'
				: check.reason === 'audience' ? 'Access token validation failure. Invalid audience.'
				: 'Access token validation failure.';
			return this.respondError(request, new GraphError(status, 'InvalidAuthenticationToken', message, status === 401 ? { 'WWW-Authenticate': WWW_AUTHENTICATE } : {}));
		}
		const principal = check.principal;
		if (meWithAppToken) return this.respondError(request, new GraphError(400, 'BadRequest', '/me request is only valid with delegated authentication flow.'));
		if (!found) return this.respondError(request, new GraphError(400, 'BadRequest', `Resource not found for the segment '${this.unknownSegment(segments)}'.`));
		if (found === 'methodNotAllowed') return this.respondError(request, new GraphError(405, 'Request_BadRequest', 'Specified HTTP method is not allowed for the request uri.'));
		const { route, params } = found;
		const routeId = `${route.method} ${route.template}`;
		const denied = this.checkPermissions(route.definition, principal);
		if (denied) return this.respondError(request, denied);

		const graphUrl = this.deps.graphUrl();
		const ctx: GraphContext = {
			method,
			path: '/' + segments.join('/'),
			requestPath: request.path,
			version: request.version,
			baseUrl: `${graphUrl}/${request.version}`,
			params,
			query: request.query,
			headers: request.headers,
			body: request.body,
			principal,
			state: this.deps.state(),
			clock: this.deps.clock,
			emulator: this.deps.emulator(),
			graph: this,
			requestId: request.requestId,
			clientRequestId: request.headers['client-request-id'] ?? request.requestId,
			graphUrl,
			route: routeId,
			inBatch: request.inBatch,
			throttledSubRequests: request.throttledSubRequests,
		};
		try {
			const result = await route.definition.handler(ctx);
			const status = result.status ?? (result.body === undefined ? 204 : 200);
			return { status, headers: { ...(result.headers ?? {}) }, body: result.body, ...(result.drop ? { drop: result.drop } : {}) };
		} catch (error) {
			if (error instanceof GraphError) return this.respondError(request, error);
			const message = error instanceof Error ? error.message : String(error);
			return this.respondError(request, new GraphError(500, 'InternalServerError', `Emulator handler failed: ${message}`));
		}
	}

	private checkPermissions(definition: RouteDefinition, principal: Principal): GraphError | undefined {
		const permissions = definition.permissions;
		if (!permissions) return undefined;
		const required = principal.kind === 'app' ? (permissions.application ?? []) : (permissions.delegated ?? []);
		const held = principal.kind === 'app' ? principal.roles : principal.scopes;
		const heldLower = new Set(held.map((p) => p.toLowerCase()));
		if (required.some((p) => heldLower.has(p.toLowerCase()))) return undefined;
		if (definition.directory) return new GraphError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
		if (required.length === 0) {
			return new GraphError(
				403,
				'Forbidden',
				principal.kind === 'app' ? 'Application-only access is not supported for this API.' : 'Delegated access is not supported for this API.',
			);
		}
		const kind = principal.kind === 'app' ? 'role' : 'scope';
		const heldName = principal.kind === 'app' ? 'Roles' : 'Scopes';
		return new GraphError(
			403,
			'Forbidden',
			`Missing ${kind} permissions on the request. API requires one of '${required.join(', ')}'. ${heldName} on the request '${held.join(', ')}'.`,
		);
	}
}
