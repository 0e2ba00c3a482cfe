// Microsoft Graph's documented throttling limits, enforced the way Microsoft keys them. Each limit is a tenant rule
// of the emulator (rules.ts), on by default (Microsoft applies them to every tenant): `emulator.rules.set({
// teamsPosting: false })`, `startEmulator({ rules: { teamsPosting: false } })` or `POST /_emulator/rules`. Values and keys from "Microsoft Graph service-specific
// throttling limits" (https://learn.microsoft.com/en-us/graph/throttling-limits); what each one means here:
//
//   mailboxConcurrency  Outlook: 4 concurrent requests per app per mailbox (Outlook service limits). A request holds
//                       its slot from arrival until its answer (the emulator's latency included). A $batch holds,
//                       for each mailbox its sub-requests target, min(4, their number) slots for its whole duration
//                       (Outlook runs up to 4 sub-requests of a batch in parallel); sub-requests beyond the free
//                       slots answer 429 ApplicationThrottled "Application is over its MailboxConcurrency limit."
//   mailboxRate         Outlook: 10,000 requests per 10 minutes per app per mailbox.
//   teamsPosting        Teams (Microsoft Teams service limits, https://learn.microsoft.com/en-us/graph/throttling-limits#microsoft-teams-service-limits):
//                       4 requests per second per app on a given team (any request under /teams/{id});
//                       1 request per second per app on a given channel (any request under
//                       /teams/{t}/channels/{c}) or chat (any request under /chats/{c}, /me/chats/{c},
//                       /users/{u}/chats/{c}); 1 POST message per second per user in a given chat or channel
//                       (the signed-in user of a delegated token, whatever the app; app-only posts are migration
//                       imports, which Microsoft exempts); POST channel message 50 rps and POST chat message
//                       20 rps per app per tenant; POST /teams/{id}/members (and the bulk members/add, the safer
//                       reading: Microsoft lists only the single add) 4 per minute per app per team, POST and
//                       DELETE chat members 4 per minute per app per chat. The old 3,000 messages per app per day
//                       to one channel is no longer documented (neither there nor in teams-api-overview's
//                       "Microsoft Teams limits") and is not enforced.
//   invitations         Invitation manager: 150 requests per 5 seconds per tenant, all apps (any /invitations call).
//   directoryWrites     Identity and access: writes (POST, PATCH, PUT, DELETE on directory routes) 3,000 per
//                       2 min 30 s per app per tenant, 18,000 per 5 minutes per tenant.
//
// Presence's limit (rule `presenceRate`) belongs to the presence area (graph/presence.ts). Windows are sliding and follow real time, as the client's waits do
// (a frozen emulator clock would otherwise never free a slot). Retry-After is the whole seconds until the window
// has room again (at least 1), as Graph sends it; MailboxConcurrency answers Retry-After: 1 (the docs give no value).

import { onOff, type RuleDefinition, type RulesControl } from './rules';

export type ThrottlingRule = 'mailboxConcurrency' | 'mailboxRate' | 'teamsPosting' | 'invitations' | 'directoryWrites';

/** The rules of the limits above, each on by default (`GET /_emulator/rules` lists them with these lines). */
export const THROTTLING_RULES: ReadonlyArray<RuleDefinition<boolean> & { name: ThrottlingRule }> = [
	{ name: 'mailboxConcurrency', defaultValue: true, invalid: onOff, description: "Outlook: 4 concurrent requests per app per mailbox ($batch sub-requests included); beyond, 429 ApplicationThrottled" },
	{ name: 'mailboxRate', defaultValue: true, invalid: onOff, description: 'Outlook: 10,000 requests per 10 minutes per app per mailbox' },
	{
		name: 'teamsPosting',
		defaultValue: true,
		invalid: onOff,
		description:
			'Teams: 4 requests per second per app per team; 1 per second per app per channel and per chat; 1 message post per second per user per chat or channel (delegated); channel posts 50/s and chat posts 20/s per app per tenant; team and chat member adds 4 per minute per app per team or chat',
	},
	{ name: 'invitations', defaultValue: true, invalid: onOff, description: 'Invitation manager: 150 requests per 5 seconds per tenant, all apps' },
	{ name: 'directoryWrites', defaultValue: true, invalid: onOff, description: 'Identity and access writes: 3,000 per 150 s per app per tenant, 18,000 per 5 minutes per tenant' },
];

/** Microsoft's values (see the header). */
export const LIMITS = {
	mailboxConcurrency: 4,
	mailboxRate: { limit: 10_000, windowMs: 600_000 },
	teamRate: { limit: 4, windowMs: 1_000 },
	/** Per app on one channel or one chat, any request. */
	conversationRate: { limit: 1, windowMs: 1_000 },
	/** Per user, POST message in one chat or channel (delegated; not migration). */
	userPostRate: { limit: 1, windowMs: 1_000 },
	channelPostsPerTenant: { limit: 50, windowMs: 1_000 },
	chatPostsPerTenant: { limit: 20, windowMs: 1_000 },
	/** POST /teams/{id}/members (and members/add), POST/DELETE chat members: per app per team or chat. */
	memberWritesPerResource: { limit: 4, windowMs: 60_000 },
	invitationsPerTenant: { limit: 150, windowMs: 5_000 },
	directoryWritesPerApp: { limit: 3_000, windowMs: 150_000 },
	directoryWritesPerTenant: { limit: 18_000, windowMs: 300_000 },
} as const;

export const MAILBOX_CONCURRENCY_MESSAGE = 'Application is over its MailboxConcurrency limit.';

export interface Throttled {
	status: 429;
	code: string;
	message: string;
	retryAfterSeconds: number;
	limit: ThrottlingRule;
}

/** What the limits need to know about one request (segments version-less, `/me` already resolved). */
export interface ThrottleInput {
	appId: string;
	method: string;
	segments: string[];
	/** The signed-in user of a delegated token (none for an app-only token). */
	userId?: string;
	/** A directory route (users, invitations, applications, ...). */
	directory: boolean;
}

const OUTLOOK_SEGMENTS = new Set(['messages', 'mailfolders', 'mailboxsettings', 'events', 'calendar', 'calendars', 'contacts', 'contactfolders', 'inferenceclassification', 'outlook']);
const WRITES = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);

/** The mailbox (as addressed: id or UPN, lower-cased) an Outlook request targets, if it is one. */
export function outlookMailbox(segments: string[]): string | undefined {
	if (segments.length < 3 || segments[0].toLowerCase() !== 'users') return undefined;
	return OUTLOOK_SEGMENTS.has(segments[2].toLowerCase()) ? segments[1].toLowerCase() : undefined;
}

interface Window {
	limit: number;
	windowMs: number;
}

/**
 * The most Outlook concurrency slots held at once since the last reset, counted as slots are taken (never timed):
 * per app and mailbox (a `$batch` counts the min(4, n) slots it holds), and how many app-mailbox pairs had a request
 * in flight at the same moment. Tests and benchmarks read it to show a job kept each mailbox within 4 while reading
 * many mailboxes at once.
 */
export interface MailboxConcurrencyPeaks {
	/** `appId:mailbox id` -> the most slots held at once. */
	perMailbox: Record<string, number>;
	/** The most app-mailbox pairs with a slot held at the same moment. */
	mailboxesAtOnce: number;
}

export class Throttling {
	private readonly windows = new Map<string, number[]>();
	private readonly inFlight = new Map<string, number>();
	private readonly peaks = new Map<string, number>();
	private mailboxesAtOnce = 0;

	constructor(
		/** The emulator's rules; the limits' rules are defined here. */
		private readonly rules: RulesControl,
		/** Resolves a mailbox as addressed (id or UPN) to one key per mailbox. */
		private readonly mailboxKey: (addressed: string) => string = (addressed) => addressed,
		private readonly now: () => number = Date.now,
	) {
		for (const definition of THROTTLING_RULES) rules.define(definition);
	}

	private on(rule: ThrottlingRule): boolean {
		return this.rules.enabled(rule);
	}

	/** Forgets every window and slot (the emulator's reset). */
	clear(): void {
		this.windows.clear();
		this.inFlight.clear();
		this.resetPeaks();
	}

	/** The concurrency peaks since the last reset (see {@link MailboxConcurrencyPeaks}). */
	concurrencyPeaks(): MailboxConcurrencyPeaks {
		return { perMailbox: Object.fromEntries(this.peaks), mailboxesAtOnce: this.mailboxesAtOnce };
	}

	resetPeaks(): void {
		this.peaks.clear();
		this.mailboxesAtOnce = 0;
	}

	/**
	 * Rate limits of one request (top-level or inside a $batch): counts it, or answers how it is throttled. A
	 * throttled request is not counted (Graph did not process it).
	 */
	rate(input: ThrottleInput): Throttled | undefined {
		const checks: Array<{ key: string; window: Window; limit: ThrottlingRule; code: string }> = [];
		const { segments, appId } = input;
		const method = input.method.toUpperCase();
		const first = segments[0]?.toLowerCase();
		const mailbox = outlookMailbox(segments);
		if (mailbox && this.on('mailboxRate')) {
			checks.push({ key: `mailboxRate:${appId}:${this.mailboxKey(mailbox)}`, window: LIMITS.mailboxRate, limit: 'mailboxRate', code: 'ApplicationThrottled' });
		}
		if (this.on('teamsPosting')) {
			const teams = teamsTarget(segments);
			const check = (key: string, window: Window) => checks.push({ key, window, limit: 'teamsPosting', code: 'TooManyRequests' });
			if (teams?.team) check(`team:${appId}:${teams.team}`, LIMITS.teamRate);
			if (teams?.conversation) {
				const { kind, id, rest } = teams.conversation;
				check(`${kind}:${appId}:${id}`, LIMITS.conversationRate);
				if (method === 'POST' && isMessagePost(rest)) {
					if (input.userId) check(`userPosts:${input.userId}:${kind}:${id}`, LIMITS.userPostRate);
					check(kind === 'channel' ? `channelPosts:${appId}` : `chatPosts:${appId}`, kind === 'channel' ? LIMITS.channelPostsPerTenant : LIMITS.chatPostsPerTenant);
				}
				if (kind === 'chat' && isMemberWrite(method, rest)) check(`chatMembers:${appId}:${id}`, LIMITS.memberWritesPerResource);
			}
			if (teams?.team && !teams.conversation && method === 'POST' && isMemberWrite(method, segments.slice(2).map((segment) => segment.toLowerCase()))) {
				check(`teamMembers:${appId}:${teams.team}`, LIMITS.memberWritesPerResource);
			}
		}
		if (this.on('invitations') && first === 'invitations') {
			checks.push({ key: 'invitations', window: LIMITS.invitationsPerTenant, limit: 'invitations', code: 'TooManyRequests' });
		}
		if (this.on('directoryWrites') && input.directory && WRITES.has(method)) {
			checks.push({ key: `directoryWrites:${appId}`, window: LIMITS.directoryWritesPerApp, limit: 'directoryWrites', code: 'TooManyRequests' });
			checks.push({ key: 'directoryWrites', window: LIMITS.directoryWritesPerTenant, limit: 'directoryWrites', code: 'TooManyRequests' });
		}
		if (checks.length === 0) return undefined;
		const now = this.now();
		let worst: Throttled | undefined;
		for (const check of checks) {
			const admitted = this.live(check.key, check.window, now);
			if (admitted.length < check.window.limit) continue;
			const retryAfterSeconds = Math.max(1, Math.ceil((admitted[admitted.length - check.window.limit] + check.window.windowMs - now) / 1000));
			if (!worst || retryAfterSeconds > worst.retryAfterSeconds) {
				worst = { status: 429, code: check.code, message: THROTTLED, retryAfterSeconds, limit: check.limit };
			}
		}
		if (worst) return worst;
		for (const check of checks) this.live(check.key, check.window, now).push(now);
		return undefined;
	}

	/** Takes `count` concurrency slots of one app on one mailbox; how many it got. */
	takeMailboxSlots(appId: string, mailbox: string, count: number): number {
		if (!this.on('mailboxConcurrency')) return count;
		const key = `${appId}:${this.mailboxKey(mailbox)}`;
		const busy = this.inFlight.get(key) ?? 0;
		const granted = Math.max(0, Math.min(count, LIMITS.mailboxConcurrency - busy));
		if (granted > 0) {
			this.inFlight.set(key, busy + granted);
			this.peaks.set(key, Math.max(this.peaks.get(key) ?? 0, busy + granted));
			this.mailboxesAtOnce = Math.max(this.mailboxesAtOnce, this.inFlight.size);
		}
		return granted;
	}

	releaseMailboxSlots(appId: string, mailbox: string, count: number): void {
		if (count <= 0) return;
		const key = `${appId}:${this.mailboxKey(mailbox)}`;
		const left = (this.inFlight.get(key) ?? 0) - count;
		if (left > 0) this.inFlight.set(key, left);
		else this.inFlight.delete(key);
	}

	mailboxConcurrencyThrottle(): Throttled {
		return { status: 429, code: 'ApplicationThrottled', message: MAILBOX_CONCURRENCY_MESSAGE, retryAfterSeconds: 1, limit: 'mailboxConcurrency' };
	}

	private live(key: string, window: Window, now: number): number[] {
		let admitted = this.windows.get(key);
		if (!admitted) this.windows.set(key, (admitted = []));
		let drop = 0;
		while (drop < admitted.length && admitted[drop] <= now - window.windowMs) drop++;
		if (drop > 0) admitted.splice(0, drop);
		return admitted;
	}
}

const THROTTLED = 'Too many requests. Please retry after the time specified in the Retry-After header.';

/** Functions and collections that sit where a channel or chat id would (`chats/getAllMessages`, ...): not one conversation. */
const NOT_AN_ID = /^(getallmessages|allmessages|getallretainedmessages)(\(.*\))?$/;

interface TeamsTarget {
	/** The team (lower-cased id) of a request under /teams/{id}. */
	team?: string;
	/** The channel or chat (lower-cased id) a request is on, and the (lower-cased) segments after its id. */
	conversation?: { kind: 'channel' | 'chat'; id: string; rest: string[] };
}

/** The team, channel or chat a request is on: /teams/{t}[/channels/{c}], /chats/{c}, /me/chats/{c}, /users/{u}/chats/{c}. */
export function teamsTarget(segments: string[]): TeamsTarget | undefined {
	const lower = segments.map((segment) => segment.toLowerCase());
	if (lower[0] === 'teams' && lower.length >= 2 && !NOT_AN_ID.test(lower[1])) {
		const channel = lower[2] === 'channels' && lower.length >= 4 && !NOT_AN_ID.test(lower[3]) ? lower[3] : undefined;
		return { team: lower[1], ...(channel ? { conversation: { kind: 'channel', id: channel, rest: lower.slice(4) } } : {}) };
	}
	const at = lower[0] === 'chats' ? 1 : lower[0] === 'me' && lower[1] === 'chats' ? 2 : lower[0] === 'users' && lower[2] === 'chats' ? 3 : -1;
	if (at < 0 || lower.length <= at || NOT_AN_ID.test(lower[at])) return undefined;
	return { conversation: { kind: 'chat', id: lower[at], rest: lower.slice(at + 1) } };
}

/** messages, or messages/{id}/replies: a post of a channel or chat message. */
function isMessagePost(rest: string[]): boolean {
	return (rest.length === 1 && rest[0] === 'messages') || (rest.length === 3 && rest[0] === 'messages' && rest[2] === 'replies');
}

/** POST members, POST members/add, DELETE members/{id} (of a team or chat; `rest` lower-cased, after its id). */
function isMemberWrite(method: string, rest: string[]): boolean {
	if (rest[0] !== 'members') return false;
	if (method === 'POST') return rest.length === 1 || (rest.length === 2 && rest[1] === 'add');
	return method === 'DELETE' && rest.length === 2;
}
