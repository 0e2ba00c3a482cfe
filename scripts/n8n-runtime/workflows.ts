// Credentials, workflows and executions through n8n's REST API, as the signed-in owner.
import { parse as parseFlatted } from 'flatted';
import type { ExecutionStatus, IRunExecutionData, WorkflowExecuteMode } from 'n8n-workflow';

import type { WorkflowImport } from './cli';
import { N8nRestError, type N8nRestClient } from './rest';

export interface StoredWorkflow {
	id: string;
	name: string;
	versionId: string;
	active: boolean;
	nodes: Array<{ name: string; type: string; parameters: Record<string, unknown> }>;
}

export interface ExecutionSummary {
	id: string;
	workflowId: string;
	status: ExecutionStatus;
	mode: WorkflowExecuteMode;
	finished: boolean;
	startedAt: string;
	stoppedAt?: string;
}

export interface Execution extends ExecutionSummary {
	data: IRunExecutionData;
}

export async function createCredential(
	client: N8nRestClient,
	credential: { name: string; type: string; data: Record<string, unknown> },
): Promise<string> {
	const created = await client.post<{ id: string }>('/credentials', credential);
	return created.id;
}

export async function createWorkflow(client: N8nRestClient, workflow: WorkflowImport): Promise<StoredWorkflow> {
	const { active: _ignored, id: _id, ...body } = workflow;
	return await client.post<StoredWorkflow>('/workflows', { settings: {}, ...body });
}

export async function getWorkflow(client: N8nRestClient, workflowId: string): Promise<StoredWorkflow> {
	return await client.get<StoredWorkflow>(`/workflows/${workflowId}`);
}

/** Publishes the workflow's current version, which registers its triggers, pollers and webhooks. */
export async function activateWorkflow(client: N8nRestClient, workflowId: string): Promise<StoredWorkflow> {
	const { versionId } = await getWorkflow(client, workflowId);
	return await client.post<StoredWorkflow>(`/workflows/${workflowId}/activate`, { versionId });
}

export async function deactivateWorkflow(client: N8nRestClient, workflowId: string): Promise<StoredWorkflow> {
	return await client.post<StoredWorkflow>(`/workflows/${workflowId}/deactivate`, {});
}

/** Starts a manual run from the named trigger (as the editor's "Execute workflow" does); returns the execution id. */
export async function runWorkflowManually(
	client: N8nRestClient,
	workflowId: string,
	triggerName: string,
): Promise<string> {
	const started = await client.post<{ executionId: string }>(`/workflows/${workflowId}/run`, {
		triggerToStartFrom: { name: triggerName },
	});
	return started.executionId;
}

export async function listExecutions(client: N8nRestClient, workflowId?: string): Promise<ExecutionSummary[]> {
	const filter = encodeURIComponent(JSON.stringify(workflowId ? { workflowId } : {}));
	const page = await client.get<{ results: ExecutionSummary[] }>(`/executions?filter=${filter}&limit=250`);
	return page.results;
}

export async function getExecution(client: N8nRestClient, executionId: string): Promise<Execution> {
	const stored = await client.get<ExecutionSummary & { data: string }>(`/executions/${executionId}`);
	// n8n stores run data with flatted (it may contain cycles) and sends it as stored.
	return { ...stored, data: parseFlatted(stored.data) as IRunExecutionData };
}

const FINISHED: ExecutionStatus[] = ['success', 'error', 'crashed', 'canceled'];
const POLL_MS = 250;

/**
 * Waits until the workflow has at least `count` finished executions and returns them, oldest first.
 * `deadlineMs` only stops a hung wait; the caller's assertions decide what is right.
 */
export async function waitForExecutions(
	client: N8nRestClient,
	workflowId: string,
	count = 1,
	deadlineMs = 120_000,
): Promise<Execution[]> {
	const deadline = Date.now() + deadlineMs;
	for (;;) {
		const finished = (await listExecutions(client, workflowId)).filter((execution) =>
			FINISHED.includes(execution.status),
		);
		if (finished.length >= count) {
			const sorted = finished.sort((a, b) => Number(a.id) - Number(b.id));
			return await Promise.all(sorted.map(async (execution) => await getExecution(client, execution.id)));
		}
		if (Date.now() > deadline) {
			throw new Error(`workflow ${workflowId} has ${finished.length} of ${count} finished executions`);
		}
		await new Promise((resolve) => setTimeout(resolve, POLL_MS));
	}
}

/** Waits until the execution has finished (success, error, crashed or canceled) and returns it. */
export async function waitForExecution(
	client: N8nRestClient,
	executionId: string,
	deadlineMs = 120_000,
): Promise<Execution> {
	const deadline = Date.now() + deadlineMs;
	for (;;) {
		const execution = await getExecution(client, executionId).catch((error: unknown) => {
			// Not stored yet: n8n saves a manual run's execution when it starts, but the answer may come first.
			if (error instanceof N8nRestError && error.status === 404) return undefined;
			throw error;
		});
		if (execution && FINISHED.includes(execution.status)) return execution;
		if (Date.now() > deadline) throw new Error(`execution ${executionId} did not finish`);
		await new Promise((resolve) => setTimeout(resolve, POLL_MS));
	}
}

/** The JSON of every item a node output in the execution's first run of it. */
export function nodeOutput(execution: Pick<Execution, 'data'>, nodeName: string, output = 0): unknown[] {
	const runs = execution.data.resultData.runData[nodeName];
	if (!runs?.length) return [];
	return (runs[0].data?.main?.[output] ?? []).map((item) => item.json);
}
