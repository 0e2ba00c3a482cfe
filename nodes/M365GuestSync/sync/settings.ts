/**
 * The Sync operation's settings, read once, and what the node can tell about how it is run: whether it sees the
 * complete source. Removals need all of it (see `removalGateReasons`).
 */
import { NodeOperationError } from 'n8n-workflow';
import type { IExecuteFunctions } from 'n8n-workflow';

import type { InvitationSettings } from '../directory';
import type { PlanOptions, RemovalMode } from '../plan';
import { readInvitationSettings, readMarkerAttribute, readSourceName } from '../settings';
import { readTeamIds } from '../teams';

export interface SyncSettings {
	sourceName: string;
	markerAttribute: string;
	dryRun: boolean;
	removalMode: RemovalMode;
	inputIsComplete: boolean;
	maxRemovals: number;
	/** 0..1 */
	minShareSeen: number;
	invitation: InvitationSettings;
	teamIds: string[];
	planOptions: PlanOptions;
}

const SPLIT_IN_BATCHES = 'n8n-nodes-base.splitInBatches';

export async function readSyncSettings(this: IExecuteFunctions, itemIndex: number): Promise<SyncSettings> {
	const sourceName = readSourceName.call(this, itemIndex);
	const markerAttribute = await readMarkerAttribute.call(this, itemIndex);
	const removalMode = this.getNodeParameter('removal', itemIndex, 'none') as RemovalMode;
	const removing = removalMode !== 'none';
	const maxRemovals = removing ? Number(this.getNodeParameter('maxRemovals', itemIndex, 10)) : 0;
	if (!Number.isInteger(maxRemovals) || maxRemovals < 0) {
		throw new NodeOperationError(this.getNode(), 'Max Removals Per Run must be a whole number of 0 or more', { itemIndex });
	}
	const minSharePercent = removing ? Number(this.getNodeParameter('minShareSeen', itemIndex, 80)) : 0;
	if (!Number.isFinite(minSharePercent) || minSharePercent < 0 || minSharePercent > 100) {
		throw new NodeOperationError(this.getNode(), 'Minimum Share Seen (%) must be a number from 0 to 100', { itemIndex });
	}
	return {
		sourceName,
		markerAttribute,
		dryRun: this.getNodeParameter('dryRun', itemIndex, false) === true,
		removalMode,
		inputIsComplete: removing && this.getNodeParameter('inputIsComplete', itemIndex, false) === true,
		maxRemovals,
		minShareSeen: minSharePercent / 100,
		invitation: readInvitationSettings.call(this, itemIndex),
		teamIds: readTeamIds.call(this, itemIndex),
		planOptions: {
			sourceName,
			markerAttribute,
			adoptUnmarkedGuests: this.getNodeParameter('options.adoptUnmarkedGuests', itemIndex, false) === true,
		},
	};
}

/** This node's run index in the execution: 0 the first time it runs, 1 and up when a loop brings it back. */
function runIndexOf(this: IExecuteFunctions): number {
	const runIndex = (this as unknown as { runIndex?: unknown }).runIndex;
	return typeof runIndex === 'number' ? runIndex : 0;
}

/** The Loop Over Items (Split in Batches) node this node runs inside: one before it that it also leads back to. */
function enclosingLoop(this: IExecuteFunctions): string | undefined {
	const name = this.getNode().name;
	const after = new Set(this.getChildNodes(name).map((node) => node.name));
	return this.getParentNodes(name).find((node) => node.type === SPLIT_IN_BATCHES && after.has(node.name))?.name;
}

/**
 * Why this run cannot see the complete source, from what is known before any guest is read: every reason found
 * (an empty list lets the planner weigh the share seen and the cap).
 */
export function removalGateReasons(this: IExecuteFunctions, settings: SyncSettings, rowsWithoutEmail: number): string[] {
	if (settings.removalMode === 'none') return [];
	const reasons: string[] = [];
	if (!settings.inputIsComplete) {
		reasons.push('Input Is the Complete Source is off (turn it on only when every run receives every user of the source)');
	}
	const loop = enclosingLoop.call(this);
	if (loop) {
		reasons.push(`the node runs inside the loop of "${loop}", so each run sees one batch, not the source (connect the loop's "done" output instead)`);
	}
	if (this.getNode().executeOnce === true) {
		reasons.push('Execute Once is on in the node\'s settings, so the node receives only the first item');
	}
	const runIndex = runIndexOf.call(this);
	if (runIndex > 0) {
		reasons.push(`this is run ${runIndex + 1} of this node in the execution, so this input is a part of what it received`);
	}
	if (rowsWithoutEmail > 0) {
		reasons.push(`${rowsWithoutEmail} input rows have no email, so the guests they stand for cannot be told from guests that left (does the source still return emails?)`);
	}
	return reasons;
}
