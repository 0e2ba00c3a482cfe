/** The Sync operation's output: one item per input user, one per removal, and the summary. */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { SourceUser, SyncAction, UserChanges, UserPlan } from '../plan';

export interface UserResult {
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

export interface RemovalResult {
	type: 'removal';
	email?: string;
	userId: string;
	action: SyncAction;
	reason: string;
	dryRun: boolean;
}

export function baseResult(source: SourceUser, dryRun: boolean): Omit<UserResult, 'action'> {
	return {
		type: 'user',
		itemIndex: source.itemIndex,
		email: source.email,
		sourcePlatform: source.sourcePlatform,
		externalId: source.externalId,
		dryRun,
	};
}

/** Results for plans that need no write (or, in a dry run, for every plan, saying what would be done). */
export function recordWithoutWrites(plans: UserPlan[], dryRun: boolean, results: Map<number, UserResult>): void {
	for (const plan of plans) {
		const base = baseResult(plan.source, dryRun);
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
					reason: dryRun ? 'Dry run: would be updated' : undefined,
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

export function outputItem(result: UserResult): INodeExecutionData {
	const { itemIndex, ...json } = result;
	return { json: compact(json), pairedItem: { item: itemIndex } };
}

/** Drops undefined fields so the output shows only what applies. */
export function compact(json: object): IDataObject {
	const clean: IDataObject = {};
	for (const [key, value] of Object.entries(json)) {
		if (value === undefined) continue;
		clean[key] = value !== null && typeof value === 'object' && !Array.isArray(value) ? compact(value) : (value as IDataObject[keyof IDataObject]);
	}
	return clean;
}

export function* actionsOf(items: INodeExecutionData[]): Generator<SyncAction> {
	for (const item of items) yield item.json.action as SyncAction;
}
