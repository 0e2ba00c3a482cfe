import type { Message } from '@microsoft/microsoft-graph-types';
import type { IDataObject, INodeExecutionData, IPollFunctions, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { adminConsentUrl as buildAdminConsentUrl, instanceBaseUrlOf } from '../shared/auth/adminConsent';
import { mailboxPath } from '../shared/descriptions/mailbox';
import {
	BATCH_LIMIT,
	getGraphConnection,
	graphFailureOf,
	graphFor,
	type BatchRequestItem,
	type BatchResponseItem,
	type GraphCollection,
	type GraphConnection,
} from '../shared/transport';
import { toBatchUrl } from '../shared/transport/batchUrl';
import { chunk } from '../shared/chunk';
import { compareOrdinal } from '../shared/identifiers';
import { mapKeyed, POLL_READS_IN_FLIGHT } from '../shared/keyedQueue';
import { downloadAttachments } from './attachments';
import { readConfig, type TriggerConfig } from './config';
import {
	applyBackfillPage,
	applyDeltaPage,
	initialCursor,
	nextStep,
	readState,
	resyncCursor,
	type FolderCursor,
	type FolderStep,
	type MailboxTriggerState,
} from './cursor';
import { classifyFailure, type ClassifiedFailure, type FailureKind, type GraphFailure } from './failures';
import { passesFilters } from './filters';
import { mailTriggerInfo, rawMessage, simplifyMessage, SIMPLE_SELECT } from './output';
import { resolveMailboxes, resolveTargets, type FolderTarget } from './targets';

/** Graph pages delta results at most this large; bigger pages only cost memory. */
const MAX_PAGE_SIZE = 500;
/** Share of n8n's poll budget spent fetching, leaving the rest for attachments and hand-off. */
const FETCH_SHARE_OF_BUDGET = 0.5;
/** n8n's own default poll budget, for versions that do not tell. */
const DEFAULT_POLL_BUDGET_MS = 5 * 60_000;

type DeltaMessage = Message & { id: string; '@removed'?: unknown };

interface Collected {
	target: FolderTarget;
	message: DeltaMessage;
}

interface Failed {
	target: { mailbox: string; folder: string };
	failure: GraphFailure;
	classified: ClassifiedFailure;
}

/** Failures users must act on come first in the error a poll ends with. */
const FAILURE_RANK: Record<FailureKind, number> = { consent: 0, accessPolicy: 1, notFound: 2, other: 3, resync: 4 };

/**
 * The poll's own copy of the state, so n8n's static data is changed only by the commit at the end. The top level is
 * enough: nothing below it is changed in place (cursor.ts returns new cursors, the lookups replace `directory` and
 * `folders`, the commit replaces `cursors`). A deep copy through n8n's observed proxies cost 45 ms of a 1,000-mailbox
 * poll's 300 ms of CPU (profiled).
 */
function copyState(state: MailboxTriggerState): MailboxTriggerState {
	return { ...state };
}

function failureOfError(error: unknown): GraphFailure {
	const graph = graphFailureOf(error);
	const message = (error as Error | undefined)?.message ?? String(error);
	if (graph) return { status: graph.status, code: graph.code, message };
	const status = Number((error as { httpCode?: unknown } | undefined)?.httpCode);
	return { status: Number.isFinite(status) ? status : 0, message };
}

/**
 * Graph's clock: the Date header of a small read of a folder seen for the first time (Graph stamps every answer
 * with its own time). A new folder's cursor is placed by it, so what was "already there at activation" compares
 * Exchange's receivedDateTime with Exchange's time rather than n8n's, which can be minutes off. When that read
 * fails (the folder's own read reports why), n8n's clock is used, as before.
 */
async function graphNowMs(context: IPollFunctions, config: TriggerConfig, target: FolderTarget, fallbackMs: number): Promise<number> {
	try {
		const response = await graphFor(context).requestWithResponse<unknown>({
			credentialType: config.credentialType,
			method: 'GET',
			url: `${mailboxPath(target.mailbox)}/mailFolders/${encodeURIComponent(target.folder.segment)}`,
			qs: { $select: 'id' },
		});
		const graphMs = Date.parse(response.headers.date ?? '');
		return Number.isNaN(graphMs) ? fallbackMs : graphMs;
	} catch {
		return fallbackMs;
	}
}

function folderMessagesPath(target: FolderTarget): string {
	return `${mailboxPath(target.mailbox)}/mailFolders/${encodeURIComponent(target.folder.segment)}/messages`;
}

/**
 * A delta link as the cursor keeps it: Graph's links are absolute and repeat the folder's path, which the cursor's
 * key already names. Checked against this Graph host, then kept relative to the version root, or as its query alone
 * (`?$deltatoken=…`) when its path is exactly the folder's delta path, so 5,000 folders do not store 5,000 copies of
 * the host and path. Expanded again by {@link expandDeltaLink}.
 */
function compactDeltaLink(link: string, target: FolderTarget, graphHost: string): string {
	const relative = toBatchUrl(link, graphHost);
	const deltaPath = `${folderMessagesPath(target)}/delta`;
	return relative.startsWith(`${deltaPath}?`) ? relative.slice(deltaPath.length) : relative;
}

function expandDeltaLink(stored: string, target: FolderTarget, graphHost: string): string {
	return stored.startsWith('?') ? `${folderMessagesPath(target)}/delta${stored}` : toBatchUrl(stored, graphHost);
}

function stepRequest(
	id: string,
	target: FolderTarget,
	step: FolderStep,
	config: TriggerConfig,
	graphHost: string,
	pageSize: number,
): BatchRequestItem {
	const folderPath = folderMessagesPath(target);
	const select = config.output === 'simple' ? `&$select=${encodeURIComponent(SIMPLE_SELECT)}` : '';
	if (step.kind === 'backfill') {
		return {
			id,
			method: 'GET',
			url: `${folderPath}?$filter=${encodeURIComponent(step.filter)}&$orderby=${encodeURIComponent(step.orderBy)}&$top=${step.top}${step.skip ? `&$skip=${step.skip}` : ''}${select}`,
		};
	}
	const headers = { Prefer: `odata.maxpagesize=${pageSize}` };
	if (step.kind === 'deltaFollow') return { id, method: 'GET', url: expandDeltaLink(step.url, target, graphHost), headers };
	return {
		id,
		method: 'GET',
		url: `${folderPath}/delta?changeType=created&$filter=${encodeURIComponent(step.filter)}${select}`,
		headers,
	};
}

/**
 * One poll: every folder of every mailbox advances from its cursor with delta (or backfill) requests, 20 per
 * $batch, until nothing is left or the poll's message budget is used. Groups of 20 folders read at once (up to
 * {@link POLL_READS_IN_FLIGHT} $batch calls, so 1,000 folders a round trip), each paging on by itself, so a mailbox with much mail does not hold up the rest. Cursors are written to static data only at
 * the end, together with the items returned, so n8n persists both or neither; a folder that failed keeps the
 * cursor of its last good page.
 */
export async function pollMailboxes(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
	const config = readConfig(this);
	let connection: GraphConnection;
	try {
		connection = await getGraphConnection.call(this, config.credentialType);
	} catch (error) {
		// An incomplete credential: its message names the missing fields.
		throw new NodeOperationError(this.getNode(), error as Error);
	}
	const adminConsentUrl =
		connection.kind === 'tenantApp'
			? buildAdminConsentUrl({
					loginHost: connection.loginHost,
					tenantId: connection.settings.tenantId,
					clientId: connection.settings.clientId,
					instanceBaseUrl: instanceBaseUrlOf(this),
				})
			: undefined;
	const classify = (failure: GraphFailure, mailbox: string, folder: string) =>
		classifyFailure(failure, { mailbox, folder, appOnly: config.appOnly, adminConsentUrl });

	if (this.getMode() === 'manual') return await fetchTestEvent(this, config, classify);

	const staticData = this.getWorkflowStaticData('node');
	const state: MailboxTriggerState = copyState(readState(staticData));
	const nowMs = Date.now();
	let failed: Failed[] = [];

	let mailboxes: string[];
	try {
		mailboxes = await resolveMailboxes.call(this, config, state, nowMs);
	} catch (error) {
		const failure = failureOfError(error);
		throw toNodeError(this, [{ target: { mailbox: '(all mailboxes)', folder: '-' }, failure, classified: classify(failure, '(all mailboxes)', '-') }]);
	}
	const { targets, failures: lookupFailures } = await resolveTargets.call(this, config, mailboxes, state, nowMs);
	for (const lookup of lookupFailures) {
		const failure = failureOfError(lookup.error);
		failed.push({ target: lookup, failure, classified: classify(failure, lookup.mailbox, lookup.folder) });
	}

	const cursors = new Map<string, FolderCursor>();
	const firstSeen = targets.filter((target) => !state.cursors[target.key]);
	const startMs = firstSeen.length > 0 ? await graphNowMs(this, config, firstSeen[0], nowMs) : nowMs;
	for (const target of targets) {
		cursors.set(target.key, state.cursors[target.key] ?? initialCursor(config.start, new Date(startMs)));
	}

	const collected: Collected[] = [];
	const resynced = new Set<string>();
	const graph = graphFor(this);
	// n8n 2.x gives polls a time budget; older versions have no such call.
	const pollBudgetMs = typeof this.getPollBudgetMs === 'function' ? this.getPollBudgetMs() : DEFAULT_POLL_BUDGET_MS;
	const deadline = Date.now() + pollBudgetMs * FETCH_SHARE_OF_BUDGET;
	let budget = config.maxItemsPerPoll;
	/** Folders still reading this poll, over all groups: the page size shares the message budget among them. */
	let reading = targets.length;

	/**
	 * One group of at most 20 folders (one $batch a page): every folder reads its first page; the ones with more
	 * page on while the message budget and the time last, whatever the other groups are doing.
	 */
	const readGroup = async (group: FolderTarget[]): Promise<void> => {
		let active = group;
		for (let page = 0; active.length > 0 && (page === 0 || (budget > 0 && Date.now() < deadline)); page++) {
			const pageSize = Math.min(MAX_PAGE_SIZE, Math.max(1, Math.floor(budget / Math.max(1, reading))));
			const steps = active.map((target) => nextStep(cursors.get(target.key) as FolderCursor, pageSize));
			const requests = active.map((target, index) =>
				stepRequest(String(index), target, steps[index], config, connection.graphHost, pageSize),
			);
			let responses: BatchResponseItem[];
			try {
				responses = await graph.batch(config.credentialType, requests);
			} catch (error) {
				// The $batch call itself failed after the transport's retries: these folders keep their cursors.
				const failure = failureOfError(error);
				for (const target of active) {
					failed.push({ target: { mailbox: target.mailbox, folder: target.folder.label }, failure, classified: classify(failure, target.mailbox, target.folder.label) });
				}
				break;
			}
			const stillActive: FolderTarget[] = [];
			responses.forEach((response, index) => {
				const target = active[index];
				const step = steps[index];
				const cursor = cursors.get(target.key) as FolderCursor;
				if (response.status >= 200 && response.status < 300) {
					const body = response.body as GraphCollection<DeltaMessage>;
					const result =
						step.kind === 'backfill'
							? applyBackfillPage(cursor, body.value ?? [], step.top)
							: applyDeltaPage(cursor, {
									value: body.value ?? [],
									nextLink: body['@odata.nextLink'] && compactDeltaLink(body['@odata.nextLink'], target, connection.graphHost),
									deltaLink: body['@odata.deltaLink'] && compactDeltaLink(body['@odata.deltaLink'], target, connection.graphHost),
								});
					cursors.set(target.key, result.cursor);
					for (const message of result.emit) collected.push({ target, message });
					budget -= result.emit.length;
					if (result.more) stillActive.push(target);
					return;
				}
				const failure: GraphFailure = { status: response.status, code: response.error?.code, message: response.error?.message };
				const classified = classify(failure, target.mailbox, target.folder.label);
				if (classified.kind === 'resync' && step.kind !== 'backfill' && !resynced.has(target.key)) {
					this.logger.info(classified.message);
					resynced.add(target.key);
					cursors.set(target.key, resyncCursor(cursor));
					stillActive.push(target);
					return;
				}
				failed.push({ target: { mailbox: target.mailbox, folder: target.folder.label }, failure, classified });
			});
			reading -= active.length - stillActive.length;
			active = stillActive;
		}
		reading -= active.length;
	};
	// Groups read at once; the transport's limiter holds each mailbox to Outlook's 4 concurrent requests.
	await mapKeyed(chunk(targets, BATCH_LIMIT), (_group, index) => String(index), POLL_READS_IN_FLIGHT, readGroup);

	const emitted = collected
		.filter(({ message }) => passesFilters(message, config.filters))
		.sort(
			(a, b) =>
				compareOrdinal(a.message.receivedDateTime ?? '', b.message.receivedDateTime ?? '') ||
				compareOrdinal(a.target.key, b.target.key),
		);
	const items = await toItems(this, config, emitted);

	// Commit: every folder's cursor is as far as its last good page; folders of mailboxes no longer watched go.
	const watched = new Set(mailboxes.map((mailbox) => mailbox.toLowerCase()));
	const nextCursors: MailboxTriggerState['cursors'] = {};
	for (const [key, cursor] of Object.entries(state.cursors)) {
		if (watched.has(key.split('|')[0])) nextCursors[key] = cursor;
	}
	for (const [key, cursor] of cursors) nextCursors[key] = cursor;
	state.cursors = nextCursors;

	// Watching the whole organisation, a directory user without an Exchange Online mailbox (no licence, on-premises)
	// is not an error: the directory cannot tell who has a mailbox.
	if (config.scope === 'all') {
		for (const entry of failed.filter((candidate) => candidate.classified.kind === 'notFound')) {
			this.logger.debug(`Outlook mailbox trigger: skipping ${entry.target.mailbox}: ${entry.classified.message}`);
		}
		failed = failed.filter((candidate) => candidate.classified.kind !== 'notFound');
	}
	if (failed.length > 0) {
		if (items.length === 0) throw toNodeError(this, failed);
		this.logger.warn(
			`Outlook mailbox trigger: ${failed.length} mailbox folder(s) failed this poll and are retried next time: ` +
				failed.map((entry) => `${entry.target.mailbox} (${entry.classified.message})`).join('; '),
		);
	}
	staticData.mailboxTrigger = state;
	return items.length > 0 ? [items] : null;
}

async function toItems(context: IPollFunctions, config: TriggerConfig, emitted: Collected[]): Promise<INodeExecutionData[]> {
	const items: INodeExecutionData[] = emitted.map(({ target, message }) => {
		const origin = { mailbox: target.mailbox, folder: target.folder.label };
		const json: IDataObject = config.output === 'raw' ? rawMessage(message, origin) : simplifyMessage(message, origin);
		return { json: { ...json, trigger: mailTriggerInfo(target, message) } };
	});
	if (!config.downloadAttachments) return items;
	const wanted = emitted
		.map((entry, index) => ({ entry, index }))
		.filter(({ entry }) => entry.message.hasAttachments === true);
	let results;
	try {
		results = await downloadAttachments(
			context,
			config.credentialType,
			wanted.map(({ entry }) => ({ mailbox: entry.target.mailbox, messageId: entry.message.id })),
			config.attachmentPrefix,
		);
	} catch (error) {
		throw new NodeOperationError(context.getNode(), error as Error, {
			description: 'No message was lost: the trigger keeps its position and delivers these messages on the next poll.',
		});
	}
	results.forEach((result, position) => {
		const item = items[wanted[position].index];
		if (result.binary) item.binary = result.binary;
		if (result.error) item.json.attachmentsError = result.error;
	});
	return items;
}

/** "Fetch Test Event": the newest message of the first folder of the first mailbox; the cursor is untouched. */
async function fetchTestEvent(
	context: IPollFunctions,
	config: TriggerConfig,
	classify: (failure: GraphFailure, mailbox: string, folder: string) => ClassifiedFailure,
): Promise<INodeExecutionData[][] | null> {
	const state = copyState(readState(context.getWorkflowStaticData('node')));
	const nowMs = Date.now();
	let first: FolderTarget | undefined;
	try {
		const mailboxes = await resolveMailboxes.call(context, config, state, nowMs);
		const { targets, failures } = await resolveTargets.call(context, config, mailboxes.slice(0, 1), state, nowMs);
		if (failures.length > 0) throw failures[0].error;
		first = targets[0];
	} catch (error) {
		const failure = failureOfError(error);
		throw toNodeError(context, [{ target: { mailbox: config.mailboxes[0] ?? '(all mailboxes)', folder: '-' }, failure, classified: classify(failure, config.mailboxes[0] ?? '(all mailboxes)', '-') }]);
	}
	if (!first) {
		throw new NodeOperationError(context.getNode(), 'No mailbox to read', {
			description: 'The mailbox list (after the include and exclude lists) is empty.',
		});
	}
	let page: GraphCollection<DeltaMessage>;
	try {
		page = await graphFor(context).request<GraphCollection<DeltaMessage>>({
			credentialType: config.credentialType,
			method: 'GET',
			url: `${mailboxPath(first.mailbox)}/mailFolders/${encodeURIComponent(first.folder.segment)}/messages`,
			qs: {
				$orderby: 'receivedDateTime desc',
				$top: 1,
				...(config.output === 'simple' ? { $select: SIMPLE_SELECT } : {}),
			},
		});
	} catch (error) {
		const failure = failureOfError(error);
		throw toNodeError(context, [{ target: { mailbox: first.mailbox, folder: first.folder.label }, failure, classified: classify(failure, first.mailbox, first.folder.label) }]);
	}
	const newest = page.value?.[0];
	if (!newest) return null;
	const items = await toItems(context, config, [{ target: first, message: newest }]);
	return [items];
}

/** The error a poll ends with: the most actionable failure, with every failed mailbox listed. */
function toNodeError(context: IPollFunctions, failed: Failed[]): NodeApiError {
	const sorted = [...failed].sort((a, b) => FAILURE_RANK[a.classified.kind] - FAILURE_RANK[b.classified.kind]);
	const main = sorted[0];
	const others = sorted.slice(1).map((entry) => `${entry.target.mailbox} (${entry.target.folder}): ${entry.classified.message}`);
	const description = [main.classified.description, others.length ? `Also failing: ${others.join('; ')}` : undefined]
		.filter(Boolean)
		.join(' ');
	return new NodeApiError(
		context.getNode(),
		{ error: { code: main.failure.code ?? `HTTP${main.failure.status}`, message: main.failure.message ?? '' } } as JsonObject,
		{
			message: main.classified.message,
			description,
			httpCode: main.failure.status ? String(main.failure.status) : undefined,
		},
	);
}
