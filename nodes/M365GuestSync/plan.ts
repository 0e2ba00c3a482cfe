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
import { checkEmail, normalizeAddress } from './email';

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

/** One input item, as read from the node's field mapping: a SourceUser whose email is not checked yet. */
export type SourceRow = Omit<SourceUser, 'email'> & { email: unknown };

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
	/** `invalid`: the email is missing or not one Entra accepts; `duplicate`: an earlier item holds the same email. */
	kind: 'invalid' | 'duplicate';
	/** The duplicate's normalised email, or the invalid row's email as given, as text (absent when the row has none). */
	email?: string;
	reason: string;
}

/** The email field as the input gave it, as text: what a user searches their source for. */
function givenAsText(value: unknown): string | undefined {
	if (value === undefined || value === null) return undefined;
	if (typeof value === 'string') return value;
	if (typeof value === 'object') return JSON.stringify(value);
	return String(value);
}

export interface PreparedSource {
	users: SourceUser[];
	rejected: RejectedRow[];
	/** The same users by email: every address the input holds, for matching guests and planning removals. */
	byEmail: Map<string, SourceUser>;
	/**
	 * Addresses of rows that were rejected (malformed, or a character Entra refuses) but name someone: a guest answering
	 * to one of them counts as still in the source and is never removed for it.
	 */
	rejectedAddresses: Set<string>;
	/** Rows with no address at all: nobody can tell which guests they stand for, so removals are withheld. */
	rowsWithoutEmail: number;
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
	const rejectedAddresses = new Set<string>();
	let rowsWithoutEmail = 0;
	for (const row of rows) {
		const check = checkEmail(row.email);
		if (!check.ok) {
			rejected.push({ itemIndex: row.itemIndex, kind: 'invalid', email: givenAsText(row.email), reason: check.reason });
			if (typeof row.email === 'string' && row.email.trim() !== '') rejectedAddresses.add(normalizeAddress(row.email));
			else rowsWithoutEmail += 1;
			continue;
		}
		const first = byEmail.get(check.email);
		if (first !== undefined) {
			rejected.push({
				itemIndex: row.itemIndex,
				kind: 'duplicate',
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
	return { users, rejected, byEmail, rejectedAddresses, rowsWithoutEmail };
}

/** Every address a directory user answers to, normalised as input emails are (NFC, lower case, ASCII domain). */
export function addressesOf(user: DirectoryUser): string[] {
	const addresses = [user.mail, user.userPrincipalName, ...(user.otherMails ?? [])]
		.filter((address): address is string => typeof address === 'string' && address !== '')
		.map(normalizeAddress);
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
	const byMail = matching.filter((user) => normalizeAddress(user.mail ?? '') === email);
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
	/** Guests to remove or disable; empty when withheld. */
	targets: DirectoryUser[];
	/** Guests of this source the input no longer holds (whether or not removal was withheld). */
	candidates: number;
	/** Guests of this source the input still holds (rejected rows' addresses included). */
	seen: number;
	/** Of those, the guests kept only because a rejected row (malformed or refused address) names them. */
	keptForRejectedRows: number;
	/** seen / (seen + candidates), 1 when this source has no guests. */
	shareSeen: number;
	/** Set when removal is withheld: nothing is removed, and this says why and what to do. */
	withheldReason?: string;
}

/**
 * A source whose sync manages this many guests or fewer is small: there one guest is a large share (one of four is
 * 25%), so the Minimum Share Seen alone would withhold every removal. In a small source one guest may leave per run
 * below the share, as long as at least one other guest of the source is still in the input (an input that holds
 * none of them is a lost source, not people leaving). More leaving at once is still weighed by the share.
 */
export const SMALL_SOURCE_GUESTS = 10;

/** Whether a small source's single leaver may go although the share seen is below the minimum (see above). */
function smallSourceLeaver(seen: number, candidates: number): boolean {
	return seen + candidates <= SMALL_SOURCE_GUESTS && candidates === 1 && seen >= 1;
}

export interface RemovalGate {
	/** Reasons known before the guests are read (confirmation off, loop, second run, rows without email). */
	withheldReasons: string[];
	maxRemovals: number;
	/** Smallest share (0..1) of this source's guests the input must still hold for removals to run. */
	minShareSeen: number;
}

/**
 * Guests this sync manages that are no longer in the input, planned one guest at a time as the pages of this source's
 * guests are read. Only guests whose marker is exactly this source name are weighed (Graph's `$filter` compares
 * strings regardless of case, so the listing can hold another sync's guests). Disabling skips guests already
 * disabled, so a second run writes nothing. Above `maxRemovals` only the count is kept, so a source that lost most of
 * its users (an incomplete input) costs a number, not a list of every guest.
 */
export class RemovalPlanner {
	private readonly targets: DirectoryUser[] = [];
	private candidates = 0;
	private seen = 0;
	private keptForRejectedRows = 0;

	constructor(
		private readonly mode: RemovalMode,
		private readonly sourceName: string,
		private readonly gate: RemovalGate,
		private readonly inputEmails: Pick<ReadonlySet<string>, 'has'>,
		private readonly rejectedAddresses: Pick<ReadonlySet<string>, 'has'> = new Set<string>(),
	) {}

	consider(guest: DirectoryUser): void {
		if (this.mode === 'none') return;
		if (guest.marker !== this.sourceName || !isGuest(guest)) return;
		const addresses = addressesOf(guest);
		if (addresses.some((address) => this.inputEmails.has(address))) {
			this.seen += 1;
			return;
		}
		if (addresses.some((address) => this.rejectedAddresses.has(address))) {
			this.seen += 1;
			this.keptForRejectedRows += 1;
			return;
		}
		if (this.mode === 'disable' && guest.accountEnabled === false) return;
		this.candidates += 1;
		if (this.candidates <= this.gate.maxRemovals) this.targets.push(guest);
		else this.targets.length = 0;
	}

	plan(): RemovalPlan {
		const { mode, candidates, seen, keptForRejectedRows } = this;
		const shareSeen = seen + candidates === 0 ? 1 : seen / (seen + candidates);
		if (mode === 'none') return { mode, targets: [], candidates: 0, seen, keptForRejectedRows, shareSeen };
		const withheldReason = candidates === 0 ? undefined : this.withheldReason(shareSeen);
		if (withheldReason) return { mode, targets: [], candidates, seen, keptForRejectedRows, shareSeen, withheldReason };
		return { mode, targets: [...this.targets], candidates, seen, keptForRejectedRows, shareSeen };
	}

	private withheldReason(shareSeen: number): string | undefined {
		const { mode, candidates, seen, gate } = this;
		const verb = mode === 'delete' ? 'removed' : 'disabled';
		if (gate.withheldReasons.length > 0) {
			return `Removal withheld: ${gate.withheldReasons.join('; ')}. ${candidates} guests of this source are not in this input; none was ${verb}`;
		}
		if (shareSeen < gate.minShareSeen && !smallSourceLeaver(seen, candidates)) {
			const small =
				seen + candidates <= SMALL_SOURCE_GUESTS
					? ` (in a source of ${SMALL_SOURCE_GUESTS} guests or fewer, one guest may leave per run below it while another is still in the input; here ${candidates} left${seen === 0 ? ' and none is in the input' : ''})`
					: '';
			return `Removal withheld: the input holds ${seen} of the ${seen + candidates} guests of this source (${formatShare(shareSeen)}), less than the Minimum Share Seen of ${formatShare(gate.minShareSeen)}${small}; an input this incomplete is more likely a partial source than people leaving. None was ${verb}. Check the input is the whole source, then lower Minimum Share Seen (0 turns the check off) if the removals are intended`;
		}
		if (candidates > gate.maxRemovals) {
			return `Removal withheld: ${candidates} guests left the source, more than the maximum of ${gate.maxRemovals} removals per run; none was ${verb}. Check the input is complete, then raise Max Removals Per Run if the removals are intended`;
		}
		return undefined;
	}
}

function formatShare(share: number): string {
	return `${Math.floor(share * 1000) / 10}%`;
}

/** The removal plan for a list of this source's guests read in full (see RemovalPlanner). */
export function planRemovals(
	managedGuests: Iterable<DirectoryUser>,
	inputEmails: Pick<ReadonlySet<string>, 'has'>,
	mode: RemovalMode,
	options: { sourceName: string; maxRemovals: number; minShareSeen?: number; withheldReasons?: string[]; rejectedAddresses?: Pick<ReadonlySet<string>, 'has'> },
): RemovalPlan {
	const planner = new RemovalPlanner(
		mode,
		options.sourceName,
		{ maxRemovals: options.maxRemovals, minShareSeen: options.minShareSeen ?? 0, withheldReasons: options.withheldReasons ?? [] },
		inputEmails,
		options.rejectedAddresses,
	);
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
