// Polling mode: every target read from its cursor (delta queries for mail and channel messages, date ranges for
// chats), the changes emitted through the same output path as webhook mode. The first poll only places the
// cursors, as n8n's own polling triggers do; a manual "Fetch test event" shows the newest existing item instead.
//
// One poll is all or nothing: it works on a copy of the node's state and writes it back (commitTriggerState, so
// that n8n sees the change and saves it) only when every target was read, together with the items it returns. When a later target fails, nothing is emitted and no cursor
// moves, so the next poll reads the earlier targets' changes again instead of losing them.
import { deepCopy, NodeOperationError } from 'n8n-workflow';
import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';

import { asNodeError } from '../shared/nodeErrors';
import { KINDS_WITHOUT_READER, readChanges, startCursor } from './changeReaders';
import { forgetEmissionLedger } from './emissionLedger';
import { emitChanges, type EventFilter } from './output';
import { isTeamsMessageEvent, TEAMS_POLLING_FIX, teamsPollingProblem } from './pollingPolicy';
import {
	assertSubscriptionsOfferedInCloud,
	readCredentialType,
	readerCredential,
	readDropOwnPosts,
	readEvent,
	readIncludeChanges,
	readIncludeReplies,
	readIncludeSystemEvents,
	resolveTargets,
} from './selection';
import { commitTriggerState, forgetTargetsExcept, triggerState, type TriggerStaticData } from './staticData';

/** How far back "Fetch test event" looks for a sample when there is no cursor yet. */
const SAMPLE_WINDOW_MS = 7 * 24 * 60 * 60_000;

/** Refuses poll times Microsoft does not allow for Teams messages (active workflows; a manual fetch is one read). */
function assertPollingAllowed(ctx: IPollFunctions, filter: EventFilter): void {
	if (!isTeamsMessageEvent(filter.event)) return;
	const pollTimes = ctx.getNodeParameter('pollTimes', undefined) as IDataObject | undefined;
	const problem = teamsPollingProblem(pollTimes);
	if (problem) {
		throw new NodeOperationError(ctx.getNode(), `${problem}: Microsoft allows polling Teams messages at most once a day`, {
			description: TEAMS_POLLING_FIX,
		});
	}
}

export async function pollChanges(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
	const credentialType = readCredentialType(this);
	const filter: EventFilter = {
		event: readEvent(this),
		includeReplies: readIncludeReplies(this),
		includeSystemEvents: readIncludeSystemEvents(this),
		includeChanges: readIncludeChanges(this),
		dropOwnPosts: readDropOwnPosts(this),
	};
	const manual = this.getMode() === 'manual';
	if (!manual) assertPollingAllowed(this, filter);
	const targets = await resolveTargets(this);
	const unreadable = targets.find((t) => KINDS_WITHOUT_READER.includes(t.kind));
	if (unreadable) {
		throw new NodeOperationError(
			this.getNode(),
			`Graph offers ${unreadable.resource} only as change notifications, so polling cannot watch it`,
			{ description: 'Use the Microsoft 365 Trigger (webhook) node, or watch one team or one account\'s chats.' },
		);
	}
	// Presence (no presence API in China) is refused by cloud before any read, as on activation.
	await assertSubscriptionsOfferedInCloud(this, credentialType, targets);

	const nodeStaticData = this.getWorkflowStaticData('node');
	const live = triggerState(nodeStaticData, manual);
	// n8n's static data is an observed object; a plain deep copy is what this poll works on.
	const state = deepCopy(live as unknown as IDataObject) as unknown as TriggerStaticData;
	forgetTargetsExcept(state, new Set(targets.map((t) => t.key)));
	const now = new Date();
	const items: INodeExecutionData[] = [];

	try {
		for (const target of targets) {
			let cursor = state.cursors[target.key];
			if (!cursor && !manual) {
				state.cursors[target.key] = await startCursor(this, credentialType, target, now);
				continue;
			}
			if (!cursor) cursor = { since: new Date(now.getTime() - SAMPLE_WINDOW_MS).toISOString() };
			const reader = readerCredential(this, target);
			const { changes, cursor: next } = await readChanges(this, reader, target, cursor, now);
			const picked = manual ? changes.slice(-1) : changes;
			let unread = 0;
			items.push(
				...(await emitChanges(this, reader, filter, target, picked, state, (m) => {
					unread++;
					this.logger.warn(`Microsoft 365 Polling Trigger: ${m}`);
				})),
			);
			// A change that could not be read stays ahead of the cursor: the next poll reads it again (what this one
			// emitted is recognised by its id then).
			if (unread > 0) continue;
			const kept = state.cursors[target.key];
			state.cursors[target.key] = { ...next, lastSeen: kept?.lastSeen ?? next.lastSeen, lastSeenAt: kept?.lastSeenAt ?? next.lastSeenAt };
			if (manual && items.length > 0) break;
		}
	} catch (error) {
		// The in-process ledger remembered this poll's ids as emitted; none of them reached n8n. Static data, which
		// is left as it was, is the record the next poll starts from.
		forgetEmissionLedger(state.instanceId);
		throw asNodeError(error, this.getNode());
	}

	commitTriggerState(nodeStaticData, manual, state);
	return items.length > 0 ? [items] : null;
}
