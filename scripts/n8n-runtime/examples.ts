// Loads the workflows in examples/ into an n8n instance, with their credentials pointed at the instance's
// credentials of the same type, and activates the ones that start from a trigger.
import * as fs from 'fs';
import * as path from 'path';

import type { WorkflowImport } from './cli';
import { REPO_ROOT } from './pack';
import { N8nRestError, type N8nRestClient } from './rest';
import { activateWorkflow, createWorkflow } from './workflows';

export const EXAMPLES_DIR = path.join(REPO_ROOT, 'examples');

interface ExampleNode {
	name: string;
	type: string;
	credentials?: Record<string, { id: string; name: string }>;
	[field: string]: unknown;
}

export interface ImportedExample {
	file: string;
	name: string;
	workflowId: string;
	isTriggered: boolean;
	active: boolean;
	/** why n8n refused to activate it */
	activationError?: string;
}

/** Nodes that start a workflow on their own (schedule, poll, webhook, event), i.e. not the manual trigger. */
export function isAutomaticTrigger(nodeType: string): boolean {
	if (nodeType === 'n8n-nodes-base.manualTrigger') return false;
	return /trigger$/i.test(nodeType) || nodeType === 'n8n-nodes-base.webhook';
}

export function exampleFiles(): string[] {
	if (!fs.existsSync(EXAMPLES_DIR)) return [];
	return fs
		.readdirSync(EXAMPLES_DIR)
		.filter((file) => file.endsWith('.json'))
		.sort()
		.map((file) => path.join(EXAMPLES_DIR, file));
}

function withCredentials(
	nodes: ExampleNode[],
	credentials: Record<string, { id: string; name: string }>,
): ExampleNode[] {
	return nodes.map((node) => {
		if (!node.credentials) return node;
		const mapped = Object.fromEntries(
			Object.entries(node.credentials).map(([type, reference]) => [type, credentials[type] ?? reference]),
		);
		return { ...node, credentials: mapped };
	});
}

export interface ImportExamplesOptions {
	/** false: import only. A function decides per example: true, or why it stays inactive. */
	activate?: boolean | ((file: string, workflow: WorkflowImport) => true | string);
	/** rewrites an example before it is imported (the demo binds placeholders to its tenant) */
	transform?: (workflow: WorkflowImport, file: string) => WorkflowImport;
}

/** `credentials` maps a credential type to the instance's credential to use wherever an example needs that type. */
export async function importExamples(
	client: N8nRestClient,
	credentials: Record<string, { id: string; name: string }>,
	options: ImportExamplesOptions = {},
): Promise<ImportedExample[]> {
	const imported: ImportedExample[] = [];
	for (const file of exampleFiles()) {
		const { pinData: _pinData, ...original } = JSON.parse(fs.readFileSync(file, 'utf8')) as WorkflowImport;
		const workflow = options.transform ? options.transform(original, file) : original;
		const nodes = workflow.nodes as ExampleNode[];
		const stored = await createWorkflow(client, { ...workflow, nodes: withCredentials(nodes, credentials) });
		const isTriggered = nodes.some((node) => isAutomaticTrigger(node.type));
		const result: ImportedExample = {
			file: path.relative(REPO_ROOT, file),
			name: stored.name,
			workflowId: stored.id,
			isTriggered,
			active: false,
		};
		const decision = typeof options.activate === 'function' ? options.activate(file, workflow) : options.activate !== false;
		if (isTriggered && typeof decision === 'string') result.activationError = decision;
		else if (isTriggered && decision) {
			try {
				await activateWorkflow(client, stored.id);
				result.active = true;
			} catch (error) {
				result.activationError =
					error instanceof N8nRestError ? JSON.stringify(error.body) : (error as Error).message;
			}
		}
		imported.push(result);
	}
	return imported;
}
