/**
 * Client-side limiter: keeps every Graph call within Microsoft's documented throttling limits, keyed the way
 * Microsoft keys them, so a large job runs at the limit instead of collecting 429s (and spending its retry budget).
 * Limits from https://learn.microsoft.com/en-us/graph/throttling-limits:
 *
 *   Outlook            4 concurrent requests per app per mailbox; 10,000 requests per 10 minutes per app per mailbox
 *   Teams              4 requests per second per app on one team (any request under /teams/{id}); 1 request per
 *                      second per app on one channel (/teams/{t}/channels/{c}/...) and on one chat (/chats/{c}/...,
 *                      /me/chats/{c}/..., /users/{u}/chats/{c}/...), any request; POST channel message 50 per second
 *                      and POST chat message 20 per second per app per tenant; POST /teams/{id}/members (and the bulk
 *                      members/add, the safer reading) 4 per minute per team, POST/DELETE chat members 4 per minute
 *                      per chat. Microsoft's 1 POST message per second per user in one conversation is not keyed
 *                      apart: within one app it is already the conversation's 1 per second (across apps it is not
 *                      this process's to know; the server's 429 backs it up).
 *   Invitation manager 150 requests per 5 seconds per tenant
 *   Directory writes   3,000 per 2 min 30 s per app per tenant (POST/PATCH/PUT/DELETE on users, groups, applications,
 *                      service principals, invitations)
 *   Presence           1,500 requests per 30 seconds per app per tenant (Cloud communication service limits; every
 *                      presence call: users/{id}/presence[/...], me/presence, communications/presences[/...],
 *                      communications/getPresencesByUserId)
 *
 * One limiter per app and tenant, shared by every execution in this n8n process (the limits are the app's, not
 * the execution's). A $batch takes what its sub-requests take: a slot per sub-request in each rate window (at most
 * the window's size) and min(4, n) concurrency slots on each mailbox its n sub-requests read, for as long as the
 * batch runs (Outlook runs up to 4 sub-requests of a batch in parallel). Keys use ids as the request addresses
 * them (a mailbox addressed by UPN and by id counts twice; the server's 429 still backs this up). Throughput this
 * gives: one post per second into one channel or chat, many conversations at once up to the tenant's post rates.
 *
 * Rate windows are sliding. A request occupies its slot from the moment it is sent, and its slot's time is the
 * moment its answer came: Graph counted it somewhere in between, so a request sent a window after that answer
 * can never meet it in one server window, whatever the network did (the price: one round trip per window).
 *
 * In n8n's queue mode the rate windows are also shared by every process of the installation (main, workers,
 * webhook processes) through queue mode's own Redis (sharedWindows.ts): a request goes when its process's windows
 * and the shared ones have room. Mailbox concurrency stays per process. Redis unreachable: per-process windows only.
 */
import { sharedWindowStore, SharedWindows, type SharedWindowStore } from './sharedWindows';

interface RateRule {
	key: string;
	limit: number;
	windowMs: number;
	/** Slots this request takes (a $batch: one per sub-request of this key). */
	count: number;
}

export interface LimitPlan {
	rates: RateRule[];
	/** Mailbox (as addressed, lower-cased) -> concurrency slots held while the request runs. */
	mailboxes: Map<string, number>;
}

export const MAILBOX_CONCURRENCY = 4;
/** A window entry of a request not answered yet: it cannot leave the window. */
export const IN_FLIGHT = Number.POSITIVE_INFINITY;
/** Added to every window: timer and clock granularity. */
export const WINDOW_MARGIN_MS = 20;

const OUTLOOK_SEGMENTS = new Set(['messages', 'mailfolders', 'mailboxsettings', 'events', 'calendar', 'calendars', 'contacts', 'contactfolders', 'inferenceclassification', 'outlook']);
const DIRECTORY_ROOTS = new Set(['users', 'groups', 'applications', 'serviceprincipals', 'invitations', 'directoryobjects']);
const WRITES = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);

/** Version-less path segments of a Graph url (absolute, or relative to the version root), query dropped. */
export function pathSegments(url: string): string[] {
	const path = url.replace(/^https?:\/\/[^/]+/i, '').split('?')[0].replace(/^\/(v1\.0|beta)(?=\/|$)/i, '');
	return path
		.split('/')
		.filter(Boolean)
		.map((segment) => {
			try {
				return decodeURIComponent(segment);
			} catch {
				return segment;
			}
		});
}

/** Functions where a team, channel or chat id would be (`chats/getAllMessages`, ...): not one conversation. */
const NOT_AN_ID = /^(getallmessages|allmessages|getallretainedmessages)(\(.*\))?$/;

function isMessagePost(rest: string[]): boolean {
	return (rest.length === 1 && rest[0] === 'messages') || (rest.length === 3 && rest[0] === 'messages' && rest[2] === 'replies');
}

function isPresenceCall(lower: string[]): boolean {
	if (lower[0] === 'communications') return lower[1] === 'presences' || lower[1] === 'getpresencesbyuserid';
	return (lower[0] === 'users' && lower[2] === 'presence') || (lower[0] === 'me' && lower[1] === 'presence');
}

/** The limits one request falls under. */
export function limitsOf(method: string, url: string): LimitPlan {
	const segments = pathSegments(url);
	const lower = segments.map((segment) => segment.toLowerCase());
	const verb = method.toUpperCase();
	const plan: LimitPlan = { rates: [], mailboxes: new Map() };
	const rate = (key: string, limit: number, windowMs: number) => plan.rates.push({ key, limit, windowMs, count: 1 });
	const [first] = lower;
	if (first === 'users' && lower.length >= 3 && OUTLOOK_SEGMENTS.has(lower[2])) {
		plan.mailboxes.set(lower[1], 1);
		rate(`mailboxRate:${lower[1]}`, 10_000, 600_000);
	}
	if (first === 'teams' && lower.length >= 2 && !NOT_AN_ID.test(lower[1])) {
		rate(`team:${lower[1]}`, 4, 1_000);
		if (lower[2] === 'channels' && lower.length >= 4 && !NOT_AN_ID.test(lower[3])) {
			rate(`channel:${lower[3]}`, 1, 1_000);
			if (verb === 'POST' && isMessagePost(lower.slice(4))) rate('channelPosts', 50, 1_000);
		} else if (verb === 'POST' && lower[2] === 'members' && (lower.length === 3 || (lower.length === 4 && lower[3] === 'add'))) {
			rate(`teamMembers:${lower[1]}`, 4, 60_000);
		}
	}
	const chatAt = first === 'chats' ? 1 : first === 'me' && lower[1] === 'chats' ? 2 : first === 'users' && lower[2] === 'chats' ? 3 : -1;
	if (chatAt > 0 && lower.length > chatAt && !NOT_AN_ID.test(lower[chatAt])) {
		const chat = lower[chatAt];
		const rest = lower.slice(chatAt + 1);
		rate(`chat:${chat}`, 1, 1_000);
		if (verb === 'POST' && isMessagePost(rest)) rate('chatPosts', 20, 1_000);
		if (rest[0] === 'members' && ((verb === 'POST' && (rest.length === 1 || (rest.length === 2 && rest[1] === 'add'))) || (verb === 'DELETE' && rest.length === 2))) {
			rate(`chatMembers:${chat}`, 4, 60_000);
		}
	}
	if (first === 'invitations') rate('invitations', 150, 5_000);
	if (isPresenceCall(lower)) rate('presence', 1_500, 30_000);
	if (WRITES.has(verb) && DIRECTORY_ROOTS.has(first) && !plan.mailboxes.size && (lower.length <= 2 || first === 'applications')) {
		rate('directoryWrites', 3_000, 150_000);
	}
	return plan;
}

/** The limits of a $batch: the sum of its sub-requests'. */
export function limitsOfBatch(items: Array<{ method: string; url: string }>): LimitPlan {
	const plan: LimitPlan = { rates: [], mailboxes: new Map() };
	const rates = new Map<string, RateRule>();
	for (const item of items) {
		const sub = limitsOf(item.method, item.url);
		for (const rule of sub.rates) {
			const known = rates.get(rule.key);
			if (known) known.count += 1;
			else rates.set(rule.key, { ...rule });
		}
		for (const [mailbox, count] of sub.mailboxes) plan.mailboxes.set(mailbox, Math.min(MAILBOX_CONCURRENCY, (plan.mailboxes.get(mailbox) ?? 0) + count));
	}
	plan.rates = [...rates.values()];
	return plan;
}

/**
 * The sliding-window rule. A window holds the answer times of its requests, oldest first, then IN_FLIGHT for those
 * not answered yet. The process's windows apply it here, and the windows shared through Redis apply the same rule in
 * Lua (TAKE in sharedWindows.ts): test/integration/shared/windowRule.test.ts runs one table of cases against both.
 */
type WindowRule = Pick<RateRule, 'limit' | 'windowMs' | 'count'>;

/** Drops the entries that left the window by `now` (answered a window, plus the margin, ago or earlier). */
export function dropLeft(entries: number[], rule: WindowRule, now: number): void {
	let drop = 0;
	while (drop < entries.length && entries[drop] <= now - rule.windowMs - WINDOW_MARGIN_MS) drop++;
	if (drop > 0) entries.splice(0, drop);
}

/**
 * Milliseconds until `rule.count` more requests fit in the window (at most its size: a larger $batch waits for an
 * empty window, not forever): 0 now, Infinity when the entry that must leave first is in flight (it leaves a window
 * after its answer, which nobody can time). `entries` without those that left (dropLeft).
 */
export function windowWait(entries: readonly number[], rule: WindowRule, now: number): number {
	const needed = Math.min(rule.count, rule.limit);
	if (entries.length + needed <= rule.limit) return 0;
	// The entry that must leave the window before `needed` more fit.
	const leaving = entries[entries.length + needed - rule.limit - 1];
	return leaving === IN_FLIGHT ? Infinity : leaving + rule.windowMs + WINDOW_MARGIN_MS - now + 1;
}

export class Limiter {
	private readonly windows = new Map<string, number[]>();
	private readonly busy = new Map<string, number>();
	private readonly waiters = new Set<() => void>();
	/** Plans waiting for room, in arrival order: a plan goes after every earlier one it shares a full key with. */
	private readonly queue: LimitPlan[] = [];

	/** `shared`: the windows every process of a queue-mode installation shares for this scope (sharedWindows.ts). */
	constructor(
		private readonly now: () => number = Date.now,
		private readonly shared?: SharedWindows,
	) {}

	/**
	 * Waits until the plan fits every window and mailbox, takes its slots; call the result when the request ended.
	 * First come, first served on each key: requests to one chat (or mailbox, ...) go out in the order they asked.
	 */
	async acquire(plan: LimitPlan): Promise<() => void> {
		if (plan.rates.length === 0 && plan.mailboxes.size === 0) return () => {};
		this.queue.push(plan);
		try {
			return await this.waitAndTake(plan);
		} finally {
			this.queue.splice(this.queue.indexOf(plan), 1);
			// A plan that waited behind this one may go now.
			for (const wake of [...this.waiters]) wake();
		}
	}

	/**
	 * True when an earlier waiting plan shares a key with this one that has no room for both: this one must not take
	 * the slot the earlier one waits for. A shared key with room for both (the tenant's 20 chat posts per second
	 * behind a post waiting for its chat's 1 per second) holds nothing up.
	 */
	private behindEarlier(plan: LimitPlan, now: number): boolean {
		for (const earlier of this.queue) {
			if (earlier === plan) return false;
			for (const rule of plan.rates) {
				const shared = earlier.rates.find((other) => other.key === rule.key);
				if (shared && this.admitted(rule, now) + Math.min(shared.count, shared.limit) + Math.min(rule.count, rule.limit) > rule.limit) return true;
			}
			for (const [mailbox, count] of plan.mailboxes) {
				const earlierCount = earlier.mailboxes.get(mailbox);
				if (earlierCount !== undefined && (this.busy.get(mailbox) ?? 0) + earlierCount + count > MAILBOX_CONCURRENCY) return true;
			}
		}
		return false;
	}

	private async waitAndTake(plan: LimitPlan): Promise<() => void> {
		for (;;) {
			const now = this.now();
			const behind = this.behindEarlier(plan, now);
			const rateWait = behind ? Infinity : this.rateWait(plan, now);
			const mailboxesFree = [...plan.mailboxes].every(([mailbox, count]) => (this.busy.get(mailbox) ?? 0) + count <= MAILBOX_CONCURRENCY);
			let wait = rateWait;
			if (rateWait === 0 && mailboxesFree) {
				if (!this.shared || plan.rates.length === 0) return this.take(plan);
				// No later plan of this process takes a slot this one needs while Redis answers (behindEarlier).
				const shared = await this.shared.take(plan.rates);
				if (shared.kind === 'taken') return this.take(plan, shared.release);
				if (shared.kind === 'unavailable') return this.take(plan);
				wait = shared.waitMs;
			}
			// Woken when a request ends (a slot or a window entry frees), or when the earliest window entry leaves.
			await new Promise<void>((resolve) => {
				const wake = () => {
					this.waiters.delete(wake);
					clearTimeout(timer);
					resolve();
				};
				const timer = setTimeout(wake, Number.isFinite(wait) && wait > 0 ? wait : 60_000);
				this.waiters.add(wake);
			});
		}
	}

	/** Takes the plan's slots here (and holds `releaseShared`'s, taken in the shared windows, as long). */
	private take(plan: LimitPlan, releaseShared?: () => void): () => void {
		for (const rule of plan.rates) {
			const admitted = this.window(rule.key);
			for (let i = 0; i < rule.count; i++) admitted.push(IN_FLIGHT);
		}
		for (const [mailbox, count] of plan.mailboxes) this.busy.set(mailbox, (this.busy.get(mailbox) ?? 0) + count);
		let released = false;
		return () => {
			if (released) return;
			released = true;
			releaseShared?.();
			const now = this.now();
			for (const rule of plan.rates) {
				const admitted = this.window(rule.key);
				// In-flight entries sit at the end; the first of them becomes this answer's time (order kept).
				for (let i = 0, at = admitted.indexOf(IN_FLIGHT); i < rule.count && at >= 0 && at < admitted.length; i++, at++) admitted[at] = now;
			}
			for (const [mailbox, count] of plan.mailboxes) {
				const left = (this.busy.get(mailbox) ?? 0) - count;
				if (left > 0) this.busy.set(mailbox, left);
				else this.busy.delete(mailbox);
			}
			for (const wake of [...this.waiters]) wake();
		};
	}

	/** Milliseconds until every rate window of the plan has room (0: now; Infinity: when a request in flight ends). */
	private rateWait(plan: LimitPlan, now: number): number {
		let wait = 0;
		for (const rule of plan.rates) {
			this.admitted(rule, now);
			wait = Math.max(wait, windowWait(this.windows.get(rule.key) ?? [], rule, now));
		}
		return wait;
	}

	/** Requests in the rule's window now (answered within it, or in flight), after dropping those that left it. */
	private admitted(rule: RateRule, now: number): number {
		const admitted = this.windows.get(rule.key);
		if (!admitted) return 0;
		dropLeft(admitted, rule, now);
		if (admitted.length === 0) this.windows.delete(rule.key);
		return admitted.length;
	}

	private window(key: string): number[] {
		let admitted = this.windows.get(key);
		if (!admitted) this.windows.set(key, (admitted = []));
		return admitted;
	}
}

/** One limiter per app and tenant (and Graph host), for the life of the process. */
const limiters = new Map<string, Limiter>();

/** A scope's limiter; in queue mode with windows shared through `store` (default: queue mode's Redis, if any). */
export function createLimiter(scope: string, store: SharedWindowStore | undefined = sharedWindowStore(), now: () => number = Date.now): Limiter {
	return new Limiter(now, store ? new SharedWindows(store, scope, WINDOW_MARGIN_MS) : undefined);
}

export function limiterFor(scope: string): Limiter {
	let limiter = limiters.get(scope);
	if (!limiter) limiters.set(scope, (limiter = createLimiter(scope)));
	return limiter;
}
