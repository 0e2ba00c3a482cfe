// The demo's live feed: every execution n8n finishes is read back through its REST API and told in one or a few
// lines, from what the package's nodes output (a mail picked up, a message posted, guests synced, presence
// mirrored). What a newcomer would otherwise have to click through the executions list to see.
import {
	getExecution,
	getWorkflow,
	listExecutions,
	PACKAGE_NAME,
	type Execution,
	type N8nRestClient,
} from '../n8n-runtime';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const FINISHED = new Set(['success', 'error', 'crashed', 'canceled']);

function clip(text: unknown, length = 70): string {
	const flat = String(text ?? '').replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
	return flat.length > length ? `${flat.slice(0, length - 1)}…` : flat;
}

function itemsOf(execution: Execution, nodeName: string): Json[] {
	const runs = execution.data.resultData.runData[nodeName] ?? [];
	return runs.flatMap((run) => (run.data?.main ?? []).flatMap((output) => (output ?? []).map((item) => item.json as Json)));
}

function narrateEvent(item: Json, nameOf: (id: string) => string): string {
	const event = item.trigger?.event as string | undefined;
	if (event === 'presenceChanged' || (event === undefined && item.availability !== undefined)) {
		const userId = item.trigger?.userId ?? item.id ?? '?';
		return `presence  Teams presence changed: ${nameOf(userId)} is ${item.availability}/${item.activity}`;
	}
	if (event === 'newChatMessage' || event === 'newChannelMessage' || (item.body?.content !== undefined && !item.subject)) {
		const who = item.from?.user?.displayName ?? '?';
		if (item.trigger?.change === 'edited') return `teams     Teams message edited by ${who}: "${clip(item.body?.content, 50)}"`;
		if (item.trigger?.change === 'deleted') return `teams     Teams message of ${who} deleted`;
		return `teams     new Teams message from ${who}: "${clip(item.body?.content, 50)}"`;
	}
	if (item.subject !== undefined || event === 'newMail') {
		return `mail      picked up "${clip(item.subject, 50)}" in ${item.mailbox ?? item.trigger?.mailbox ?? '?'}`;
	}
	return `event     ${event ?? 'event'} ${clip(JSON.stringify(item.trigger ?? item), 60)}`;
}

/** The Teams Message node's Mirror operation: what it did in Teams with one event from elsewhere. */
function narrateMirror(item: Json): string {
	const from = item.platform === 'contactcentre' ? 'customer chat' : String(item.platform);
	const text = `"${clip(item.teamsMessage?.body?.content, 60)}"`;
	switch (item.outcome) {
		case 'posted':
			return `bridge    ${from} → Teams: posted ${text}`;
		case 'replied':
			return `bridge    ${from} → Teams: replied (${item.threadNotMapped ? 'thread not mapped' : 'quoting or in the thread'}) ${text}`;
		case 'edited':
			return `bridge    ${from} → Teams: edited ${text}`;
		case 'editPostedAsReply':
			return `bridge    ${from} → Teams: edit posted as a reply ${text}`;
		case 'deleted':
			return `bridge    ${from} → Teams: deleted the copy of ${item.outsideId}`;
		case 'pending':
			return `bridge    ${from} → Teams: pending row for ${item.outsideId} (the sender's credential will ${item.eventType === 'edited' ? 'edit' : 'post'})`;
		default:
			return `bridge    ${from} → Teams: ${item.outcome} (${item.eventType} ${item.outsideId}), nothing to do`;
	}
}

/** Lines for one node's output, by the package's node type; other nodes say nothing. */
function narrateNode(type: string, items: Json[], nameOf: (id: string) => string): string[] {
	switch (type) {
		case 'm365Trigger':
		case 'm365OutlookMailboxTrigger':
		case 'm365PollingTrigger':
			return items.map((item) => narrateEvent(item, nameOf));
		case 'm365TeamsMessage':
			// Mirror with Prepare Only says noPendingRow for every event the integration account carries: nothing to tell.
			if (items.some((item) => item.outcome !== undefined && item.eventType !== undefined)) return items.filter((item) => item.outcome !== 'noPendingRow').map(narrateMirror);
			return items
				.filter((item) => item.postedAs !== undefined || item.body !== undefined)
				.map((item) => {
					const who = item.postedAs ? `${item.postedAs.displayName} (${item.postedAs.identity}, ${item.postedAs.reason})` : 'Teams';
					return `teams     posted by ${who}: "${clip(item.subject ?? item.body?.content, 60)}"`;
				});
		case 'm365GuestSync': {
			const summary = items.find((item) => item.type === 'summary');
			if (!summary) return [];
			const invited = items.filter((item) => item.action === 'invited').map((item) => item.email);
			const counts = ['invited', 'updated', 'unchanged', 'addedToTeam', 'disabled', 'removed', 'skipped', 'failed']
				.filter((key) => summary[key])
				.map((key) => `${key} ${summary[key]}`)
				.join(', ');
			return [`guests    guest sync "${summary.sourceName}": ${counts || 'nothing to do'}${invited.length ? ` (${invited.join(', ')})` : ''}`];
		}
		case 'm365TeamsPresence': {
			const changed = items.filter((item) => item.result === 'changed');
			if (items.some((item) => item.result !== undefined)) {
				const lines = changed.flatMap((item) => {
					const parts: string[] = [];
					if (item.toTeams?.result === 'changed') parts.push(`presence  ${item.user} -> Teams ${item.toTeams.availability}/${item.toTeams.activity}`);
					if (item.fromTeams?.result === 'changed') parts.push(`presence  ${item.user}: Teams ${item.teamsAvailability}/${item.teamsActivity} -> contact centre "${item.fromTeams.externalStatus}"`);
					return parts;
				});
				return lines.length ? lines : [`presence  status sync: ${items.length} users, nothing changed`];
			}
			return [`presence  presence of ${items.length} users read`];
		}
		case 'm365ConnectionHealth': {
			const byStatus = (status: string) => items.filter((item) => item.status === status).length;
			return [`health    ${byStatus('ok')} checks ok, ${byStatus('warning')} warnings, ${byStatus('error')} errors`];
		}
		default:
			return [];
	}
}

export interface Feed {
	stop(): void;
}

/** `nameOf` turns a user id into a name for the lines (presence items carry only the id). */
export function startFeed(client: N8nRestClient, say: (line: string) => void, nameOf: (id: string) => string = (id) => id, everyMs = 2000): Feed {
	const seen = new Set<string>();
	const nodeTypes = new Map<string, Map<string, string>>();
	const names = new Map<string, string>();
	let stopped = false;

	async function typesOf(workflowId: string): Promise<Map<string, string>> {
		let types = nodeTypes.get(workflowId);
		if (!types) {
			const workflow = await getWorkflow(client, workflowId);
			names.set(workflowId, workflow.name);
			types = new Map(workflow.nodes.map((node) => [node.name, node.type]));
			nodeTypes.set(workflowId, types);
		}
		return types;
	}

	async function tell(summaryId: string, workflowId: string): Promise<void> {
		const execution = await getExecution(client, summaryId);
		const types = await typesOf(workflowId);
		const told: string[] = [];
		for (const [nodeName, type] of types) {
			if (!type.startsWith(`${PACKAGE_NAME}.`)) continue;
			told.push(...narrateNode(type.slice(PACKAGE_NAME.length + 1), itemsOf(execution, nodeName), nameOf));
		}
		const error = execution.data.resultData.error;
		const failedNode = execution.data.resultData.lastNodeExecuted;
		if (error) told.push(`error     ${clip(error.message, 120)}${failedNode ? ` (node "${failedNode}")` : ''}`);
		const from = `   ← ${names.get(workflowId)} (execution ${summaryId})`;
		for (const line of told) say(`${new Date().toLocaleTimeString()}  ${line}`);
		if (told.length) say(from);
	}

	async function poll(): Promise<void> {
		const executions = await listExecutions(client);
		const fresh = executions.filter((execution) => FINISHED.has(execution.status) && !seen.has(execution.id));
		for (const execution of fresh.sort((a, b) => Number(a.id) - Number(b.id))) {
			seen.add(execution.id);
			await tell(execution.id, execution.workflowId).catch(() => undefined);
		}
	}

	const loop = async () => {
		while (!stopped) {
			await poll().catch(() => undefined);
			await new Promise((resolve) => setTimeout(resolve, everyMs));
		}
	};
	void loop();
	return {
		stop: () => {
			stopped = true;
		},
	};
}
