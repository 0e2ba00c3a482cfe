// Runs one poll of a polling trigger, as n8n runs it for an active workflow ('trigger': the poll executor of
// n8n-core, with emit and error callbacks) or for "Fetch Test Event" in the editor ('manual': WorkflowExecute).
// Static data goes in and comes out, so a test can chain polls and simulate a restart between them.
import { PollContext, PollTriggerExecutor, WorkflowExecute } from 'n8n-core';
import type {
	ExecutionBaseError,
	ICredentialDataDecryptedObject,
	ICredentialType,
	IDataObject,
	INodeExecutionData,
	INodeParameters,
	IRunExecutionData,
	WorkflowActivateMode,
} from 'n8n-workflow';

import { n8nContainer } from './environment';
import { createAdditionalData } from './additionalData';
import { CredentialStore } from './credentialStore';
import { HarnessCredentialsHelper } from './credentialsHelper';
import { registerCredentialTypes } from './credentialTypes';
import { ThrownErrorTrap, type TestableNodeType } from './nodeTypes';
import { thrownErrorBehind } from './runNode';
import { buildWorkflow, exportStaticData, nodeStaticDataKey } from './workflow';

export interface RunPollOptions {
	nodeType: TestableNodeType;
	parameters?: INodeParameters;
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	credentialTypes?: ICredentialType[];
	/** The workflow's static data before this poll (the `staticData` an earlier poll returned). */
	staticData?: IDataObject;
	/** 'trigger': a poll of an active workflow (default). 'manual': "Fetch Test Event" in the editor. */
	mode?: 'trigger' | 'manual';
	/** How the workflow became active: 'activate' (a user switched it on), 'init' (n8n started), 'update'. */
	activation?: WorkflowActivateMode;
	typeVersion?: number;
}

export interface RunPollResult {
	/** What the poll emitted (one array per output), or null when it found nothing to emit. */
	items: INodeExecutionData[][] | null;
	/** The error the poll failed with (the instance thrown), if it failed. */
	error?: ExecutionBaseError;
	/** The workflow's static data after the poll, as the running n8n holds it in memory for the next poll. */
	staticData: IDataObject;
	/**
	 * Whether n8n would have saved that static data to its database after this poll. n8n 2.40.7 (durable poll
	 * cursors off, its default) saves it when the poll emits, not when it returns null or fails: a change made
	 * by such a poll is lost if n8n restarts before a later poll emits. Manual runs never save it.
	 */
	staticDataSaved: boolean;
	/** This node's part of the static data (`getWorkflowStaticData('node')`). */
	nodeStaticData: IDataObject;
	/** The credential data as saved after the poll, by type. */
	credentials: Record<string, ICredentialDataDecryptedObject>;
}

export async function runPoll(options: RunPollOptions): Promise<RunPollResult> {
	registerCredentialTypes(options.credentialTypes);
	const mode = options.mode ?? 'trigger';
	const store = new CredentialStore();
	const errorTrap = new ThrownErrorTrap();
	const { workflow, node } = buildWorkflow({
		nodeType: options.nodeType,
		parameters: options.parameters,
		typeVersion: options.typeVersion,
		credentials: store.addAll(options.credentials),
		staticData: options.staticData,
		errorTrap,
	});
	const additionalData = createAdditionalData({
		workflow,
		credentialsHelper: new HarnessCredentialsHelper(store),
		mode,
	});

	let items: INodeExecutionData[][] | null = null;
	let error: ExecutionBaseError | undefined;
	if (mode === 'manual') {
		const runExecutionData = {
			startData: {},
			resultData: { runData: {} },
			executionData: {
				contextData: {},
				metadata: {},
				nodeExecutionStack: [{ node, data: { main: [[{ json: {} }]] }, source: null }],
				waitingExecution: {},
				waitingExecutionSource: {},
			},
		} as unknown as IRunExecutionData;
		const run = await new WorkflowExecute(
			additionalData,
			'manual',
			runExecutionData,
		).processRunExecutionData(workflow);
		const taskData = run.data.resultData.runData[node.name]?.[0];
		items = taskData?.data?.main?.map((output) => output ?? []) ?? null;
		error = thrownErrorBehind(taskData?.error ?? run.data.resultData.error, errorTrap);
	} else {
		const pollContext = new PollContext(
			workflow,
			node,
			additionalData,
			'trigger',
			options.activation ?? 'activate',
			(emitted) => {
				items = emitted;
			},
			(thrown) => {
				error = thrown as ExecutionBaseError;
			},
		);
		const poll = n8nContainer
			.get(PollTriggerExecutor)
			.create(workflow, node, pollContext, () => true);
		await poll(false);
	}

	const staticData = exportStaticData(workflow);
	return {
		items,
		error,
		staticData,
		staticDataSaved: mode === 'trigger' && items !== null,
		nodeStaticData: (staticData[nodeStaticDataKey(node)] as IDataObject | undefined) ?? {},
		credentials: store.snapshot(),
	};
}
