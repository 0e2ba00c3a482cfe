/**
 * One window of input users: look up those no guest of this source answered for (batched), plan each, write (or, in a
 * dry run, only report), add to teams. Its results become output items when the window is done.
 */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { lookupUsersByEmail } from '../directory';
import { matchDirectoryUser, planSourceUser, type DirectoryUser, type SourceUser, type UserPlan } from '../plan';
import { addMissingMembers, type TeamMembership } from '../teams';
import type { ManagedPlans } from './managedGuests';
import { baseResult, outputItem, recordWithoutWrites, type UserResult } from './results';
import type { SyncSettings } from './settings';
import { invite, memberConflicts, noteDenied, noteRefusal, update, type WriteState } from './writes';

export interface WindowContext {
	settings: SyncSettings;
	managedPlans: ManagedPlans;
	teams: TeamMembership[];
	state: WriteState;
	/** Output items by item index. */
	output: Array<INodeExecutionData | undefined>;
}

export async function syncWindow(this: IExecuteFunctions, window: SourceUser[], context: WindowContext): Promise<void> {
	const results = new Map<number, UserResult>();
	try {
		await planAndWriteWindow.call(this, window, context, results);
	} finally {
		// Also when the window failed part-way: what it did (an invitation, an update) is reported as done.
		for (const source of window) {
			const result = results.get(source.itemIndex);
			if (result) context.output[source.itemIndex] = outputItem(result);
		}
	}
}

/** A window the sync did not reach because it stopped: every user reported failed with the reason. */
export function reportNotReached(window: SourceUser[], context: WindowContext): void {
	for (const source of window) {
		context.output[source.itemIndex] = outputItem({
			...baseResult(source, context.settings.dryRun),
			action: 'failed',
			reason: `Not synced: ${context.state.stopped}`,
		});
	}
}

async function planAndWriteWindow(
	this: IExecuteFunctions,
	window: SourceUser[],
	{ settings, managedPlans, teams, state }: WindowContext,
	results: Map<number, UserResult>,
): Promise<void> {
	const toLookUp = window.filter((source) => !managedPlans.has(source.itemIndex)).map((source) => source.email);
	const lookup =
		toLookUp.length > 0
			? await lookupUsersByEmail.call(this, toLookUp, settings.markerAttribute)
			: { found: new Map<string, DirectoryUser[]>(), failed: new Map<string, string>() };

	let plans: UserPlan[] = [];
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

	const conflicts = await memberConflicts.call(this, plans.filter((plan) => plan.kind === 'update'), settings);
	for (const [itemIndex, result] of conflicts) results.set(itemIndex, result);
	plans = plans.filter((plan) => !conflicts.has(plan.source.itemIndex));

	const justCreated = new Set<string>();
	if (settings.dryRun) {
		recordWithoutWrites(plans, true, results);
	} else {
		recordWithoutWrites(plans.filter((plan) => plan.kind === 'unchanged' || plan.kind === 'skip'), false, results);
		await invite.call(this, plans.filter((plan) => plan.kind === 'invite'), settings, state, results);
		await update.call(this, plans.filter((plan) => plan.kind === 'update'), state, results);
		for (const plan of plans) {
			const result = results.get(plan.source.itemIndex);
			if (plan.kind === 'invite' && result?.action === 'invited' && result.userId) justCreated.add(result.userId);
		}
	}

	if (teams.length === 0) return;
	const members = window
		.map((source) => results.get(source.itemIndex))
		.filter((result): result is UserResult => !!result && !!result.userId && ['invited', 'updated', 'unchanged'].includes(result.action));
	if (state.stopped && !settings.dryRun) {
		for (const result of members) result.reason = [result.reason, `Not added to teams: ${state.stopped}`].filter(Boolean).join('; ');
		return;
	}
	const outcome = await addMissingMembers.call(this, members.map((result) => result.userId as string), teams, {
		dryRun: settings.dryRun,
		justCreated,
		onRefused: (response) => noteRefusal(state, response),
		onDenied: (response) => noteDenied(state, response, 'add guests to a team'),
	});
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
