// Runs one node the way n8n runs it when a user executes a workflow: the harness start node hands the input
// items to the node under test, and n8n-core's WorkflowExecute does everything from there (parameters,
// expressions, credentials, request helpers, Continue On Fail, paired items).
import { WorkflowExecute } from 'n8n-core';
import type {
	ExecutionBaseError,
	ICredentialDataDecryptedObject,
	ICredentialType,
	IDataObject,
	INodeExecutionData,
	INodeParameters,
	IRun,
	IRunExecutionData,
	OnError,
	WorkflowExecuteMode,
} from 'n8n-workflow';

import './environment';
import { createAdditionalData } from './additionalData';
import { CredentialStore } from './credentialStore';
import { HarnessCredentialsHelper } from './credentialsHelper';
import { registerCredentialTypes } from './credentialTypes';
import { ThrownErrorTrap, type TestableNodeType } from './nodeTypes';
import { buildWorkflow, exportStaticData } from './workflow';

export interface RunNodeOptions {
	nodeType: TestableNodeType;
	parameters?: INodeParameters;
	/** Saved credential data by credential type name, e.g. `{ m365TenantAppApi: { tenantId, ... } }`. */
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	/** Test-only credential types to make known (the package's own credentials are found by themselves). */
	credentialTypes?: ICredentialType[];
	/** Items entering the node: plain JSON objects, or full items (`{ json, binary?, pairedItem? }`). */
	inputItems?: IDataObject[] | INodeExecutionData[];
	/** Shorthand for `onError: 'continueRegularOutput'` (the node's "On Error: Continue" setting). */
	continueOnFail?: boolean;
	onError?: OnError;
	typeVersion?: number;
	/** The workflow's static data before the run (as returned by an earlier run). */
	staticData?: IDataObject;
	/** n8n's execution mode; a user clicking "Execute workflow" is 'manual', an activated workflow 'trigger'. */
	mode?: WorkflowExecuteMode;
	/** The workflow's id: give the same one to runs of the same workflow (a fresh one when absent). */
	workflowId?: string;
	/** The workflow's time zone setting (Workflow settings > Timezone). */
	timezone?: string;
}

export interface RunNodeResult {
	/** The node's output items, one array per output. Empty when the node failed without continuing. */
	items: INodeExecutionData[][];
	/** The error the node failed with: the NodeApiError / NodeOperationError instance it threw. */
	error?: ExecutionBaseError;
	/** The same error as n8n saved it with the execution (a plain copy), if the node failed. */
	recordedError?: ExecutionBaseError;
	/** The credential data as saved after the run, by type (rotated OAuth tokens show here). */
	credentials: Record<string, ICredentialDataDecryptedObject>;
	/** The workflow's static data after the run. */
	staticData: IDataObject;
	/** n8n's full record of the run, for anything else a test needs to look at. */
	run: IRun;
}

function isExecutionItem(item: IDataObject | INodeExecutionData): item is INodeExecutionData {
	return typeof item.json === 'object' && item.json !== null && !Array.isArray(item.json);
}

function toExecutionItems(inputItems: RunNodeOptions['inputItems']): INodeExecutionData[] {
	if (inputItems === undefined) return [{ json: {} }];
	return inputItems.map((item) => (isExecutionItem(item) ? item : { json: item }));
}

/** The instance the node threw when it is the one n8n recorded; otherwise n8n's record itself. */
export function thrownErrorBehind(
	recordedError: ExecutionBaseError | undefined,
	errorTrap: ThrownErrorTrap,
): ExecutionBaseError | undefined {
	if (recordedError === undefined) return undefined;
	const thrown = errorTrap.lastError;
	if (thrown instanceof Error && thrown.message === recordedError.message)
		return thrown as ExecutionBaseError;
	return recordedError;
}

export async function runNode(options: RunNodeOptions): Promise<RunNodeResult> {
	registerCredentialTypes(options.credentialTypes);
	const mode = options.mode ?? 'manual';
	const store = new CredentialStore();
	const errorTrap = new ThrownErrorTrap();
	const { workflow, node, startNode } = buildWorkflow({
		errorTrap,
		nodeType: options.nodeType,
		parameters: options.parameters,
		typeVersion: options.typeVersion,
		credentials: store.addAll(options.credentials),
		staticData: options.staticData,
		withStartNode: true,
		workflowId: options.workflowId,
		timezone: options.timezone,
		onError: options.onError ?? (options.continueOnFail ? 'continueRegularOutput' : undefined),
	});
	const additionalData = createAdditionalData({
		workflow,
		credentialsHelper: new HarnessCredentialsHelper(store),
		mode,
	});

	const runExecutionData = {
		startData: {},
		resultData: { runData: {} },
		executionData: {
			contextData: {},
			metadata: {},
			nodeExecutionStack: [
				{ node: startNode, data: { main: [toExecutionItems(options.inputItems)] }, source: null },
			],
			waitingExecution: {},
			waitingExecutionSource: {},
		},
	} as unknown as IRunExecutionData;

	const run = await new WorkflowExecute(
		additionalData,
		mode,
		runExecutionData,
	).processRunExecutionData(workflow);
	const taskData = run.data.resultData.runData[node.name]?.[0];
	const recordedError = taskData?.error ?? run.data.resultData.error;
	return {
		items: (taskData?.data?.main ?? []).map((output) => output ?? []),
		error: thrownErrorBehind(recordedError, errorTrap),
		recordedError,
		credentials: store.snapshot(),
		staticData: exportStaticData(workflow),
		run,
	};
}
