// Graph change notifications (webhooks), as Microsoft documents them:
//   POST   /subscriptions                       subscription-post-subscriptions.md
//   GET    /subscriptions, /subscriptions/{id}  subscription-list.md, subscription-get.md (the caller app's own only;
//          the list in pages with @odata.nextLink, clientState null as Graph returns it there)
//   PATCH  /subscriptions/{id}                  subscription-update.md (renews, and reauthorizes)
//   DELETE /subscriptions/{id}                  subscription-delete.md
//   POST   /subscriptions/{id}/reauthorize      subscription-reauthorize.md
// Creation validates the notification URL and the lifecycle URL with the handshake of
// change-notifications-delivery-webhooks.md (POST {url}?validationToken=..., text/plain, 200 with the token as
// text/plain within 10 s; otherwise 400 ValidationError). Lifetimes (subscription.md "Subscription lifetime"): Outlook
// messages 10080 minutes, Teams chat and channel messages and presence 4320; an expiry under 45 minutes away is moved
// to 45 minutes; Teams and presence resources need a lifecycleNotificationUrl above one hour.
// Delivery: every 'change' event (events.ts) that falls under a live subscription is POSTed to its notificationUrl
// as Graph's changeNotificationCollection (one notification per POST); a receiver that does not answer 2xx within
// 3 s is retried, then the notification is dropped and, for Outlook resources with a lifecycle URL, a `missed`
// lifecycle notification follows. Expired subscriptions stop delivering and are removed (by the emulator clock).
// Lifecycle (change-notifications-lifecycle-events.md): `reauthorizationRequired` from 3 hours before expiry, again
// every 15 minutes until renewed, and at once when the subscriber lost the permission (delivery then pauses, what
// happens meanwhile is lost, and the request is repeated every 15 minutes until a renewal or reauthorize succeeds); `subscriptionRemoved` and `missed` through the control API. Where the docs are silent,
// the emulator chooses and says so: a receiver that answers with errors is given up after 8 attempts, 100 ms to 6.4 s
// apart in real time (shortened from Graph's 4 hours, so tests of Graph giving up stay short); one that does not answer
// within 3 s, or refuses the connection, is tried for Graph's 4 hours, delays doubling up to 10 s, until the subscription
// is deleted or the emulator closes (a restarting or overloaded n8n loses nothing, as with Graph); GET and PATCH of another app's subscription is 404.
// Controls (/_emulator/subscriptions...): list with delivery counts, send a lifecycle event, drop the next N
// notifications (then `missed`), fail deliveries, and wait until every delivery in flight has finished.
import type { Subscription } from '@microsoft/microsoft-graph-types';
import { randomUUID } from 'crypto';
import { request as httpRequest } from 'http';
import { request as httpsRequest } from 'https';

import type { Clock } from '../clock';
import type { Emulator } from '../emulator';
import { normalizeResourcePath, type ChangeEvent } from '../events';
import type { TenantState } from '../state/tenantState';
import type { SubscriptionRecord } from '../state/types';
import type { Principal } from '../tokens';
import { pageItems } from '../odata/query';
import { graphError } from './errors';
import type { ControlContext, GraphContext, GraphResult, GraphRouter } from './router';

const MINUTE_MS = 60_000;
const VALIDATION_TIMEOUT_MS = 10_000;
const DELIVERY_TIMEOUT_MS = 3_000;
/**
 * A receiver that answers, but not 2xx (the fail control's 503s included), is given up after this many attempts, 100 ms,
 * 200 ms, ... 6.4 s apart: shortened from Graph's 4 hours so tests of Graph giving up stay short.
 */
export const DELIVERY_ATTEMPTS = 8;
/**
 * A receiver that does not answer at all (no answer within 3 s, connection refused or reset: n8n restarting, or too
 * busy) is tried again for as long as Graph does, up to 4 hours ("Throttling" in change-notifications-delivery-webhooks),
 * the delays doubling up to RETRY_MAX_DELAY_MS; the retries stop when the subscription is deleted or the emulator closes.
 */
export const NO_ANSWER_RETRY_HORIZON_MS = 4 * 60 * 60_000;
const RETRY_BASE_DELAY_MS = 100;
const RETRY_MAX_DELAY_MS = 10_000;
const MIN_LIFETIME_MINUTES = 45;
const LIFECYCLE_REQUIRED_ABOVE_MINUTES = 60;
const REAUTHORIZE_FROM_MINUTES = 180;
const REAUTHORIZE_EVERY_MINUTES = 15;
const MAX_CLIENT_STATE = 128;
const MAX_PRESENCE_IDS = 650;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type LifecycleEvent = 'reauthorizationRequired' | 'subscriptionRemoved' | 'missed';

type ResourceKind = 'channelMessages' | 'allChannelMessages' | 'chatMessages' | 'userChats' | 'allChats' | 'mail' | 'presence';

interface ResourceRule {
	kind: ResourceKind;
	maxMinutes: number;
	/** Teams and presence: an expiry above one hour needs a lifecycleNotificationUrl. */
	lifecycleRequired: boolean;
	changeTypes: string[];
	application: string[];
	/** Empty: delegated tokens are refused. */
	delegated: string[];
	/** Outlook resources get `missed` lifecycle notifications. */
	outlook: boolean;
}

const TEAMS_MESSAGES = { maxMinutes: 4320, lifecycleRequired: true, changeTypes: ['created', 'updated', 'deleted'], outlook: false };
const RULES: Record<ResourceKind, ResourceRule> = {
	channelMessages: { kind: 'channelMessages', ...TEAMS_MESSAGES, application: ['ChannelMessage.Read.All'], delegated: ['ChannelMessage.Read.All'] },
	allChannelMessages: { kind: 'allChannelMessages', ...TEAMS_MESSAGES, application: ['ChannelMessage.Read.All'], delegated: [] },
	chatMessages: {
		kind: 'chatMessages',
		...TEAMS_MESSAGES,
		application: ['Chat.Read.All', 'ChatMessage.Read.All'],
		delegated: ['Chat.Read', 'Chat.ReadWrite', 'ChatMessage.Read'],
	},
	userChats: {
		kind: 'userChats',
		...TEAMS_MESSAGES,
		application: ['Chat.Read.All', 'ChatMessage.Read.All'],
		delegated: ['Chat.Read', 'Chat.ReadWrite'],
	},
	allChats: { kind: 'allChats', ...TEAMS_MESSAGES, application: ['Chat.Read.All', 'ChatMessage.Read.All'], delegated: [] },
	mail: {
		kind: 'mail',
		maxMinutes: 10080,
		lifecycleRequired: false,
		changeTypes: ['created', 'updated', 'deleted'],
		application: ['Mail.ReadBasic.All', 'Mail.Read', 'Mail.ReadWrite'],
		delegated: ['Mail.ReadBasic', 'Mail.Read', 'Mail.ReadWrite', 'Mail.Read.Shared'],
		outlook: true,
	},
	presence: {
		kind: 'presence',
		maxMinutes: 4320,
		lifecycleRequired: true,
		changeTypes: ['updated'],
		application: ['Presence.Read.All'],
		delegated: ['Presence.Read.All'],
		outlook: false,
	},
};

interface ParsedResource {
	rule: ResourceRule;
	/** Normalised resource paths a change event must list (see events.ts). */
	matches: string[];
	teamId?: string;
	channelId?: string;
	chatId?: string;
	userId?: string;
	presenceIds?: string[];
	/** Payment model of a metered resource (teams-licenses.md); undefined = evaluation mode. */
	model?: 'A' | 'B';
}

/** Emulator bookkeeping per subscription (SubscriptionRecord.emulator). */
interface Bookkeeping {
	appId: string;
	principalKind: 'app' | 'delegated';
	userId?: string;
	kind: ResourceKind;
	delivered: number;
	failed: number;
	dropNext: number;
	/** Emulator-clock ms of the last reauthorizationRequired sent for the current expiry. */
	lastReauthorizationMs?: number;
	/** Delivery paused until the subscription is renewed or reauthorized. */
	needsReauthorization?: boolean;
	presenceIds?: string[];
	model?: 'A' | 'B';
	/** Notifications not sent because the evaluation quota was spent. */
	withheld?: number;
}

interface Delivery {
	url: string;
	body: unknown;
	/** False once Graph would no longer send it (subscription deleted, emulator closed): retries stop. */
	wanted: () => boolean;
}

/** Per emulator: deliveries in flight, receiver faults, and listeners attached once. */
interface Runtime {
	inFlight: Set<Promise<void>>;
	/** Answer every delivery as if the receiver returned this status (tests of retries), N times. */
	failNext: number;
	/** Every notification POSTed, for tests: url, body, final status. */
	log: Array<{ url: string; body: unknown; status: number; attempts: number }>;
}

const runtimes = new WeakMap<Emulator, Runtime>();

export function subscriptionRuntime(emulator: Emulator): Runtime {
	let runtime = runtimes.get(emulator);
	if (!runtime) {
		runtime = { inFlight: new Set(), failNext: 0, log: [] };
		runtimes.set(emulator, runtime);
		attach(emulator, runtime);
	}
	return runtime;
}

/** Resolves once every notification in flight (and what it triggered) has been delivered or given up. */
export async function idleDeliveries(emulator: Emulator): Promise<void> {
	const runtime = subscriptionRuntime(emulator);
	while (runtime.inFlight.size > 0) await Promise.allSettled([...runtime.inFlight]);
}

function bookkeeping(record: SubscriptionRecord): Bookkeeping {
	return record.emulator as unknown as Bookkeeping;
}

function ruleOf(record: SubscriptionRecord): ResourceRule {
	return RULES[bookkeeping(record).kind];
}

/** Graph's subscription JSON, without the emulator's bookkeeping. */
function render(record: SubscriptionRecord, graphUrl: string): Subscription & { '@odata.context'?: string } {
	const { emulator: _bookkeeping, ...subscription } = record;
	void _bookkeeping;
	return { '@odata.context': `${graphUrl}/v1.0/$metadata#subscriptions/$entity`, ...subscription };
}

export const METERED_APIS_RULE = 'meteredApis';
const METERED_KINDS: ResourceKind[] = ['allChannelMessages', 'allChats', 'userChats'];
const DEFAULT_EVALUATION_QUOTA = 500;

/**
 * `model=A|B` of a metered resource (teams-licenses.md). /users/{id}/chats/getAllMessages takes model B only;
 * Microsoft does not document the error's wording for a refused model: this is the emulator's.
 */
function paymentModelOf(resource: string, query: string, accepted: Array<'A' | 'B'>): 'A' | 'B' | undefined {
	const model = new URLSearchParams(query).get('model');
	if (model === null || model === '') return undefined;
	if (!accepted.includes(model as 'A' | 'B')) {
		graphError(400, 'BadRequest', `Payment model '${model}' is not supported for resource '${resource}'. Supported payment models: ${accepted.join(', ')}.`);
	}
	return model as 'A' | 'B';
}

interface EvaluationUsage {
	/** `${appId}|${yyyy-mm}` -> notifications sent in evaluation mode */
	used: Record<string, number>;
}

/**
 * Evaluation mode: per app, per tenant, per calendar month, at most `evaluationQuota` notifications of metered
 * resources without a payment model; beyond it Graph sends nothing (teams-licenses.md "Evaluation mode").
 */
function evaluationQuotaAllows(emulator: Emulator, book: Bookkeeping): boolean {
	if (!METERED_KINDS.includes(book.kind) || book.model) return true;
	const setting = emulator.rules.get<boolean | Record<string, unknown>>(METERED_APIS_RULE);
	if (setting === false) return true;
	const quota = typeof setting === 'object' && typeof setting.evaluationQuota === 'number' ? setting.evaluationQuota : DEFAULT_EVALUATION_QUOTA;
	const usage = emulator.state.area<EvaluationUsage>('meteredEvaluation', () => ({ used: {} }));
	const key = `${book.appId}|${emulator.clock.now().toISOString().slice(0, 7)}`;
	const used = usage.used[key] ?? 0;
	if (used >= quota) return false;
	usage.used[key] = used + 1;
	return true;
}

function presenceIdsOf(query: string): string[] | undefined {
	const filter = /\$filter=\s*id\s+in\s*\(([^)]*)\)/i.exec(decodeURIComponent(query));
	if (!filter) return undefined;
	return filter[1]
		.split(',')
		.map((s) => s.trim().replace(/^'(.*)'$/, '$1').replace(/''/g, "'"))
		.filter(Boolean);
}

/** What a subscription resource watches; a Graph error when the resource is unknown or does not exist. */
function parseResource(resource: string, state: TenantState, principal: Principal): ParsedResource {
	const [pathPart, queryPart = ''] = resource.split('?');
	let path = normalizeResourcePath(pathPart);
	if (path.startsWith('/me/')) {
		if (principal.kind !== 'delegated') graphError(400, 'BadRequest', '/me request is only valid with delegated authentication flow.');
		path = `/users/${principal.userId.toLowerCase()}${path.slice(3)}`;
	}
	const segments = path.split('/').filter(Boolean);
	const unsupported = () =>
		graphError(400, 'InvalidRequest', `Resource '${resource}' is not supported for change notifications.`);

	if (path === '/teams/getallmessages') return { rule: RULES.allChannelMessages, matches: [path], model: paymentModelOf(resource, queryPart, ['A', 'B']) };
	if (path === '/chats/getallmessages') return { rule: RULES.allChats, matches: [path], model: paymentModelOf(resource, queryPart, ['A', 'B']) };
	if (segments[0] === 'teams' && segments[2] === 'channels' && segments[4] === 'messages' && segments.length === 5) {
		const channel = state.channel(segments[1], segments[3]) ?? Object.values(state.data.channels).find(
			(c) => c.teamId.toLowerCase() === segments[1] && c.channel.id.toLowerCase() === segments[3],
		);
		if (!channel) graphError(404, 'NotFound', `Channel '${segments[3]}' of team '${segments[1]}' was not found.`);
		return { rule: RULES.channelMessages, matches: [path], teamId: channel.teamId, channelId: channel.channel.id };
	}
	if (segments[0] === 'chats' && segments[2] === 'messages' && segments.length === 3) {
		const chat = Object.values(state.data.chats).find((c) => c.chat.id.toLowerCase() === segments[1]);
		if (!chat) graphError(404, 'NotFound', `Chat '${segments[1]}' was not found.`);
		return { rule: RULES.chatMessages, matches: [path], chatId: chat.chat.id };
	}
	if (segments[0] === 'users' && segments[2] === 'chats' && segments[3] === 'getallmessages' && segments.length === 4) {
		const user = state.user(segments[1]);
		if (!user) graphError(404, 'Request_ResourceNotFound', `Resource '${segments[1]}' does not exist or one of its queried reference-property objects are not present.`);
		return { rule: RULES.userChats, matches: ['/chats/getallmessages'], userId: user.user.id, model: paymentModelOf(resource, queryPart, ['B']) };
	}
	if (segments[0] === 'users' && (segments.length === 3 || segments.length === 5) && segments[segments.length - 1] === 'messages') {
		if (segments.length === 5 && segments[2] !== 'mailfolders') unsupported();
		const user = state.user(segments[1]);
		if (!user || !state.mailbox(user.user.id)) {
			graphError(404, 'ResourceNotFound', `The mailbox of '${segments[1]}' was not found or is not enabled for REST API.`);
		}
		return { rule: RULES.mail, matches: [path], userId: user.user.id };
	}
	if (path === '/communications/presences' || (segments[0] === 'communications' && segments[1] === 'presences' && segments.length === 3)) {
		const ids = segments.length === 3 ? [segments[2]] : presenceIdsOf(queryPart);
		if (!ids || ids.length === 0) graphError(400, 'InvalidRequest', "Presence subscriptions need /communications/presences?$filter=id in ('{id}',...) or /communications/presences/{id}.");
		if (ids.length > MAX_PRESENCE_IDS) graphError(400, 'InvalidRequest', `A presence subscription takes at most ${MAX_PRESENCE_IDS} ids.`);
		const bad = ids.find((id) => !GUID.test(id));
		if (bad) graphError(400, 'InvalidRequest', `'${bad}' is not a valid user id: presence subscriptions take object ids.`);
		return {
			rule: RULES.presence,
			matches: ['/communications/presences'],
			presenceIds: ids.map((id) => id.toLowerCase()),
		};
	}
	return unsupported();
}

function checkPermission(parsed: ParsedResource, principal: Principal): void {
	const { rule } = parsed;
	if (principal.kind === 'app') {
		if (!rule.application.some((p) => principal.roles.includes(p))) {
			graphError(403, 'Forbidden', `Insufficient privileges to complete the operation: subscriptions to this resource need one of the application permissions ${rule.application.join(', ')}.`);
		}
		return;
	}
	if (rule.delegated.length === 0) {
		graphError(403, 'Forbidden', 'Operation not supported with delegated permissions: this resource takes application permissions only.');
	}
	if (!rule.delegated.some((p) => principal.scopes.includes(p))) {
		graphError(403, 'Forbidden', `Insufficient privileges to complete the operation: subscriptions to this resource need one of the delegated permissions ${rule.delegated.join(', ')}.`);
	}
	if (rule.kind === 'userChats' && parsed.userId?.toLowerCase() !== principal.userId.toLowerCase()) {
		graphError(403, 'Forbidden', "A delegated subscription can watch only the signed-in user's own chats.");
	}
}

/** Is the subscriber still allowed to read what it watches (for delivery after an admin revoked a permission)? */
function stillAuthorized(state: TenantState, record: SubscriptionRecord): boolean {
	const book = bookkeeping(record);
	const rule = ruleOf(record);
	const app = state.app(book.appId);
	if (!app) return false;
	if (book.principalKind === 'app') return rule.application.some((p) => app.grantedAppRoles.includes(p));
	const scopes = [...app.grantedScopes, ...(app.userConsents[book.userId ?? ''] ?? [])];
	return rule.delegated.some((p) => scopes.includes(p));
}

async function post(url: string, body: string, contentType: string, timeoutMs: number): Promise<{ status: number; text: string }> {
	const target = new URL(url);
	const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
	return await new Promise((resolve) => {
		const req = send(
			target,
			{ method: 'POST', headers: { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) }, timeout: timeoutMs },
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (chunk: Buffer) => chunks.push(chunk));
				res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
				res.on('error', () => resolve({ status: 0, text: '' }));
			},
		);
		req.on('timeout', () => {
			req.destroy();
			resolve({ status: 0, text: 'timeout' });
		});
		req.on('error', () => resolve({ status: 0, text: '' }));
		req.end(body);
	});
}

/** The handshake: Graph's opaque token, echoed back as text/plain with 200 within 10 s. */
async function validateEndpoint(url: string): Promise<void> {
	const token = `Validation: Testing client application reachability for subscription Request-Id: ${randomUUID()}`;
	const target = new URL(url);
	target.searchParams.set('validationToken', token);
	const answer = await post(target.toString(), '', 'text/plain; charset=utf-8', VALIDATION_TIMEOUT_MS);
	if (answer.status === 0 && answer.text === 'timeout') {
		graphError(400, 'ValidationError', 'Subscription validation request timed out.');
	}
	if (answer.status !== 200 || answer.text !== token) {
		graphError(
			400,
			'ValidationError',
			'Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request.',
		);
	}
}

function requireHttps(url: unknown, field: string): string {
	if (typeof url !== 'string' || url === '') graphError(400, 'InvalidRequest', `${field} is a required property.`);
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		return graphError(400, 'InvalidRequest', `${field} '${url}' is not a valid URL.`);
	}
	if (parsed.protocol !== 'https:') {
		graphError(400, 'ValidationError', `Subscription validation request failed. ${field} must be an https URL.`);
	}
	return url;
}

function expiryFor(value: unknown, rule: ResourceRule, nowMs: number, hasLifecycleUrl: boolean): string {
	const ms = typeof value === 'string' ? Date.parse(value) : NaN;
	if (Number.isNaN(ms)) graphError(400, 'InvalidRequest', 'expirationDateTime is a required property and must be a date.');
	if (ms <= nowMs) graphError(400, 'InvalidRequest', 'Subscription expiration must be in the future.');
	if (ms > nowMs + rule.maxMinutes * MINUTE_MS) {
		graphError(400, 'InvalidRequest', `Subscription expiration can only be ${rule.maxMinutes} minutes in the future.`);
	}
	if (rule.lifecycleRequired && !hasLifecycleUrl && ms > nowMs + LIFECYCLE_REQUIRED_ABOVE_MINUTES * MINUTE_MS) {
		graphError(
			400,
			'ValidationError',
			'lifecycleNotificationUrl is a required property for subscription creation on this resource when the expirationDateTime value is set to greater than 1 hour.',
		);
	}
	return new Date(Math.max(ms, nowMs + MIN_LIFETIME_MINUTES * MINUTE_MS)).toISOString();
}

function ownSubscription(ctx: GraphContext): SubscriptionRecord {
	const record = ctx.state.data.subscriptions[ctx.params.subscriptionId];
	const live = record && Date.parse(record.expirationDateTime) > ctx.clock.nowMs();
	if (!record || !live || bookkeeping(record).appId !== ctx.principal.appId) {
		graphError(404, 'ResourceNotFound', `The object '${ctx.params.subscriptionId}' was not found.`);
	}
	return record;
}

function bodyOf(ctx: { body: unknown }): Record<string, unknown> {
	return ctx.body && typeof ctx.body === 'object' && !Array.isArray(ctx.body) ? (ctx.body as Record<string, unknown>) : {};
}

async function createSubscription(ctx: GraphContext): Promise<GraphResult> {
	subscriptionRuntime(ctx.emulator);
	const body = bodyOf(ctx);
	if (body.includeResourceData === true) {
		graphError(400, 'InvalidRequest', 'includeResourceData needs encryptionCertificate and encryptionCertificateId (not emulated).');
	}
	const resource = typeof body.resource === 'string' ? body.resource : graphError(400, 'InvalidRequest', 'resource is a required property.');
	const parsed = parseResource(resource, ctx.state, ctx.principal);
	checkPermission(parsed, ctx.principal);
	const changeTypes = typeof body.changeType === 'string' ? body.changeType.split(',').map((c) => c.trim()) : [];
	if (changeTypes.length === 0 || changeTypes.some((c) => !parsed.rule.changeTypes.includes(c))) {
		graphError(400, 'InvalidRequest', `changeType must be a comma-separated list of ${parsed.rule.changeTypes.join(', ')} for this resource.`);
	}
	const notificationUrl = requireHttps(body.notificationUrl, 'notificationUrl');
	const lifecycleNotificationUrl =
		body.lifecycleNotificationUrl === undefined || body.lifecycleNotificationUrl === null
			? undefined
			: requireHttps(body.lifecycleNotificationUrl, 'lifecycleNotificationUrl');
	if (body.clientState !== undefined && body.clientState !== null && (typeof body.clientState !== 'string' || body.clientState.length > MAX_CLIENT_STATE)) {
		graphError(400, 'InvalidRequest', `clientState must be a string of at most ${MAX_CLIENT_STATE} characters.`);
	}
	const expirationDateTime = expiryFor(body.expirationDateTime, parsed.rule, ctx.clock.nowMs(), lifecycleNotificationUrl !== undefined);

	await validateEndpoint(notificationUrl);
	if (lifecycleNotificationUrl) await validateEndpoint(lifecycleNotificationUrl);

	const record: SubscriptionRecord = {
		id: randomUUID(),
		resource,
		applicationId: ctx.principal.appId,
		changeType: changeTypes.join(','),
		clientState: typeof body.clientState === 'string' ? body.clientState : null,
		notificationUrl,
		notificationQueryOptions: null,
		lifecycleNotificationUrl: lifecycleNotificationUrl ?? null,
		expirationDateTime,
		creatorId: ctx.principal.kind === 'delegated' ? ctx.principal.userId : ctx.principal.appId,
		includeResourceData: false,
		latestSupportedTlsVersion: typeof body.latestSupportedTlsVersion === 'string' ? body.latestSupportedTlsVersion : 'v1_2',
		encryptionCertificate: null,
		encryptionCertificateId: null,
		notificationUrlAppId: null,
		emulator: {
			appId: ctx.principal.appId,
			principalKind: ctx.principal.kind,
			userId: ctx.principal.kind === 'delegated' ? ctx.principal.userId : undefined,
			kind: parsed.rule.kind,
			delivered: 0,
			failed: 0,
			dropNext: 0,
			presenceIds: parsed.presenceIds,
			model: parsed.model,
			matches: parsed.matches,
			chatsOf: parsed.rule.kind === 'userChats' ? parsed.userId : undefined,
		} as unknown as Record<string, unknown>,
	};
	ctx.state.data.subscriptions[record.id] = record;
	return { status: 201, body: render(record, ctx.graphUrl) };
}

/**
 * Microsoft does not say how many subscriptions a page of GET /subscriptions holds, only that there may be
 * several pages (@odata.nextLink), and the list takes no OData query options ($top included): a fixed small page
 * makes every client of the list page through it.
 */
const SUBSCRIPTIONS_PAGE = 25;

function listSubscriptions(ctx: GraphContext): GraphResult {
	const now = ctx.clock.nowMs();
	const own = Object.values(ctx.state.data.subscriptions).filter((record) => {
		const book = bookkeeping(record);
		if (book.appId !== ctx.principal.appId || Date.parse(record.expirationDateTime) <= now) return false;
		// Delegated callers see the subscriptions the app made for them.
		return ctx.principal.kind === 'app' || book.userId === ctx.principal.userId;
	});
	const page = pageItems(ctx, own, { defaultTop: SUBSCRIPTIONS_PAGE, maxTop: SUBSCRIPTIONS_PAGE, maxPageSize: SUBSCRIPTIONS_PAGE });
	return {
		body: {
			'@odata.context': `${ctx.graphUrl}/v1.0/$metadata#subscriptions`,
			value: page.value.map((record) => {
				const { '@odata.context': _context, ...subscription } = render(record, ctx.graphUrl);
				void _context;
				// subscription-list.md: "the clientState property value is not returned for security purposes".
				return { ...subscription, clientState: null };
			}),
			...(page.nextLink ? { '@odata.nextLink': page.nextLink } : {}),
		},
	};
}

function getSubscription(ctx: GraphContext): GraphResult {
	return { body: render(ownSubscription(ctx), ctx.graphUrl) };
}

function reauthorizeOrFail(ctx: GraphContext, record: SubscriptionRecord): void {
	const parsed = parseResource(record.resource, ctx.state, ctx.principal);
	checkPermission(parsed, ctx.principal);
	const book = bookkeeping(record);
	book.needsReauthorization = false;
	book.lastReauthorizationMs = undefined;
}

function updateSubscription(ctx: GraphContext): GraphResult {
	const record = ownSubscription(ctx);
	const body = bodyOf(ctx);
	reauthorizeOrFail(ctx, record);
	if (body.expirationDateTime !== undefined) {
		record.expirationDateTime = expiryFor(body.expirationDateTime, ruleOf(record), ctx.clock.nowMs(), Boolean(record.lifecycleNotificationUrl));
	}
	if (body.notificationUrl !== undefined) record.notificationUrl = requireHttps(body.notificationUrl, 'notificationUrl');
	return { body: render(record, ctx.graphUrl) };
}

function deleteSubscription(ctx: GraphContext): GraphResult {
	const record = ownSubscription(ctx);
	delete ctx.state.data.subscriptions[record.id];
	return { status: 204 };
}

function reauthorizeSubscription(ctx: GraphContext): GraphResult {
	reauthorizeOrFail(ctx, ownSubscription(ctx));
	return { status: 204 };
}

// ----- delivery -----

function matches(state: TenantState, record: SubscriptionRecord, change: ChangeEvent): boolean {
	if (!record.changeType.split(',').includes(change.changeType)) return false;
	const book = bookkeeping(record) as Bookkeeping & { matches: string[]; chatsOf?: string };
	if (!book.matches.some((m) => change.subscriptionResources.includes(m))) return false;
	if (book.kind === 'presence') {
		const id = /presences\('([^']+)'\)/i.exec(change.resource)?.[1]?.toLowerCase();
		return id !== undefined && (book.presenceIds ?? []).includes(id);
	}
	if (book.kind === 'userChats') {
		const chatId = /chats\('([^']+)'\)/i.exec(change.resource)?.[1];
		const chat = chatId ? state.chat(chatId) : undefined;
		return Boolean(chat?.members.some((m) => m.userId.toLowerCase() === book.chatsOf?.toLowerCase()));
	}
	return true;
}

function track(runtime: Runtime, work: Promise<void>): void {
	runtime.inFlight.add(work);
	void work.finally(() => runtime.inFlight.delete(work));
}

async function deliver(runtime: Runtime, delivery: Delivery): Promise<boolean> {
	const text = JSON.stringify(delivery.body);
	const started = Date.now();
	let status = 0;
	let attempts = 0;
	let answeredAttempts = 0;
	for (;;) {
		attempts += 1;
		if (runtime.failNext > 0) {
			runtime.failNext -= 1;
			status = 503;
		} else {
			status = (await post(delivery.url, text, 'application/json; charset=utf-8', DELIVERY_TIMEOUT_MS)).status;
		}
		if (status >= 200 && status < 300) break;
		if (status !== 0) answeredAttempts += 1;
		const givenUp = status !== 0 ? answeredAttempts >= DELIVERY_ATTEMPTS : Date.now() - started >= NO_ANSWER_RETRY_HORIZON_MS;
		if (givenUp || !delivery.wanted()) break;
		const delayMs = Math.min(RETRY_MAX_DELAY_MS, RETRY_BASE_DELAY_MS * 2 ** Math.min(attempts - 1, 16));
		await new Promise((resolve) => setTimeout(resolve, delayMs).unref());
		if (!delivery.wanted()) break;
	}
	runtime.log.push({ url: delivery.url, body: delivery.body, status, attempts });
	return status >= 200 && status < 300;
}

function lifecycleBody(record: SubscriptionRecord, tenantId: string, lifecycleEvent: LifecycleEvent) {
	return {
		value: [
			{
				subscriptionId: record.id,
				subscriptionExpirationDateTime: record.expirationDateTime,
				tenantId,
				clientState: record.clientState ?? null,
				lifecycleEvent,
			},
		],
	};
}

/** Sends a lifecycle notification (if the subscription has a lifecycle URL). */
/**
 * Whether a notification is still retried: not once its subscription is deleted (or expired and removed), nor once the
 * subscription's URL for it was changed (Microsoft does not say where retries go then; the emulator stops, the safer
 * reading for a receiver that moved: the notification counts as dropped, for Outlook resources `missed` follows).
 */
function stillWanted(emulator: Emulator, record: SubscriptionRecord, url: string): () => boolean {
	return () => {
		const current = emulator.state.data.subscriptions[record.id];
		return !emulator.closed && current !== undefined && (current.notificationUrl === url || current.lifecycleNotificationUrl === url);
	};
}

export function sendLifecycle(emulator: Emulator, record: SubscriptionRecord, lifecycleEvent: LifecycleEvent): boolean {
	const runtime = subscriptionRuntime(emulator);
	if (!record.lifecycleNotificationUrl) return false;
	const url = record.lifecycleNotificationUrl;
	const body = lifecycleBody(record, emulator.tenantId, lifecycleEvent);
	track(runtime, deliver(runtime, { url, body, wanted: stillWanted(emulator, record, url) }).then(() => undefined));
	return true;
}

function onChange(emulator: Emulator, runtime: Runtime, change: ChangeEvent): void {
	const { state, clock } = emulator;
	const now = clock.nowMs();
	for (const record of Object.values(state.data.subscriptions)) {
		if (Date.parse(record.expirationDateTime) <= now || !matches(state, record, change)) continue;
		const book = bookkeeping(record);
		if (book.needsReauthorization) continue;
		if (!stillAuthorized(state, record)) {
			// The admin took the permission away: Graph pauses delivery and asks the app to reauthorize.
			book.needsReauthorization = true;
			book.lastReauthorizationMs = now;
			sendLifecycle(emulator, record, 'reauthorizationRequired');
			continue;
		}
		if (book.dropNext > 0) {
			book.dropNext -= 1;
			book.failed += 1;
			if (book.dropNext === 0 && ruleOf(record).outlook) sendLifecycle(emulator, record, 'missed');
			continue;
		}
		if (!evaluationQuotaAllows(emulator, book)) {
			// Evaluation quota spent: Graph sends nothing, and says nothing.
			book.withheld = (book.withheld ?? 0) + 1;
			continue;
		}
		const notification = {
			value: [
				{
					subscriptionId: record.id,
					subscriptionExpirationDateTime: record.expirationDateTime,
					changeType: change.changeType,
					resource: change.resource,
					resourceData: change.resourceData,
					clientState: record.clientState ?? null,
					tenantId: emulator.tenantId,
				},
			],
		};
		track(
			runtime,
			deliver(runtime, { url: record.notificationUrl, body: notification, wanted: stillWanted(emulator, record, record.notificationUrl) }).then((ok) => {
				if (ok) book.delivered += 1;
				else {
					book.failed += 1;
					if (ruleOf(record).outlook) sendLifecycle(emulator, record, 'missed');
				}
			}),
		);
	}
}

/** On every clock move: remove expired subscriptions, ask for reauthorization of those close to expiry. */
function onClock(emulator: Emulator, clock: Clock): void {
	const now = clock.nowMs();
	for (const record of Object.values(emulator.state.data.subscriptions)) {
		const expires = Date.parse(record.expirationDateTime);
		if (expires <= now) {
			delete emulator.state.data.subscriptions[record.id];
			continue;
		}
		const book = bookkeeping(record);
		// Close to expiry, or paused for a lost permission: ask again every 15 minutes until the app acts.
		if (!book.needsReauthorization && expires - now > REAUTHORIZE_FROM_MINUTES * MINUTE_MS) continue;
		if (book.lastReauthorizationMs !== undefined && now - book.lastReauthorizationMs < REAUTHORIZE_EVERY_MINUTES * MINUTE_MS) continue;
		book.lastReauthorizationMs = now;
		sendLifecycle(emulator, record, 'reauthorizationRequired');
	}
}

function attach(emulator: Emulator, runtime: Runtime): void {
	emulator.events.on('change', (change) => onChange(emulator, runtime, change));
	emulator.clock.onChange(() => onClock(emulator, emulator.clock));
}

// ----- control API -----

function controlRecord(ctx: ControlContext): SubscriptionRecord {
	const record = ctx.state.data.subscriptions[ctx.params.subscriptionId];
	if (!record) graphError(404, 'ResourceNotFound', `No subscription '${ctx.params.subscriptionId}'.`);
	return record;
}

export function registerSubscriptions(graph: GraphRouter): void {
	graph.defineRule<boolean | Record<string, unknown>>({
		name: METERED_APIS_RULE,
		defaultValue: true,
		description: 'getAllMessages subscriptions: model=A|B checked (users/{id}/chats only B); without a model, evaluation mode stops notifying after evaluationQuota (500) a month per app',
	});
	graph.control('GET', '/metered', (ctx) => ({ body: ctx.state.area<EvaluationUsage>('meteredEvaluation', () => ({ used: {} })).used }));
	graph.route('POST', '/subscriptions', { handler: createSubscription });
	graph.route('GET', '/subscriptions', { handler: listSubscriptions });
	graph.route('GET', '/subscriptions/:subscriptionId', { handler: getSubscription });
	graph.route('PATCH', '/subscriptions/:subscriptionId', { handler: updateSubscription });
	graph.route('DELETE', '/subscriptions/:subscriptionId', { handler: deleteSubscription });
	graph.route('POST', '/subscriptions/:subscriptionId/reauthorize', { handler: reauthorizeSubscription });

	graph.control('GET', '/subscriptions', (ctx) => {
		subscriptionRuntime(ctx.emulator);
		return { body: { value: Object.values(ctx.state.data.subscriptions) } };
	});
	// { lifecycleEvent }: subscriptionRemoved also removes it; reauthorizationRequired also pauses delivery.
	graph.control('POST', '/subscriptions/:subscriptionId/lifecycle', (ctx) => {
		const record = controlRecord(ctx);
		const lifecycleEvent = bodyOf(ctx).lifecycleEvent as LifecycleEvent;
		if (!['reauthorizationRequired', 'subscriptionRemoved', 'missed'].includes(lifecycleEvent)) {
			graphError(400, 'InvalidRequest', 'lifecycleEvent must be reauthorizationRequired, subscriptionRemoved or missed');
		}
		if (lifecycleEvent === 'subscriptionRemoved') delete ctx.state.data.subscriptions[record.id];
		if (lifecycleEvent === 'reauthorizationRequired') bookkeeping(record).needsReauthorization = true;
		return { body: { sent: sendLifecycle(ctx.emulator, record, lifecycleEvent) } };
	});
	// { count }: the next N notifications are lost (throttled receiver), then `missed` (Outlook resources).
	graph.control('POST', '/subscriptions/:subscriptionId/drop', (ctx) => {
		const record = controlRecord(ctx);
		bookkeeping(record).dropNext = Number(bodyOf(ctx).count ?? 1);
		return { status: 204 };
	});
	// { count }: the receiver "fails" the next N delivery attempts (503), so Graph's retries show.
	graph.control('POST', '/subscriptions/deliveries/fail', (ctx) => {
		subscriptionRuntime(ctx.emulator).failNext = Number(bodyOf(ctx).count ?? 1);
		return { status: 204 };
	});
	graph.control('GET', '/subscriptions/deliveries', (ctx) => ({ body: { value: subscriptionRuntime(ctx.emulator).log } }));
	graph.control('POST', '/subscriptions/deliveries/idle', async (ctx) => {
		await idleDeliveries(ctx.emulator);
		return { status: 204 };
	});
}
