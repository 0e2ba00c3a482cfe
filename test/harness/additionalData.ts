// The per-run services n8n hands the engine (IWorkflowExecuteAdditionalData): credentials, lifecycle hooks,
// instance URLs. Anything a node of this package must never reach (sub-workflows, task runners) throws.
import { ExecutionLifecycleHooks } from 'n8n-core';
import type {
	INodeParameters,
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
	Workflow,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { UnexpectedError } from 'n8n-workflow';

import type { HarnessCredentialsHelper } from './credentialsHelper';

export const INSTANCE_BASE_URL = 'http://127.0.0.1:5678';

let nextExecutionNumber = 1;

export interface AdditionalDataOptions {
	workflow: Workflow;
	credentialsHelper: HarnessCredentialsHelper;
	mode: WorkflowExecuteMode;
	/** Base of production webhook URLs (n8n: WEBHOOK_URL + /webhook). */
	webhookBaseUrl?: string;
	/** Base of test webhook URLs (n8n: WEBHOOK_URL + /webhook-test). */
	webhookTestBaseUrl?: string;
	/** The node's parameters as the editor sends them to load-options and list-search methods. */
	currentNodeParameters?: INodeParameters;
}

function notInHarness(what: string): never {
	throw new UnexpectedError(`${what} is not available in the test harness`);
}

export function workflowBaseOf(workflow: Workflow): IWorkflowBase {
	return {
		id: workflow.id,
		name: workflow.name ?? 'Harness workflow',
		active: workflow.active,
		isArchived: false,
		nodes: Object.values(workflow.nodes),
		connections: workflow.connectionsBySourceNode,
		createdAt: new Date(),
		updatedAt: new Date(),
		activeVersionId: null,
	} as IWorkflowBase;
}

export function createAdditionalData(
	options: AdditionalDataOptions,
): IWorkflowExecuteAdditionalData {
	const executionId = `harness-execution-${nextExecutionNumber++}`;
	const webhookBaseUrl = options.webhookBaseUrl ?? `${INSTANCE_BASE_URL}/webhook`;
	const webhookTestBaseUrl = options.webhookTestBaseUrl ?? `${INSTANCE_BASE_URL}/webhook-test`;
	const additionalData: Partial<IWorkflowExecuteAdditionalData> = {
		credentialsHelper: options.credentialsHelper,
		hooks: new ExecutionLifecycleHooks(options.mode, executionId, workflowBaseOf(options.workflow)),
		executionId,
		workflowId: options.workflow.id,
		userId: 'harness-user',
		currentNodeExecutionIndex: 0,
		currentNodeParameters: options.currentNodeParameters,
		variables: {},
		restApiUrl: `${INSTANCE_BASE_URL}/rest`,
		instanceBaseUrl: INSTANCE_BASE_URL,
		formBaseUrl: `${INSTANCE_BASE_URL}/form`,
		formWaitingBaseUrl: `${INSTANCE_BASE_URL}/form-waiting`,
		formTestBaseUrl: `${INSTANCE_BASE_URL}/form-test`,
		webhookBaseUrl,
		webhookWaitingBaseUrl: `${INSTANCE_BASE_URL}/webhook-waiting`,
		webhookTestBaseUrl,
		mcpBaseUrl: `${INSTANCE_BASE_URL}/mcp`,
		mcpTestBaseUrl: `${INSTANCE_BASE_URL}/mcp-test`,
		executeWorkflow: async () => notInHarness('Executing a sub-workflow'),
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		logAiEvent: () => {},
		startRunnerTask: async () => notInHarness('A task runner'),
	};
	return additionalData as IWorkflowExecuteAdditionalData;
}
