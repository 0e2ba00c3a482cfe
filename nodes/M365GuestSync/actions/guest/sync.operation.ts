/**
 * Sync: the whole input at once (one item per external user) against the tenant's guests.
 *
 * Order of work, chosen so a crash or a failure leaves nothing half-done:
 * 1. read and check every setting and every email (bad ones become per-item results), and what the node can tell
 *    about how it is run (loop, run index, rows without email: see sync/settings.ts);
 * 2. read this source's guests page by page (also proves the marker attribute is registered, and refuses a source
 *    name that collides with another sync's): each guest is planned against the input user it answers for, or
 *    weighed for removal (sync/managedGuests.ts);
 * 3. in windows of users (sync/window.ts): look up the rest by email (batched), plan, invite and mark each batch of 20
 *    right away, update what changed, add to teams (sync/writes.ts);
 * 4. removals last, only when the removal plan allows it (plan.ts, sync/removals.ts).
 * Dry run stops before every write and reports the same actions. A failure part-way keeps the report of what was
 * done; the rest is reported failed with the reason, and nothing more is written.
 *
 * Memory: what the node keeps for the whole run is the input users' validated fields and emails, the plans of the
 * users this source's guests answered for (a guest's id, not its record), the output items, and at most Max Removals
 * Per Run removal targets. Pages of guests, lookups and writes are held one window at a time.
 */
import { NodeOperationError } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { errorItem } from '../../../shared/router';
import { updateDisplayOptions } from '../../../shared/updateDisplayOptions';
import { prepareSource, RemovalPlanner, summarize, type RemovalPlan, type SourceRow } from '../../plan';
import { refuseAsTool, readSourceRow } from '../../settings';
import { syncProperties } from '../../sync/description';
import { managedGuestPages, ManagedPlans, matchManagedGuest, refuseCollidingSource } from '../../sync/managedGuests';
import { finishPendingMarks, rememberUnmarked } from '../../sync/pendingMarks';
import { removeGuests } from '../../sync/removals';
import { actionsOf, compact, outputItem, type RemovalResult } from '../../sync/results';
import { readSyncSettings, removalGateReasons } from '../../sync/settings';
import { reportNotReached, syncWindow, type WindowContext } from '../../sync/window';
import type { WriteState } from '../../sync/writes';
import { readTeamMembers, type TeamMembership } from '../../teams';

/** Source users handled per window: lookups for a window fill a few `$batch` calls; memory stays bounded. */
const WINDOW = 1500;
/** Above this many input users, reading this source's guests in pages of 999 is cheaper than looking them up. */
const LIST_MANAGED_ABOVE = 300;

export const description = updateDisplayOptions({ show: { resource: ['guest'], operation: ['sync'] } }, syncProperties);

export async function executeBatch(this: IExecuteFunctions, itemIndexes: number[]): Promise<INodeExecutionData[]> {
	const first = itemIndexes[0] ?? 0;
	try {
		refuseAsTool.call(this, 'Sync', first);
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
	const settings = await readSyncSettings.call(this, first);
	const { users, rejected, byEmail, rejectedAddresses, rowsWithoutEmail } = prepareSource(sourceRows.call(this, itemIndexes));

	const itemCount = itemIndexes.length > 0 ? itemIndexes[itemIndexes.length - 1] + 1 : 0;
	// By item index; a window's items are set when the window is done.
	const output = new Array<INodeExecutionData | undefined>(itemCount);
	for (const row of rejected) {
		output[row.itemIndex] = outputItem({
			type: 'user',
			itemIndex: row.itemIndex,
			email: row.email,
			action: row.kind === 'duplicate' ? 'skipped' : 'failed',
			reason: row.reason,
			dryRun: settings.dryRun,
		});
	}

	// Guests a previous run invited but could not mark are marked first, so they are read below as this source's own.
	const finishedMarks = await finishPendingMarks.call(this, settings);

	const needAllManaged = settings.removalMode !== 'none' || users.length > LIST_MANAGED_ABOVE;
	const managedPlans = new ManagedPlans(itemCount);
	const removals = new RemovalPlanner(
		settings.removalMode,
		settings.sourceName,
		{
			withheldReasons: removalGateReasons.call(this, settings, rowsWithoutEmail),
			maxRemovals: settings.maxRemovals,
			minShareSeen: settings.minShareSeen,
		},
		byEmail,
		rejectedAddresses,
	);
	for await (const page of managedGuestPages.call(this, settings, needAllManaged)) {
		for (const guest of page) {
			refuseCollidingSource.call(this, guest, settings);
			matchManagedGuest(guest, byEmail, settings, managedPlans, removals);
		}
	}
	let removalPlan = removals.plan();
	// Every guest is matched and weighed: the input's emails are not needed any more.
	byEmail.clear();
	rejectedAddresses.clear();

	const teams: TeamMembership[] = [];
	for (const teamId of settings.teamIds) teams.push(await readTeamMembers.call(this, teamId));

	const state: WriteState = { unmarked: [] };
	const context: WindowContext = { settings, managedPlans, teams, state, output };
	// Taken off the front, so the source fields of the users already synced are not kept to the end.
	while (users.length > 0) {
		const window = users.splice(0, WINDOW);
		if (state.stopped) {
			reportNotReached(window, context);
			continue;
		}
		try {
			await syncWindow.call(this, window, context);
		} catch (error) {
			// Whatever failed part-way (a refused lookup, a lost connection): what earlier windows did stays reported.
			state.stopped = `The sync stopped: ${(error as Error).message}`;
			reportNotReached(
				window.filter((source) => output[source.itemIndex] === undefined),
				context,
			);
		}
	}

	rememberUnmarked.call(this, settings.sourceName, state.unmarked);

	let removalResults: RemovalResult[] = [];
	if (state.stopped && removalPlan.targets.length > 0) {
		removalPlan = { ...removalPlan, targets: [], withheldReason: `Removal withheld: ${state.stopped}` };
	}
	removalResults = await removeGuests.call(this, removalPlan, settings.dryRun, state);

	const items: INodeExecutionData[] = [];
	for (const itemIndex of itemIndexes) {
		const item = output[itemIndex];
		if (item) items.push(item);
	}
	for (const removal of removalResults) items.push({ json: compact({ ...removal }), pairedItem: { item: first } });
	const summary = summaryJson(settings.sourceName, settings, removalPlan, items, state);
	if (finishedMarks > 0) summary.markedFromEarlierRun = finishedMarks;
	if (state.unmarked.length > 0) summary.notMarkedYet = state.unmarked.length;
	items.push({ json: summary, pairedItem: { item: first } });
	return items;
}

function summaryJson(
	sourceName: string,
	settings: Awaited<ReturnType<typeof readSyncSettings>>,
	plan: RemovalPlan,
	items: INodeExecutionData[],
	state: WriteState,
) {
	return compact({
		type: 'summary',
		sourceName,
		...summarize(actionsOf(items), settings.dryRun),
		stopped: state.stopped,
		removal: {
			mode: settings.removalMode,
			candidates: plan.candidates,
			seen: settings.removalMode === 'none' ? undefined : plan.seen,
			keptForRejectedRows: plan.keptForRejectedRows > 0 ? plan.keptForRejectedRows : undefined,
			maxRemovals: settings.removalMode === 'none' ? undefined : settings.maxRemovals,
			withheld: plan.withheldReason !== undefined,
			reason: plan.withheldReason,
		},
	});
}
