/**
 * Sync: the whole input at once (one item per external user) against the tenant's guests.
 *
 * Order of work, chosen so a crash or a failure leaves nothing half-done:
 * 1. read and check every setting and every email (bad ones become per-item results);
 * 2. read this source's guests page by page (also proves the marker attribute is registered before anything is
 *    written): each guest is planned against the input user it answers for, or weighed for removal;
 * 3. in windows of users: look up the rest by email (batched), plan, invite and mark each batch of 20 right away,
 *    update what changed, add to teams;
 * 4. removals last, planned as a whole and refused above the cap before the first one.
 * Dry run stops before every write and reports the same actions.
 *
 * Memory: what the node keeps for the whole run is the input users' validated fields and emails, the plans of the
 * users this source's guests answered for (a guest's id, not its record), the output items, and at most Max Removals
 * Per Run removal targets. Pages of guests, lookups and writes are held one window at a time, and each window's
 * results become output items when the window is done.
 */
import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { BatchRequestItem, BatchResponseItem } from '../../../shared/transport';
import { errorItem } from '../../../shared/router';
import { updateDisplayOptions } from '../../../shared/updateDisplayOptions';
import { teamRlc } from '../../../shared/descriptions/rlc';
import {
	describeFailure,
	invitationBody,
	invitedUserId,
	isSuccess,
	lookupUsersByEmail,
	managedGuests,
	patchUserRequest,
	runBatched,
	toDirectoryUser,
	userSelect,
	verifyInvitation,
	type GraphUserWithMarker,
	type InvitationSettings,
} from '../../directory';
import { odataString } from '../../email';
import { inviteFailure, isPermissionDenied, userWriteFailure } from '../../failures';
import {
	chunk,
	matchDirectoryUser,
	planSourceUser,
	prepareSource,
	summarize,
	addressesOf,
	RemovalPlanner,
	type DirectoryUser,
	type PlanOptions,
	type RemovalMode,
	type RemovalPlan,
	type SourceRow,
	type SourceUser,
	type SyncAction,
	type UserChanges,
	type UserPlan,
} from '../../plan';
import {
	attributesField,
	displayNameField,
	emailField,
	invitationField,
	markerAttributeOption,
	sourceNameField,
} from '../../descriptions/fields';
import { readInvitationSettings, readMarkerAttribute, readSourceName, readSourceRow } from '../../settings';
import { addMissingMembers, readTeamIds, readTeamMembers, type TeamMembership } from '../../teams';

/** Source users handled per window: lookups for a window fill a few `$batch` calls; memory stays bounded. */
const WINDOW = 1500;
/** Above this many input users, reading this source's guests in pages of 999 is cheaper than looking them up. */
const LIST_MANAGED_ABOVE = 300;

const properties: INodeProperties[] = [
	sourceNameField,
	emailField,
	displayNameField,
	attributesField,
	{
		displayName: 'Dry Run',
		name: 'dryRun',
		type: 'boolean',
		default: false,
		description: 'Whether to only report what the sync would do, without inviting, changing or removing anyone',
	},
	{
		displayName: 'Add to Teams',
		name: 'teams',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Team',
		default: {},
		description: 'Teams every synced guest becomes a member of, so Teams users can find and message them there',
		options: [{ displayName: 'Team', name: 'team', values: [{ ...teamRlc, required: false }] }],
	},
	{
		displayName: 'Guests No Longer in Source',
		name: 'removal',
		type: 'options',
		default: 'none',
		description: 'What happens to guests this sync created whose email is no longer in the input',
		options: [
			{ name: 'Delete Guest', value: 'delete', description: 'Delete the guest account (restorable for 30 days)' },
			{ name: 'Disable Sign-In', value: 'disable', description: 'Keep the account, block sign-in; re-enabled if the user comes back' },
			{ name: 'Keep', value: 'none', description: 'Never remove or disable anyone' },
		],
	},
	{
		displayName: 'Max Removals Per Run',
		name: 'maxRemovals',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 10,
		description:
			'If more guests than this left the source, no guest is removed or disabled in this run (protects against an incomplete input)',
		displayOptions: { show: { removal: ['delete', 'disable'] } },
	},
	invitationField,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Adopt Existing Guests',
				name: 'adoptUnmarkedGuests',
				type: 'boolean',
				default: false,
				description:
					'Whether guests that already exist for input emails but carry no marker get this sync\'s marker, so they are updated and, when they leave the source, removed like the guests it created',
			},
			markerAttributeOption,
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['guest'], operation: ['sync'] } }, properties);

interface SyncSettings {
	sourceName: string;
	markerAttribute: string;
	dryRun: boolean;
	removalMode: RemovalMode;
	maxRemovals: number;
	invitation: InvitationSettings;
	teamIds: string[];
	planOptions: PlanOptions;
}

interface UserResult {
	type: 'user';
	itemIndex: number;
	email?: string;
	action: SyncAction;
	reason?: string;
	userId?: string;
	changes?: UserChanges;
	addedToTeams?: string[];
	sourcePlatform?: string;
	externalId?: string;
	dryRun: boolean;
}

async function readSettings(this: IExecuteFunctions, itemIndex: number): Promise<SyncSettings> {
	const sourceName = readSourceName.call(this, itemIndex);
	const markerAttribute = await readMarkerAttribute.call(this, itemIndex);
	const removalMode = this.getNodeParameter('removal', itemIndex, 'none') as RemovalMode;
	const maxRemovals = removalMode === 'none' ? 0 : Number(this.getNodeParameter('maxRemovals', itemIndex, 10));
	if (!Number.isInteger(maxRemovals) || maxRemovals < 0) {
		throw new NodeOperationError(this.getNode(), 'Max Removals Per Run must be a whole number of 0 or more', { itemIndex });
	}
	return {
		sourceName,
		markerAttribute,
		dryRun: this.getNodeParameter('dryRun', itemIndex, false) === true,
		removalMode,
		maxRemovals,
		invitation: readInvitationSettings.call(this, itemIndex),
		teamIds: readTeamIds.call(this, itemIndex),
		planOptions: {
			sourceName,
			markerAttribute,
			adoptUnmarkedGuests: this.getNodeParameter('options.adoptUnmarkedGuests', itemIndex, false) === true,
		},
	};
}

/**
 * The guests of this source, page by page, or none when they are not needed (the marker query is still made, to prove
 * it works). The first page goes through `$batch`, which returns Graph's answer instead of throwing: Graph answers 400
 * for an unregistered extension attribute, and that stops the sync before any write.
 */
async function* managedGuestPages(
	this: IExecuteFunctions,
	settings: SyncSettings,
	needAll: boolean,
): AsyncGenerator<DirectoryUser[]> {
	const first = await readFirstManagedPage.call(this, settings, needAll);
	if (!needAll) return;
	yield first.guests;
	if (first.nextLink) yield* managedGuests.call(this, settings.markerAttribute, settings.sourceName, first.nextLink);
}

async function readFirstManagedPage(
	this: IExecuteFunctions,
	settings: SyncSettings,
	needAll: boolean,
): Promise<{ guests: DirectoryUser[]; nextLink?: string }> {
	const filter = `${settings.markerAttribute} eq ${odataString(settings.sourceName)}`;
	const [firstPage] = await runBatched.call(this, [
		{
			id: '1',
			method: 'GET',
			url: `/users?$filter=${encodeURIComponent(filter)}&$select=${userSelect(settings.markerAttribute)}&$top=${needAll ? 999 : 1}`,
		},
	]);
	if (!isSuccess(firstPage)) {
		const graphSaid = describeFailure(firstPage);
		if (firstPage.status === 400) {
			throw new NodeOperationError(this.getNode(), `Graph does not accept the marker attribute ${settings.markerAttribute}`, {
				description: `Register it once on the app (POST /applications/{app object id}/extensionProperties with {"name":"m365GuestSyncSource","dataType":"String","targetObjects":["User"]}), or set Options > Marker Attribute to the one you registered. Graph said: ${graphSaid}`,
			});
		}
		throw new NodeOperationError(this.getNode(), `Could not read the guests of source "${settings.sourceName}": ${graphSaid}`, {
			description:
				firstPage.status === 403
					? 'Grant the app the User.Read.All (or User.ReadWrite.All) application permission with admin consent.'
					: undefined,
		});
	}
	if (!needAll) return { guests: [] };
	const body = firstPage.body as { value?: GraphUserWithMarker[]; '@odata.nextLink'?: string };
	return {
		guests: (body.value ?? []).map((user) => toDirectoryUser(user, settings.markerAttribute)),
		nextLink: body['@odata.nextLink'],
	};
}

/**
 * Plans the input users a guest of this source answers for (it needs no lookup then), or weighs it for removal when
 * it answers for none. An address two guests share is planned with the one read last.
 */
function matchManagedGuest(
	guest: DirectoryUser,
	byEmail: ReadonlyMap<string, SourceUser>,
	settings: SyncSettings,
	managedPlans: ManagedPlans,
	removals: RemovalPlanner,
): void {
	let answersForInput = false;
	for (const address of addressesOf(guest)) {
		const source = byEmail.get(address);
		if (!source) continue;
		answersForInput = true;
		const plan = planSourceUser(source, matchDirectoryUser(source.email, [guest], settings.sourceName), settings.planOptions);
		managedPlans.set(plan);
	}
	if (!answersForInput) removals.consider(guest);
}

/**
 * Plans made from this source's guests, by item index, until their user's window. Once planned, only the directory
 * user's id is used, so the rest of its record is not kept; and nearly every plan is "unchanged", kept as that id alone
 * rather than as one plan object per user.
 */
class ManagedPlans {
	private readonly plans: Array<UserPlan | string | undefined>;

	constructor(itemCount: number) {
		this.plans = new Array<UserPlan | string | undefined>(itemCount);
	}

	set(plan: UserPlan): void {
		this.plans[plan.source.itemIndex] = plan.kind === 'unchanged' ? plan.user.id : withUserIdOnly(plan);
	}

	has(itemIndex: number): boolean {
		return this.plans[itemIndex] !== undefined;
	}

	/** The user's plan, forgotten as it is handed out. */
	take(source: SourceUser): UserPlan | undefined {
		const plan = this.plans[source.itemIndex];
		this.plans[source.itemIndex] = undefined;
		return typeof plan === 'string' ? { kind: 'unchanged', source, user: { id: plan } } : plan;
	}
}

function withUserIdOnly(plan: UserPlan): UserPlan {
	switch (plan.kind) {
		case 'invite':
			return plan;
		case 'skip':
			return plan.user ? { ...plan, user: { id: plan.user.id } } : plan;
		default:
			return { ...plan, user: { id: plan.user.id } };
	}
}

function baseResult(source: SourceUser, dryRun: boolean): Omit<UserResult, 'action'> {
	return {
		type: 'user',
		itemIndex: source.itemIndex,
		email: source.email,
		sourcePlatform: source.sourcePlatform,
		externalId: source.externalId,
		dryRun,
	};
}

interface WriteState {
	/** Set after Graph refused invitations for lack of permission: the remaining invitations are not sent. */
	invitesDenied?: string;
}

async function invite(
	this: IExecuteFunctions,
	plans: Array<Extract<UserPlan, { kind: 'invite' }>>,
	settings: SyncSettings,
	state: WriteState,
	results: Map<number, UserResult>,
): Promise<void> {
	for (const batch of chunk(plans, 20)) {
		if (state.invitesDenied) {
			for (const plan of batch) {
				results.set(plan.source.itemIndex, { ...baseResult(plan.source, false), action: 'failed', reason: state.invitesDenied });
			}
			continue;
		}
		const responses = await runBatched.call(
			this,
			batch.map((plan, index) => ({
				id: String(index + 1),
				method: 'POST',
				url: '/invitations',
				headers: { 'Content-Type': 'application/json' },
				body: invitationBody(plan.source.email, plan.source.displayName, settings.invitation),
				verifyAfterAmbiguousFailure: verifyInvitation.call(this, plan.source.email),
			})),
		);
		// Mark the guests of this batch at once, so a crash leaves at most one batch unmarked.
		const marks: BatchRequestItem[] = [];
		const markedPlans: Array<{ plan: (typeof batch)[number]; userId: string }> = [];
		responses.forEach((response, index) => {
			const plan = batch[index];
			const userId = invitedUserId(response);
			if (!isSuccess(response) || !userId) {
				const reason = inviteFailure(response);
				if (isPermissionDenied(response)) state.invitesDenied = reason;
				results.set(plan.source.itemIndex, { ...baseResult(plan.source, false), action: 'failed', reason });
				return;
			}
			marks.push(patchUserRequest(String(marks.length + 1), userId, plan.followUp));
			markedPlans.push({ plan, userId });
		});
		const markResponses = marks.length > 0 ? await runBatched.call(this, marks) : [];
		markResponses.forEach((response, index) => {
			const { plan, userId } = markedPlans[index];
			const result: UserResult = { ...baseResult(plan.source, false), action: 'invited', userId };
			if (!isSuccess(response)) {
				result.reason = `Invited, but not marked as this sync's guest: ${userWriteFailure(response, 'mark the guest')}. Run the sync again with Adopt Existing Guests on to finish it.`;
			}
			results.set(plan.source.itemIndex, result);
		});
	}
}

async function update(
	this: IExecuteFunctions,
	plans: Array<Extract<UserPlan, { kind: 'update' }>>,
	results: Map<number, UserResult>,
): Promise<void> {
	if (plans.length === 0) return;
	const responses = await runBatched.call(
		this,
		plans.map((plan, index) => patchUserRequest(String(index + 1), plan.user.id, plan.changes)),
	);
	responses.forEach((response: BatchResponseItem, index) => {
		const plan = plans[index];
		const base = { ...baseResult(plan.source, false), userId: plan.user.id };
		results.set(
			plan.source.itemIndex,
			isSuccess(response)
				? { ...base, action: 'updated', changes: plan.changes, reason: plan.adopted ? 'Adopted: marked as this sync\'s guest' : undefined }
				: { ...base, action: 'failed', reason: userWriteFailure(response, 'update the guest') },
		);
	});
}

function recordWithoutWrites(plans: UserPlan[], settings: SyncSettings, results: Map<number, UserResult>): void {
	for (const plan of plans) {
		const base = baseResult(plan.source, settings.dryRun);
		switch (plan.kind) {
			case 'invite':
				results.set(plan.source.itemIndex, { ...base, action: 'invited', reason: 'Dry run: would be invited' });
				break;
			case 'update':
				results.set(plan.source.itemIndex, {
					...base,
					action: 'updated',
					userId: plan.user.id,
					changes: plan.changes,
					reason: settings.dryRun ? 'Dry run: would be updated' : undefined,
				});
				break;
			case 'unchanged':
				results.set(plan.source.itemIndex, { ...base, action: 'unchanged', userId: plan.user.id });
				break;
			case 'skip':
				results.set(plan.source.itemIndex, { ...base, action: 'skipped', userId: plan.user?.id, reason: plan.reason });
				break;
		}
	}
}

/** One window of users, written and turned into output items (`output[itemIndex]`). */
async function syncWindow(
	this: IExecuteFunctions,
	window: SourceUser[],
	settings: SyncSettings,
	managedPlans: ManagedPlans,
	teams: TeamMembership[],
	state: WriteState,
	output: Array<INodeExecutionData | undefined>,
): Promise<void> {
	const results = new Map<number, UserResult>();
	await planAndWriteWindow.call(this, window, settings, managedPlans, teams, state, results);
	for (const source of window) {
		const result = results.get(source.itemIndex);
		if (result) output[source.itemIndex] = outputItem(result);
	}
}

async function planAndWriteWindow(
	this: IExecuteFunctions,
	window: SourceUser[],
	settings: SyncSettings,
	managedPlans: ManagedPlans,
	teams: TeamMembership[],
	state: WriteState,
	results: Map<number, UserResult>,
): Promise<void> {
	const toLookUp = window.filter((source) => !managedPlans.has(source.itemIndex)).map((source) => source.email);
	const lookup =
		toLookUp.length > 0
			? await lookupUsersByEmail.call(this, toLookUp, settings.markerAttribute)
			: { found: new Map<string, DirectoryUser[]>(), failed: new Map<string, string>() };

	const plans: UserPlan[] = [];
	for (const source of window) {
		const managed = managedPlans.take(source);
		if (managed) {
			plans.push(managed);
			continue;
		}
		const lookupFailure = lookup.failed.get(source.email);
		if (lookupFailure) {
			results.set(source.itemIndex, { ...baseResult(source, settings.dryRun), action: 'failed', reason: lookupFailure });
			continue;
		}
		const candidates = lookup.found.get(source.email) ?? [];
		plans.push(planSourceUser(source, matchDirectoryUser(source.email, candidates, settings.sourceName), settings.planOptions));
	}

	if (settings.dryRun) {
		recordWithoutWrites(plans, settings, results);
	} else {
		recordWithoutWrites(plans.filter((plan) => plan.kind === 'unchanged' || plan.kind === 'skip'), settings, results);
		await invite.call(this, plans.filter((plan) => plan.kind === 'invite'), settings, state, results);
		await update.call(this, plans.filter((plan) => plan.kind === 'update'), results);
	}

	if (teams.length === 0) return;
	const members = window
		.map((source) => results.get(source.itemIndex))
		.filter((result): result is UserResult => !!result && !!result.userId && ['invited', 'updated', 'unchanged'].includes(result.action));
	const outcome = await addMissingMembers.call(this, members.map((result) => result.userId as string), teams, settings.dryRun);
	for (const result of members) {
		const added = outcome.added.get(result.userId as string);
		const errors = outcome.errors.get(result.userId as string);
		if (added) {
			result.addedToTeams = added;
			if (result.action === 'unchanged') result.action = 'addedToTeam';
		}
		if (errors) result.reason = [result.reason, ...errors].filter(Boolean).join('; ');
	}
	// Users a dry run would invite have no id yet; they would be added to every team.
	if (settings.dryRun) {
		for (const source of window) {
			const result = results.get(source.itemIndex);
			if (result && result.action === 'invited' && !result.userId) result.addedToTeams = teams.map((team) => team.teamId);
		}
	}
}

interface RemovalResult {
	type: 'removal';
	email?: string;
	userId: string;
	action: SyncAction;
	reason: string;
	dryRun: boolean;
}

async function removeGuests(
	this: IExecuteFunctions,
	plan: RemovalPlan,
	dryRun: boolean,
): Promise<RemovalResult[]> {
	if (plan.targets.length === 0) return [];
	const action: SyncAction = plan.mode === 'delete' ? 'removed' : 'disabled';
	const describe = (guest: DirectoryUser) => guest.mail ?? guest.otherMails?.[0] ?? guest.userPrincipalName ?? undefined;
	if (dryRun) {
		return plan.targets.map((guest) => ({
			type: 'removal',
			email: describe(guest),
			userId: guest.id,
			action,
			reason: `Dry run: would be ${action}, no longer in the source`,
			dryRun,
		}));
	}
	const requests: BatchRequestItem[] = plan.targets.map((guest, index) =>
		plan.mode === 'delete'
			? { id: String(index + 1), method: 'DELETE', url: `/users/${guest.id}` }
			: patchUserRequest(String(index + 1), guest.id, { accountEnabled: false }),
	);
	const responses = await runBatched.call(this, requests);
	return responses.map((response, index) => {
		const guest = plan.targets[index];
		const done = isSuccess(response) || (plan.mode === 'delete' && response.status === 404);
		return {
			type: 'removal',
			email: describe(guest),
			userId: guest.id,
			action: done ? action : 'failed',
			reason: done
				? 'No longer in the source'
				: userWriteFailure(response, plan.mode === 'delete' ? 'delete the guest' : 'disable the guest'),
			dryRun,
		};
	});
}

export async function executeBatch(this: IExecuteFunctions, itemIndexes: number[]): Promise<INodeExecutionData[]> {
	const first = itemIndexes[0] ?? 0;
	try {
		return await sync.call(this, itemIndexes, first);
	} catch (error) {
		if (this.continueOnFail()) return itemIndexes.map((itemIndex) => errorItem(error, itemIndex));
		throw new NodeOperationError(this.getNode(), error as Error, {
			itemIndex: first,
			description: (error as { description?: string }).description,
		});
	}
}

function* sourceRows(this: IExecuteFunctions, itemIndexes: number[]): Generator<SourceRow> {
	for (const itemIndex of itemIndexes) yield readSourceRow.call(this, itemIndex);
}

async function sync(this: IExecuteFunctions, itemIndexes: number[], first: number): Promise<INodeExecutionData[]> {
	const settings = await readSettings.call(this, first);
	const { users, rejected, byEmail } = prepareSource(sourceRows.call(this, itemIndexes));

	const itemCount = itemIndexes.length > 0 ? itemIndexes[itemIndexes.length - 1] + 1 : 0;
	// By item index; a window's items are set when the window is done.
	const output = new Array<INodeExecutionData | undefined>(itemCount);
	for (const row of rejected) {
		output[row.itemIndex] = outputItem({
			type: 'user',
			itemIndex: row.itemIndex,
			email: row.email,
			action: row.email ? 'skipped' : 'failed',
			reason: row.reason,
			dryRun: settings.dryRun,
		});
	}

	const needAllManaged = settings.removalMode !== 'none' || users.length > LIST_MANAGED_ABOVE;
	const managedPlans = new ManagedPlans(itemCount);
	const removals = new RemovalPlanner(settings.removalMode, settings.maxRemovals, byEmail);
	for await (const page of managedGuestPages.call(this, settings, needAllManaged)) {
		for (const guest of page) matchManagedGuest(guest, byEmail, settings, managedPlans, removals);
	}
	const removalPlan = removals.plan();
	// Every guest is matched and weighed: the input's emails are not needed any more.
	byEmail.clear();

	const teams: TeamMembership[] = [];
	for (const teamId of settings.teamIds) teams.push(await readTeamMembers.call(this, teamId));

	const state: WriteState = {};
	// Taken off the front, so the source fields of the users already synced are not kept to the end.
	while (users.length > 0) {
		await syncWindow.call(this, users.splice(0, WINDOW), settings, managedPlans, teams, state, output);
	}

	const removalResults = await removeGuests.call(this, removalPlan, settings.dryRun);

	const items: INodeExecutionData[] = [];
	for (const itemIndex of itemIndexes) {
		const item = output[itemIndex];
		if (item) items.push(item);
	}
	for (const removal of removalResults) items.push({ json: compact({ ...removal }), pairedItem: { item: first } });
	items.push({
		json: compact({
			type: 'summary',
			sourceName: settings.sourceName,
			...summarize(actionsOf(items), settings.dryRun),
			removal: {
				mode: settings.removalMode,
				candidates: removalPlan.candidates,
				maxRemovals: settings.removalMode === 'none' ? undefined : settings.maxRemovals,
				aborted: removalPlan.abortedReason !== undefined,
				reason: removalPlan.abortedReason,
			},
		}),
		pairedItem: { item: first },
	});
	return items;
}

function* actionsOf(items: INodeExecutionData[]): Generator<SyncAction> {
	for (const item of items) yield item.json.action as SyncAction;
}

function outputItem(result: UserResult): INodeExecutionData {
	const { itemIndex, ...json } = result;
	return { json: compact(json), pairedItem: { item: itemIndex } };
}

/** Drops undefined fields so the output shows only what applies. */
function compact(json: object): IDataObject {
	const clean: IDataObject = {};
	for (const [key, value] of Object.entries(json)) {
		if (value === undefined) continue;
		clean[key] = value !== null && typeof value === 'object' && !Array.isArray(value) ? compact(value) : (value as IDataObject[keyof IDataObject]);
	}
	return clean;
}

