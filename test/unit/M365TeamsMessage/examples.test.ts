// The example workflows use this node the way it is described: known resources and operations, and only
// parameters that exist (and are shown) for them, so they import into n8n without unknown fields.
import { readFileSync } from 'fs';
import { join } from 'path';
import type { INodeProperties } from 'n8n-workflow';

import { M365TeamsMessage } from '../../../nodes/M365TeamsMessage/M365TeamsMessage.node';

const EXAMPLES = [
	'chat-session-conferencing.json',
	'teams-slack-bridge.json',
	'teams-incident-card.json',
	'teams-slack-two-way-bridge.json',
	'contact-centre-chat-two-way-bridge.json',
];
const properties = new M365TeamsMessage().description.properties;

function shownFor(property: INodeProperties, resource: string, operation: string): boolean {
	const show = property.displayOptions?.show;
	if (!show) return true;
	const resources = show.resource as string[] | undefined;
	const operations = show.operation as string[] | undefined;
	return (!resources || resources.includes(resource)) && (!operations || operations.includes(operation));
}

describe.each(EXAMPLES)('examples/%s', (file) => {
	const workflow = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'examples', file), 'utf8')) as {
		nodes: Array<{ name: string; type: string; parameters: Record<string, unknown>; credentials?: Record<string, { name: string }> }>;
		connections: Record<string, unknown>;
	};
	const ours = workflow.nodes.filter((node) => node.type === 'n8n-nodes-m365-integration.m365TeamsMessage');

	it('uses the node with existing resources, operations and parameters', () => {
		expect(ours.length).toBeGreaterThan(0);
		for (const node of ours) {
			const { resource, operation, ...rest } = node.parameters as { resource: string; operation: string };
			const operationProperty = properties.find((property) => property.name === 'operation' && shownFor(property, resource, operation));
			expect((operationProperty?.options ?? []).map((option) => (option as { value: string }).value)).toContain(operation);
			for (const name of Object.keys(rest)) {
				const known = properties.some((property) => property.name === name && shownFor(property, resource, operation));
				expect({ node: node.name, parameter: name, known }).toEqual({ node: node.name, parameter: name, known: true });
			}
			expect(Object.keys(node.credentials ?? {})).toContain('m365IntegrationAccountOAuth2Api');
		}
	});

	it('connects only nodes that exist', () => {
		const names = new Set(workflow.nodes.map((node) => node.name));
		for (const [from, outputs] of Object.entries(workflow.connections)) {
			expect(names.has(from)).toBe(true);
			for (const branch of (outputs as { main: Array<Array<{ node: string }>> }).main) {
				for (const target of branch) expect(names.has(target.node)).toBe(true);
			}
		}
	});
});
