// startEmulator(): two HTTPS listeners on 127.0.0.1 sharing one tenant. The login host answers Entra's
// endpoints; the Graph host answers /v1.0 and /beta plus the control API under /_emulator/. A Graph call sent
// to the login host gets the login host's 404, as it would for real.
import { randomUUID } from 'crypto';
import { readFileSync } from 'fs';
import type { IncomingMessage, ServerResponse } from 'http';
import { createServer, type Server } from 'https';
import type { AddressInfo } from 'net';

import { type Clock, createClock } from './clock';
import type { PendingAuthorization } from './entra/context';
import { handleLogin } from './entra/index';
import { createEvents, type EmulatorEvents } from './events';
import { createFaults, type Faults } from './faults';
import { registerAllAreas } from './graph/areas';
import { graphErrorBody } from './graph/errors';
import { GraphRouter } from './graph/router';
import { GRAPH_JSON, headerMap, parseJsonBody, readBody, send } from './http/io';
import { createRequestLog, type RequestLog } from './requestLog';
import { createRules, type RulesControl, type RuleValue } from './rules';
import { defaultTenant } from './state/seed';
import { TenantState } from './state/tenantState';
import type { TenantSeed } from './state/types';
import { type TokenControl, TokenService } from './tokens';
import { Throttling, type MailboxConcurrencyPeaks } from './throttling';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ensureEmulatorTls } = require('../../scripts/emulator-tls') as { ensureEmulatorTls: () => { cert: string; key: string } };

export interface EmulatorOptions {
	/** The tenant to start with (default: the Contoso seed from state/seed.ts). */
	seed?: TenantSeed;
	/** Delay added to every top-level request on both hosts. */
	latencyMs?: number;
	/** Fixed ports (default: random free ports). */
	loginPort?: number;
	graphPort?: number;
	/** Start the emulator clock at this time (default: real now). */
	clockStart?: string;
	/** Seed of the PRNG behind fault probabilities (default 1). */
	faultSeed?: number;
	/**
	 * Microsoft's tenant rules to start with, by name (rules.ts; e.g. `{ teamsPosting: false }`); the others keep
	 * Microsoft's default. They are this emulator's starting point: `reset()` comes back to them.
	 */
	rules?: Record<string, RuleValue>;
}

export interface Emulator {
	/** https://127.0.0.1:<port> */
	loginUrl: string;
	graphUrl: string;
	/** 127.0.0.1:<port> (what a credential's host override takes) */
	loginHost: string;
	graphHost: string;
	tenantId: string;
	state: TenantState;
	clock: Clock;
	faults: Faults;
	requests: RequestLog;
	tokens: TokenControl;
	/** 'change' events (see events.ts) for change notifications. */
	events: EmulatorEvents;
	/** The Graph router (areas are already registered; tests may add routes). */
	graph: GraphRouter;
	/**
	 * Microsoft's tenant rules (throttling limits, replication delay, polling policy, protected APIs, ...): switches,
	 * on by default where Microsoft applies them; the one control for all of them (README "Microsoft's tenant rules").
	 */
	rules: RulesControl;
	/** Global latency for top-level requests (ms); may be changed at run time. */
	latencyMs: number;
	/** Outlook concurrency peaks since the last reset (or `reset()`): counted, never timed (throttling.ts). */
	mailboxConcurrency: { peaks(): MailboxConcurrencyPeaks; reset(): void };
	/** Replaces the tenant (default: a fresh default seed), forgets tokens, faults, the request log and throttling windows, and puts every rule back to its default (or to `startEmulator({ rules })`). */
	reset(seed?: TenantSeed): void;
	close(): Promise<void>;
	/** True once close() was called: work the emulator does on its own (notification retries) stops. */
	readonly closed: boolean;
}

class EmulatorInstance implements Emulator {
	loginUrl = '';
	graphUrl = '';
	loginHost = '';
	graphHost = '';
	readonly clock: Clock;
	readonly events: EmulatorEvents = createEvents();
	readonly faults: Faults;
	readonly requests: RequestLog = createRequestLog();
	readonly rules: RulesControl = createRules();
	readonly state: TenantState;
	readonly tokenService: TokenService;
	readonly graph: GraphRouter;
	private readonly throttling: Throttling;
	readonly mailboxConcurrency: Emulator['mailboxConcurrency'];
	private readonly startRules: Record<string, RuleValue>;
	latencyMs: number;
	private readonly pending = new Map<string, PendingAuthorization>();
	private servers: Server[] = [];
	closed = false;

	constructor(options: EmulatorOptions) {
		this.clock = createClock(options.clockStart);
		this.faults = createFaults(options.faultSeed ?? 1, () => this.clock.nowMs());
		this.latencyMs = options.latencyMs ?? 0;
		this.state = new TenantState(options.seed ? structuredClone(options.seed) : defaultTenant(), this.clock, this.events, this.rules);
		this.tokenService = new TokenService(() => this.state, this.clock, () => this.loginUrl);
		this.throttling = new Throttling(this.rules, (addressed) => this.state.user(addressed)?.user.id ?? addressed);
		this.mailboxConcurrency = { peaks: () => this.throttling.concurrencyPeaks(), reset: () => this.throttling.resetPeaks() };
		this.graph = new GraphRouter({
			throttling: this.throttling,
			latencyMs: () => this.latencyMs,
			emulator: () => this,
			state: () => this.state,
			clock: this.clock,
			tokens: this.tokenService,
			faults: this.faults,
			requests: this.requests,
			rules: this.rules,
			graphUrl: () => this.graphUrl,
		});
		registerAllAreas(this.graph);
		this.startRules = { ...options.rules };
		this.rules.set(this.startRules);
	}

	get tenantId(): string {
		return this.state.tenantId;
	}

	get tokens(): TokenControl {
		return this.tokenService;
	}

	reset(seed?: TenantSeed): void {
		this.state.replace(seed ? structuredClone(seed) : defaultTenant());
		this.tokenService.reset();
		this.faults.clear();
		this.requests.reset();
		this.throttling.clear();
		this.rules.reset();
		this.rules.set(this.startRules);
		this.pending.clear();
	}

	async start(options: EmulatorOptions): Promise<void> {
		const tls = ensureEmulatorTls();
		const credentials = { cert: readFileSync(tls.cert), key: readFileSync(tls.key) };
		// Every answer carries the emulator's clock in Date, as Microsoft's services send their own (HTTP's Date header:
		// when the answer was made). Node would send the host's clock; the emulator's can be moved or shifted.
		const stamp = (res: ServerResponse) => res.setHeader('Date', this.clock.now().toUTCString());
		const login = createServer(credentials, (req, res) => {
			stamp(res);
			void this.onLogin(req, res);
		});
		const graph = createServer(credentials, (req, res) => {
			stamp(res);
			this.onGraph(req, res).catch((error: unknown) => {
				// A bug in the emulator must answer 500, never crash the test process.
				if (!res.headersSent) send(res, { status: 500, body: { error: { code: 'InternalServerError', message: `Emulator failure: ${error instanceof Error ? error.message : String(error)}` } } });
			});
		});
		this.servers = [login, graph];
		const listen = (server: Server, port = 0) =>
			new Promise<number>((resolve, reject) => {
				server.once('error', reject);
				server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
			});
		const [loginPort, graphPort] = await Promise.all([listen(login, options.loginPort), listen(graph, options.graphPort)]);
		this.loginHost = `127.0.0.1:${loginPort}`;
		this.graphHost = `127.0.0.1:${graphPort}`;
		this.loginUrl = `https://${this.loginHost}`;
		this.graphUrl = `https://${this.graphHost}`;
	}

	async close(): Promise<void> {
		this.closed = true;
		// Held requests go on, so nothing waits on a stopped emulator.
		this.faults.release();
		await Promise.all(
			this.servers.map(
				(server) =>
					new Promise<void>((resolve) => {
						server.close(() => resolve());
						server.closeAllConnections();
					}),
			),
		);
		this.servers = [];
	}

	private async delay(): Promise<void> {
		if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
	}

	private async onLogin(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const url = new URL(req.url ?? '/', this.loginUrl);
		const method = (req.method ?? 'GET').toUpperCase();
		try {
			const bodyText = await readBody(req);
			await this.delay();
			const faults = this.faults.match({ host: 'login', method, path: url.pathname, rawPath: url.pathname, inBatch: false });
			for (const fault of faults) {
				if (fault.kind === 'latency') await new Promise((resolve) => setTimeout(resolve, fault.latencyMs ?? 0));
				if (fault.kind === 'drop') {
					this.requests.record({ host: 'login', method, path: url.pathname, query: url.search.slice(1), status: 0, batch: false, time: this.clock.now().toISOString(), faults: ['drop'] });
					req.socket.destroy();
					return;
				}
				if (fault.kind === 'throttle' || fault.kind === 'rateLimit' || fault.kind === 'status') {
					const status = fault.kind === 'status' ? (fault.status ?? 503) : 429;
					const retryAfter = fault.retryAfterNow ?? fault.retryAfterSeconds;
					const headers: Record<string, string> = fault.kind !== 'status' || retryAfter !== undefined ? { 'Retry-After': String(retryAfter ?? 2) } : {};
					send(res, { status, headers, body: { error: 'temporarily_unavailable', error_description: `AADSTS50196: The server terminated an operation because it encountered a client request loop or is throttling. (${status})`, error_codes: [50196] } });
					this.requests.record({ host: 'login', method, path: url.pathname, query: url.search.slice(1), status, batch: false, time: this.clock.now().toISOString(), faults: [fault.kind] });
					return;
				}
			}
			const reply = await handleLogin(
				{
					state: () => this.state,
					clock: this.clock,
					tokens: this.tokenService,
					loginUrl: () => this.loginUrl,
					graphUrl: () => this.graphUrl,
					graphHost: () => this.graphHost,
					pending: this.pending,
					rules: this.rules,
				},
				{ method, path: url.pathname, query: url.searchParams, headers: headerMap(req), bodyText, raw: req },
			);
			this.requests.record({ host: 'login', method, path: url.pathname, query: url.search.slice(1), route: reply.route, status: reply.status, appId: reply.appId, batch: false, time: this.clock.now().toISOString() });
			if (faults.some((f) => f.kind === 'dropAfterApply')) {
				req.socket.destroy();
				return;
			}
			send(res, reply);
		} catch (error) {
			send(res, { status: 500, body: { error: 'server_error', error_description: `Emulator failure: ${error instanceof Error ? error.message : String(error)}` } });
		}
	}

	private async onGraph(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const arrivedSeq = this.requests.arrive();
		const url = new URL(req.url ?? '/', this.graphUrl);
		const method = (req.method ?? 'GET').toUpperCase();
		const headers = headerMap(req);
		const requestId = randomUUID();
		const clientRequestId = headers['client-request-id'] ?? requestId;
		const common = {
			'request-id': requestId,
			'client-request-id': clientRequestId,
			'x-ms-ags-diagnostic': JSON.stringify({ ServerInfo: { DataCenter: 'Emulator', Slice: 'E', Ring: '5', ScaleUnit: '000', RoleInstance: 'EMU' } }),
			'Strict-Transport-Security': 'max-age=31536000',
			'Cache-Control': 'no-cache',
		};
		const bodyText = await readBody(req).catch(() => '');

		if (url.pathname.startsWith('/_emulator/') || url.pathname === '/_emulator') {
			const path = url.pathname.slice('/_emulator'.length) || '/';
			const control = this.graph.findControl(method, path);
			let status = 404;
			try {
				let body: unknown;
				try {
					body = parseJsonBody(bodyText, headers['content-type']);
				} catch {
					send(res, { status: 400, body: { error: 'invalid JSON body' } });
					return;
				}
				if (!control) {
					send(res, { status: 404, body: { error: `no control endpoint ${method} /_emulator${path}` } });
					return;
				}
				const result = await control.handler({ method: method as 'GET', path, params: control.params, query: url.searchParams, body, emulator: this, state: this.state, clock: this.clock });
				status = result.status ?? (result.body === undefined ? 204 : 200);
				send(res, { status, headers: result.headers, body: result.body });
			} catch (error) {
				status = 400;
				send(res, { status, body: { error: error instanceof Error ? error.message : String(error) } });
			}
			return;
		}

		// The latency of Graph requests is applied by the router, after a request took its concurrency slots.
		const versionMatch = /^\/(v1\.0|beta)(\/.*)?$/i.exec(url.pathname);
		if (!versionMatch) {
			await this.delay();
			const segment = url.pathname.split('/').filter(Boolean)[0] ?? '';
			const body = graphErrorBody('BadRequest', `Invalid version: ${segment}`, requestId, clientRequestId, this.clock.now());
			this.requests.record({ host: 'graph', method, path: url.pathname, query: url.search.slice(1), status: 400, batch: false, time: this.clock.now().toISOString() });
			send(res, { status: 400, headers: common, body, contentType: GRAPH_JSON });
			return;
		}
		const version = versionMatch[1].toLowerCase() === 'beta' ? 'beta' : 'v1.0';
		let body: unknown;
		try {
			body = parseJsonBody(bodyText, headers['content-type']);
		} catch {
			await this.delay();
			const error = graphErrorBody('BadRequest', 'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.', requestId, clientRequestId, this.clock.now());
			send(res, { status: 400, headers: common, body: error, contentType: GRAPH_JSON });
			return;
		}
		const response = await this.graph.dispatch({
			method,
			path: versionMatch[2] ?? '/',
			version,
			query: url.searchParams,
			headers,
			body,
			inBatch: false,
			requestId,
		});
		this.requests.record({
			host: 'graph',
			method,
			path: url.pathname,
			query: url.search.slice(1),
			route: response.route,
			status: response.drop === 'before' ? 0 : response.status,
			appId: response.appId,
			batch: false,
			time: this.clock.now().toISOString(),
			faults: response.faults,
			arrivedSeq,
		});
		if (response.drop) {
			req.socket.destroy();
			return;
		}
		const isText = typeof response.body === 'string';
		send(res, { status: response.status, headers: { ...common, ...response.headers }, body: response.body, contentType: isText ? undefined : GRAPH_JSON });
	}
}

/** Starts an emulator on random loopback ports (or the given ones). Close it when done. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
	const emulator = new EmulatorInstance(options);
	await emulator.start(options);
	return emulator;
}
