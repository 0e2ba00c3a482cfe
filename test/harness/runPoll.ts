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
	INode,
	IRunExecutionData,
	Workflow,
	WorkflowActivateMode,
} from 'n8n-workflow';
import { deepCopy } from 'n8n-workflow';

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
	 * cursors off, its default) saves it when the poll emits and n8n saw the static data change (its
	 * `__dataChanged` marker), not when the poll returns null or fails: a change made by such a poll is lost if
	 * n8n restarts before a later poll emits. Manual runs never save it. Each call builds the workflow afresh; for
	 * a trigger kept active across polls, as n8n keeps it, use `activatePoller`.
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
	let changedAtEmit = false;
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
				changedAtEmit = changeMarked(workflow);
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
		staticDataSaved: mode === 'trigger' && items !== null && changedAtEmit,
		nodeStaticData: (staticData[nodeStaticDataKey(node)] as IDataObject | undefined) ?? {},
		credentials: store.snapshot(),
	};
}

/** n8n's marker on a workflow's static data: set when anything in it was assigned through n8n's observed object. */
function changeMarked(workflow: Workflow): boolean {
	return (workflow.staticData as IDataObject & { __dataChanged?: boolean }).__dataChanged === true;
}

/** What n8n's WorkflowStaticDataService.saveStaticData does: writes the static data if marked changed, unmarks it. */
function saveIfChanged(workflow: Workflow, saved: IDataObject): IDataObject {
	if (!changeMarked(workflow)) return saved;
	(workflow.staticData as IDataObject & { __dataChanged?: boolean }).__dataChanged = false;
	return exportStaticData(workflow);
}

export interface ActivePollerOptions {
	/** The node type, or a factory called at every activation (a restart can then load the node afresh). */
	nodeType: TestableNodeType | (() => TestableNodeType);
	parameters?: INodeParameters;
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	credentialTypes?: ICredentialType[];
	/** What n8n's database holds for the workflow when it is activated (default: nothing). */
	staticData?: IDataObject;
	typeVersion?: number;
}

export interface PollOutcome {
	items: INodeExecutionData[][] | null;
	error?: ExecutionBaseError;
}

/**
 * An active polling trigger as n8n 2.40.7 runs it (durable poll cursors off, its default): one Workflow object,
 * built from the database's static data at activation, lives in memory across every poll until n8n stops. Saves
 * to the "database" (`saved()`) happen where n8n makes them: after activation (the activation poll included) and
 * when a poll emits, each only if n8n's change marker is set (WorkflowStaticDataService.saveStaticData: a change
 * made inside an object n8n does not observe is not saved). `restart()` drops memory and activates again from
 * what was saved (n8n started with the workflow active: activation 'init').
 */
export interface ActivePoller {
	/** One scheduled poll (n8n's cron tick). */
	poll(): Promise<PollOutcome>;
	/** The static data the running n8n holds in memory. */
	memory(): IDataObject;
	/** The static data in n8n's database. */
	saved(): IDataObject;
	/** Replaces what the database holds (a test simulating a write that never landed). */
	setSaved(staticData: IDataObject): void;
	/** n8n stops (cleanly or killed) and starts again; resolves with what the activation poll emitted. */
	restart(): Promise<PollOutcome>;
}

export async function activatePoller(options: ActivePollerOptions): Promise<{ poller: ActivePoller; activation: PollOutcome }> {
	registerCredentialTypes(options.credentialTypes);
	const store = new CredentialStore();
	const credentials = store.addAll(options.credentials);
	let saved: IDataObject = deepCopy(options.staticData ?? {});
	let active: { workflow: Workflow; node: INode; pollOnce(testing: boolean): Promise<PollOutcome> };

	const activate = async (activation: WorkflowActivateMode): Promise<PollOutcome> => {
		const errorTrap = new ThrownErrorTrap();
		const { workflow, node } = buildWorkflow({
			nodeType: typeof options.nodeType === 'function' ? options.nodeType() : options.nodeType,
			parameters: options.parameters,
			typeVersion: options.typeVersion,
			credentials,
			staticData: saved,
			errorTrap,
		});
		const additionalData = createAdditionalData({ workflow, credentialsHelper: new HarnessCredentialsHelper(store), mode: 'trigger' });
		let outcome: PollOutcome = { items: null };
		const pollContext = new PollContext(
			workflow,
			node,
			additionalData,
			'trigger',
			activation,
			(emitted) => {
				outcome.items = emitted;
				saved = saveIfChanged(workflow, saved);
			},
			(thrown) => {
				outcome.error = thrown as ExecutionBaseError;
			},
		);
		const executor = n8nContainer.get(PollTriggerExecutor).create(workflow, node, pollContext, () => true);
		active = {
			workflow,
			node,
			pollOnce: async (testing) => {
				outcome = { items: null };
				try {
					await executor(testing);
				} catch (thrown) {
					// The activation poll (n8n's testingTrigger) throws instead of reporting: activation fails.
					outcome.error = thrown as ExecutionBaseError;
				}
				return outcome;
			},
		};
		const first = await active.pollOnce(true);
		// ActiveWorkflowManager.add ends with saveStaticData(workflow) once the triggers are added.
		if (!first.error) saved = saveIfChanged(workflow, saved);
		return first;
	};

	const activation = await activate('activate');
	const poller: ActivePoller = {
		poll: async () => await active.pollOnce(false),
		memory: () => exportStaticData(active.workflow),
		saved: () => deepCopy(saved),
		setSaved: (staticData) => {
			saved = deepCopy(staticData);
		},
		restart: async () => await activate('init'),
	};
	return { poller, activation };
}
