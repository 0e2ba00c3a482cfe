/**
 * What a guest sync must do, decided without I/O: source users (one per input item) against the directory users
 * found for their emails, and the guests this sync manages against the emails still in the input.
 *
 * The sync's safety rules live here so they are tested on their own:
 * - a member of the tenant is never invited, updated or removed;
 * - only guests carrying this sync's marker (a directory extension attribute whose value is the source name) are
 *   updated or removed; other guests are left alone unless adoption is switched on;
 * - removals are planned as a whole and refused above the cap, before the first one is made.
 */
import { checkEmail } from './email';

export type SyncAction =
	| 'invited'
	| 'updated'
	| 'unchanged'
	| 'addedToTeam'
	| 'removed'
	| 'disabled'
	| 'skipped'
	| 'failed';

export const SYNC_ACTIONS: SyncAction[] = [
	'invited',
	'updated',
	'unchanged',
	'addedToTeam',
	'removed',
	'disabled',
	'skipped',
	'failed',
];

/** One input item, as read from the node's field mapping. */
export interface SourceRow {
	itemIndex: number;
	email: unknown;
	displayName?: string;
	companyName?: string;
	jobTitle?: string;
	sourcePlatform?: string;
	externalId?: string;
}

/** A source row that passed validation. Empty optional fields are absent (an absent field is never written). */
export interface SourceUser {
	itemIndex: number;
	email: string;
	displayName?: string;
	companyName?: string;
	jobTitle?: string;
	sourcePlatform?: string;
	externalId?: string;
}

/** The directory user fields the sync reads (`$select`), marker included. */
export interface DirectoryUser {
	id: string;
	displayName?: string | null;
	mail?: string | null;
	otherMails?: string[] | null;
	userPrincipalName?: string | null;
	userType?: string | null;
	accountEnabled?: boolean | null;
	companyName?: string | null;
	jobTitle?: string | null;
	/** Value of the marker attribute; set when a sync created or adopted this guest. */
	marker?: string | null;
}

export interface RejectedRow {
	itemIndex: number;
	email?: string;
	reason: string;
}

export interface PreparedSource {
	users: SourceUser[];
	rejected: RejectedRow[];
	/** The same users by email: every address the input holds, for matching guests and planning removals. */
	byEmail: Map<string, SourceUser>;
}

function present(value: string | undefined): string | undefined {
	if (value === undefined || value === null) return undefined;
	const trimmed = String(value).trim();
	return trimmed === '' ? undefined : trimmed;
}

/**
 * Validates emails and drops duplicates (the first occurrence wins; later ones are reported, naming the first).
 * Rows may come one at a time (a generator), so the raw rows of a large input are never all held at once.
 */
export function prepareSource(rows: Iterable<SourceRow>): PreparedSource {
	const users: SourceUser[] = [];
	const rejected: RejectedRow[] = [];
	const byEmail = new Map<string, SourceUser>();
	for (const row of rows) {
		const check = checkEmail(row.email);
		if (!check.ok) {
			rejected.push({ itemIndex: row.itemIndex, reason: check.reason });
			continue;
		}
		const first = byEmail.get(check.email);
		if (first !== undefined) {
			rejected.push({
				itemIndex: row.itemIndex,
				email: check.email,
				reason: `Duplicate: ${check.email} already appears in input item ${first.itemIndex}, which is the one synced`,
			});
			continue;
		}
		const user: SourceUser = {
			itemIndex: row.itemIndex,
			email: check.email,
			displayName: present(row.displayName),
			companyName: present(row.companyName),
			jobTitle: present(row.jobTitle),
			sourcePlatform: present(row.sourcePlatform),
			externalId: present(row.externalId),
		};
		byEmail.set(check.email, user);
		users.push(user);
	}
	return { users, rejected, byEmail };
}

/** Every address a directory user answers to, lower-cased. */
export function addressesOf(user: DirectoryUser): string[] {
	const addresses = [user.mail, user.userPrincipalName, ...(user.otherMails ?? [])]
		.filter((address): address is string => typeof address === 'string' && address !== '')
		.map((address) => address.toLowerCase());
	return [...new Set(addresses)];
}

export function isGuest(user: DirectoryUser): boolean {
	return (user.userType ?? '').toLowerCase() === 'guest';
}

export type Match =
	| { kind: 'none' }
	| { kind: 'member'; user: DirectoryUser }
	| { kind: 'guest'; user: DirectoryUser }
	| { kind: 'ambiguous'; users: DirectoryUser[] };

/**
 * Which directory user an email belongs to. A member wins over any guest (an internal user is never invited).
 * Several guests: the one carrying this sync's marker, else the one whose `mail` is the email; otherwise ambiguous.
 */
export function matchDirectoryUser(email: string, candidates: DirectoryUser[], sourceName: string): Match {
	const matching = uniqueById(candidates.filter((user) => addressesOf(user).includes(email)));
	if (matching.length === 0) return { kind: 'none' };
	const member = matching.find((user) => !isGuest(user));
	if (member) return { kind: 'member', user: member };
	if (matching.length === 1) return { kind: 'guest', user: matching[0] };
	const ours = matching.filter((user) => user.marker === sourceName);
	if (ours.length === 1) return { kind: 'guest', user: ours[0] };
	const byMail = matching.filter((user) => (user.mail ?? '').toLowerCase() === email);
	if (byMail.length === 1) return { kind: 'guest', user: byMail[0] };
	return { kind: 'ambiguous', users: matching };
}

function uniqueById(users: DirectoryUser[]): DirectoryUser[] {
	const seen = new Set<string>();
	return users.filter((user) => (seen.has(user.id) ? false : (seen.add(user.id), true)));
}

export interface PlanOptions {
	/** The source name this sync writes into the marker attribute and recognises its guests by. */
	sourceName: string;
	/** Graph property name of the marker, e.g. `extension_<appId without dashes>_m365GuestSyncSource`. */
	markerAttribute: string;
	/** Take over guests found for input emails that carry no marker (they then count as this sync's own). */
	adoptUnmarkedGuests: boolean;
}

/** A PATCH /users/{id} body: only properties whose value must change. */
export type UserChanges = Record<string, string | boolean>;

export type UserPlan =
	| { kind: 'invite'; source: SourceUser; followUp: UserChanges }
	| { kind: 'update'; source: SourceUser; user: DirectoryUser; changes: UserChanges; adopted: boolean }
	| { kind: 'unchanged'; source: SourceUser; user: DirectoryUser }
	| { kind: 'skip'; source: SourceUser; reason: string; user?: DirectoryUser };

/** The attributes the source manages, compared with the directory user; absent source values are not managed. */
export function attributeChanges(source: SourceUser, user: DirectoryUser | undefined): UserChanges {
	const changes: UserChanges = {};
	const managed: Array<[keyof SourceUser & keyof DirectoryUser, string | undefined]> = [
		['displayName', source.displayName],
		['companyName', source.companyName],
		['jobTitle', source.jobTitle],
	];
	for (const [property, wanted] of managed) {
		if (wanted !== undefined && (user?.[property] ?? undefined) !== wanted) changes[property] = wanted;
	}
	return changes;
}

export function planSourceUser(source: SourceUser, match: Match, options: PlanOptions): UserPlan {
	switch (match.kind) {
		case 'none': {
			// The invitation sets the display name; the marker and the other attributes follow in one PATCH.
			const followUp = attributeChanges(source, { id: '', displayName: source.displayName });
			followUp[options.markerAttribute] = options.sourceName;
			return { kind: 'invite', source, followUp };
		}
		case 'member':
			return {
				kind: 'skip',
				source,
				user: match.user,
				reason: `${source.email} belongs to a member of this tenant (${match.user.userPrincipalName ?? match.user.id}); members are never invited or changed by the guest sync`,
			};
		case 'ambiguous':
			return {
				kind: 'skip',
				source,
				reason: `${source.email} matches ${match.users.length} guests (${match.users.map((user) => user.id).join(', ')}); resolve the duplicates in Microsoft Entra ID, then sync again`,
			};
		case 'guest':
			return planGuest(source, match.user, options);
	}
}

function planGuest(source: SourceUser, user: DirectoryUser, options: PlanOptions): UserPlan {
	const marker = user.marker ?? undefined;
	if (marker !== undefined && marker !== '' && marker !== options.sourceName) {
		return {
			kind: 'skip',
			source,
			user,
			reason: `${source.email} is a guest managed by another sync (source "${marker}"); it is left alone`,
		};
	}
	const ours = marker === options.sourceName;
	if (!ours && !options.adoptUnmarkedGuests) {
		return {
			kind: 'skip',
			source,
			user,
			reason: `${source.email} is an existing guest this sync did not create (no "${options.sourceName}" marker): invited by hand, by another tool, or by a run that stopped before marking it. Turn on Adopt Existing Guests to manage it`,
		};
	}
	const changes = attributeChanges(source, user);
	// A guest this sync disabled because it had left the source is enabled again when it comes back.
	if (ours && user.accountEnabled === false) changes.accountEnabled = true;
	if (!ours) changes[options.markerAttribute] = options.sourceName;
	if (Object.keys(changes).length === 0) return { kind: 'unchanged', source, user };
	return { kind: 'update', source, user, changes, adopted: !ours };
}

export type RemovalMode = 'none' | 'disable' | 'delete';

export interface RemovalPlan {
	mode: RemovalMode;
	/** Guests to remove or disable; empty when aborted. */
	targets: DirectoryUser[];
	/** How many guests left the source (whether or not the plan was aborted). */
	candidates: number;
	/** Set when the cap was exceeded: nothing is removed. */
	abortedReason?: string;
}

/**
 * Guests this sync manages that are no longer in the input, planned one guest at a time as the pages of this source's
 * guests are read. Disabling skips guests already disabled, so a second run writes nothing. Above `maxRemovals` the
 * whole removal phase is refused; from then on only the count is kept, so a source that lost most of its users (an
 * incomplete input) costs a number, not a list of every guest.
 */
export class RemovalPlanner {
	private readonly targets: DirectoryUser[] = [];
	private candidates = 0;

	constructor(
		private readonly mode: RemovalMode,
		private readonly maxRemovals: number,
		private readonly inputEmails: Pick<ReadonlySet<string>, 'has'>,
	) {}

	consider(guest: DirectoryUser): void {
		if (this.mode === 'none') return;
		if (!isGuest(guest) || addressesOf(guest).some((address) => this.inputEmails.has(address))) return;
		if (this.mode === 'disable' && guest.accountEnabled === false) return;
		this.candidates += 1;
		if (this.candidates <= this.maxRemovals) this.targets.push(guest);
		else this.targets.length = 0;
	}

	plan(): RemovalPlan {
		const { mode, maxRemovals, candidates } = this;
		if (mode === 'none') return { mode, targets: [], candidates: 0 };
		if (candidates > maxRemovals) {
			return {
				mode,
				targets: [],
				candidates,
				abortedReason: `${candidates} guests left the source, more than the maximum of ${maxRemovals} removals per run: nothing was ${mode === 'delete' ? 'removed' : 'disabled'}. Check the input is complete, then raise Max Removals Per Run if the removals are intended`,
			};
		}
		return { mode, targets: [...this.targets], candidates };
	}
}

/** The removal plan for a list of this source's guests read in full (see RemovalPlanner). */
export function planRemovals(
	managedGuests: Iterable<DirectoryUser>,
	inputEmails: Pick<ReadonlySet<string>, 'has'>,
	mode: RemovalMode,
	maxRemovals: number,
): RemovalPlan {
	const planner = new RemovalPlanner(mode, maxRemovals, inputEmails);
	for (const guest of managedGuests) planner.consider(guest);
	return planner.plan();
}

export type SyncSummary = Record<SyncAction, number> & { total: number; dryRun: boolean };

export function summarize(actions: Iterable<SyncAction>, dryRun: boolean): SyncSummary {
	const counts = Object.fromEntries(SYNC_ACTIONS.map((action) => [action, 0])) as Record<SyncAction, number>;
	let total = 0;
	for (const action of actions) {
		counts[action] += 1;
		total += 1;
	}
	return { ...counts, total, dryRun };
}

/** Splits a list into chunks of `size` (Graph's `in` filter takes 15 values; $batch takes 20 requests). */
export function chunk<T>(values: T[], size: number): T[][] {
	const chunks: T[][] = [];
	for (let start = 0; start < values.length; start += size) chunks.push(values.slice(start, start + size));
	return chunks;
}
