// Builds the workflow a harness run executes: the node under test, configured as a user would configure it,
// optionally behind the harness start node, with its credentials and the workflow's static data.
import type { IDataObject, INode, INodeCredentials, INodeParameters, OnError } from 'n8n-workflow';
import { deepCopy, Workflow } from 'n8n-workflow';
import { randomUUID } from 'node:crypto';

import {
	describeNodeType,
	HarnessNodeTypes,
	latestTypeVersion,
	qualifiedNodeTypeName,
	START_NODE_TYPE,
	type TestableNodeType,
	type ThrownErrorTrap,
} from './nodeTypes';

export const START_NODE_NAME = 'Harness Start';

export interface HarnessWorkflowOptions {
	nodeType: TestableNodeType;
	parameters?: INodeParameters;
	typeVersion?: number;
	credentials?: INodeCredentials;
	staticData?: IDataObject;
	/** Put the harness start node in front of the node under test (for action nodes). */
	withStartNode?: boolean;
	onError?: OnError;
	errorTrap?: ThrownErrorTrap;
	/** The workflow's id (a fresh one when absent): runs of one workflow share it, as n8n's do. */
	workflowId?: string;
	/** The workflow's time zone setting (n8n's default, America/New_York, when absent). */
	timezone?: string;
}

export interface HarnessWorkflow {
	workflow: Workflow;
	node: INode;
	startNode?: INode;
	nodeTypes: HarnessNodeTypes;
}

export function buildWorkflow(options: HarnessWorkflowOptions): HarnessWorkflow {
	const description = describeNodeType(options.nodeType);
	const node: INode = {
		id: randomUUID(),
		name: description.defaults.name ?? description.displayName,
		type: qualifiedNodeTypeName(options.nodeType),
		typeVersion: options.typeVersion ?? latestTypeVersion(options.nodeType),
		position: [200, 0],
		parameters: deepCopy(options.parameters ?? {}),
		credentials:
			options.credentials && Object.keys(options.credentials).length > 0
				? options.credentials
				: undefined,
		onError: options.onError,
	};
	// n8n gives every node that has webhooks an id of its own, which becomes part of its webhook URLs.
	if (description.webhooks?.length) node.webhookId = randomUUID();

	const nodes: INode[] = [node];
	let startNode: INode | undefined;
	if (options.withStartNode) {
		startNode = {
			id: randomUUID(),
			name: START_NODE_NAME,
			type: START_NODE_TYPE,
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		};
		nodes.unshift(startNode);
	}

	const nodeTypes = new HarnessNodeTypes([options.nodeType], options.errorTrap);
	const workflow = new Workflow({
		id: options.workflowId ?? `harness-workflow-${randomUUID()}`,
		name: 'Harness workflow',
		nodes,
		connections: startNode
			? { [startNode.name]: { main: [[{ node: node.name, type: 'main', index: 0 }]] } }
			: {},
		active: false,
		nodeTypes,
		staticData: deepCopy(options.staticData ?? {}),
		settings: { executionOrder: 'v1', ...(options.timezone ? { timezone: options.timezone } : {}) },
	});
	// The Workflow constructor fills in parameter defaults; hand back the node object the engine will use.
	return { workflow, node: workflow.getNode(node.name) as INode, startNode, nodeTypes };
}

/** The workflow's static data as n8n would save it (without the change marker n8n uses internally). */
export function exportStaticData(workflow: Workflow): IDataObject {
	return JSON.parse(
		JSON.stringify(workflow.staticData, (key, value: unknown) =>
			key === '__dataChanged' ? undefined : value,
		),
	) as IDataObject;
}

export function nodeStaticDataKey(node: INode): string {
	return `node:${node.name}`;
}

/**
 * The same workflow loaded afresh with the given static data: what n8n does for every production webhook
 * request and on deactivation, where the workflow is rebuilt from the database rather than kept in memory.
 */
export function reloadWorkflow(harness: HarnessWorkflow, staticData: IDataObject): HarnessWorkflow {
	const { workflow } = harness;
	const reloaded = new Workflow({
		id: workflow.id,
		name: workflow.name,
		nodes: deepCopy(Object.values(workflow.nodes)),
		connections: deepCopy(workflow.connectionsBySourceNode),
		active: workflow.active,
		nodeTypes: harness.nodeTypes,
		staticData: deepCopy(staticData),
		settings: workflow.settings,
	});
	return { ...harness, workflow: reloaded, node: reloaded.getNode(harness.node.name) as INode };
}
