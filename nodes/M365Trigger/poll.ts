// Polling mode: every target read from its cursor (delta queries for mail and channel messages, date ranges for
// chats), the changes emitted through the same output path as webhook mode. The first poll only places the
// cursors, as n8n's own polling triggers do; a manual "Fetch test event" shows the newest existing item instead.
//
// Targets are read at once (up to POLL_READS_IN_FLIGHT, targets of one key one after another); Microsoft's limits,
// keyed per mailbox, team, channel or tenant (Outlook's 4 concurrent requests per app per mailbox, Teams' 4 requests
// per second per team and 1 per channel or chat, presence's 1,500 per 30 s), are held by the transport's limiter. Items come
// out in target order, each target's changes in their order, whichever read ends first. "Fetch test event" reads
// the targets one after another and stops at the first that yields an item, so its sample is always the same one.
//
// One poll is all or nothing: it works on a copy of the node's state and writes it back (commitTriggerState, so
// that n8n sees the change and saves it) only when every target was read, together with the items it returns. When
// any target fails, nothing is emitted and no cursor moves, so the next poll reads the other targets' changes again
// instead of losing them. Each target's read touches only its own keys of that copy (cursor, emitted ids).
import { deepCopy, NodeOperationError } from 'n8n-workflow';
import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';

import { mapKeyed, POLL_READS_IN_FLIGHT } from '../shared/keyedQueue';
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
import type { SubscriptionTarget } from './targets';

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

	/** One target: its cursor placed (first poll), or its changes since the cursor read and turned into items. */
	const pollTarget = async (target: SubscriptionTarget): Promise<INodeExecutionData[]> => {
		let cursor = state.cursors[target.key];
		if (!cursor && !manual) {
			state.cursors[target.key] = await startCursor(this, credentialType, target, now);
			return [];
		}
		if (!cursor) cursor = { since: new Date(now.getTime() - SAMPLE_WINDOW_MS).toISOString() };
		const reader = readerCredential(this, target);
		const { changes, cursor: next } = await readChanges(this, reader, target, cursor, now);
		const picked = manual ? changes.slice(-1) : changes;
		let unread = 0;
		const emitted = await emitChanges(this, reader, filter, target, picked, state, (m) => {
			unread++;
			this.logger.warn(`Microsoft 365 Polling Trigger: ${m}`);
		});
		// A change that could not be read stays ahead of the cursor: the next poll reads it again (what this one
		// emitted is recognised by its id then).
		if (unread > 0) return emitted;
		const kept = state.cursors[target.key];
		state.cursors[target.key] = { ...next, lastSeen: kept?.lastSeen ?? next.lastSeen, lastSeenAt: kept?.lastSeenAt ?? next.lastSeenAt };
		return emitted;
	};

	const items: INodeExecutionData[] = [];
	try {
		if (manual) {
			// One sample: the first target that yields an item, in target order.
			for (const target of targets) {
				items.push(...(await pollTarget(target)));
				if (items.length > 0) break;
			}
		} else {
			const perTarget = await mapKeyed(targets, (target) => target.key, POLL_READS_IN_FLIGHT, pollTarget);
			for (const emitted of perTarget) items.push(...emitted);
		}
	} catch (error) {
		// The in-process ledger remembered this poll's ids as emitted; none of them reached n8n. Static data, which
		// is left as it was, is the record the next poll starts from. (mapKeyed throws only once every target
		// read still running has ended, so none of them claims ids after this.)
		forgetEmissionLedger(state.instanceId);
		throw asNodeError(error, this.getNode());
	}

	commitTriggerState(nodeStaticData, manual, state);
	return items.length > 0 ? [items] : null;
}
