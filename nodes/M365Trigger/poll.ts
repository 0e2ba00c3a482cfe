// Polling mode: every target read from its cursor (delta queries for mail and channel messages), the changes
// emitted through the same output path as webhook mode. The first poll only places the cursors, as n8n's own
// polling triggers do; a manual "Fetch test event" shows the newest existing item instead.
import { NodeOperationError } from 'n8n-workflow';
import type { INodeExecutionData, IPollFunctions } from 'n8n-workflow';

import { KINDS_WITHOUT_READER, readChanges, startCursor } from './changeReaders';
import { emitChanges, type EventFilter } from './output';
import { readCredentialType, readEvent, readIncludeReplies, resolveTargets } from './selection';
import { forgetTargetsExcept, triggerState } from './staticData';

/** How far back "Fetch test event" looks for a sample when there is no cursor yet. */
const SAMPLE_WINDOW_MS = 7 * 24 * 60 * 60_000;

export async function pollChanges(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
	const credentialType = readCredentialType(this);
	const filter: EventFilter = { event: readEvent(this), includeReplies: readIncludeReplies(this) };
	const targets = await resolveTargets(this);
	const unreadable = targets.find((t) => KINDS_WITHOUT_READER.includes(t.kind));
	if (unreadable) {
		throw new NodeOperationError(
			this.getNode(),
			`Graph offers ${unreadable.resource} only as change notifications, so polling cannot watch it`,
			{ description: 'Use the Microsoft 365 Trigger (webhook) node, or watch one team or one account\'s chats.' },
		);
	}

	const manual = this.getMode() === 'manual';
	const state = triggerState(this.getWorkflowStaticData('node'), this.getMode() === 'manual');
	forgetTargetsExcept(state, new Set(targets.map((t) => t.key)));
	const now = new Date();
	const items: INodeExecutionData[] = [];

	for (const target of targets) {
		let cursor = state.cursors[target.key];
		if (!cursor && !manual) {
			state.cursors[target.key] = await startCursor(this, credentialType, target, now);
			continue;
		}
		if (!cursor) cursor = { since: new Date(now.getTime() - SAMPLE_WINDOW_MS).toISOString() };
		const { changes, cursor: next } = await readChanges(this, credentialType, target, cursor, now);
		const picked = manual ? changes.slice(-1) : changes;
		items.push(
			...(await emitChanges(this, credentialType, filter, target, picked, state, (m) =>
				this.logger.warn(`Microsoft 365 Polling Trigger: ${m}`),
			)),
		);
		state.cursors[target.key] = next;
		if (manual && items.length > 0) break;
	}

	return items.length > 0 ? [items] : null;
}
