// n8n's queue mode with the package loaded: a private Redis, n8n as main and two workers. Executions started
// by a production webhook and by the editor's manual run are queued, run once by one worker, and their results
// stored where the main process reads them. (The package's own triggers in queue mode are covered by the
// trigger issues' e2e tests, which start n8n with `queueMode` too.)
import * as fs from 'fs';

import {
	activateWorkflow,
	callProductionWebhook,
	createWorkflow,
	ensureN8n,
	nodeOutput,
	packPackage,
	parseLogEntries,
	runWorkflowManually,
	signInAsOwner,
	startN8n,
	waitForExecution,
	waitForExecutions,
	type N8nInstance,
	type N8nRestClient,
} from '../../scripts/n8n-runtime';

const INSTALL_AND_START_MS = 30 * 60_000;

function workersThatRan(instance: N8nInstance, executionId: string): number[] {
	return instance.workers
		.map((worker, index) => ({ index, entries: parseLogEntries(fs.readFileSync(worker.logFile, 'utf8')) }))
		.filter(({ entries }) => entries.some((entry) => entry.message.startsWith(`Worker finished execution ${executionId} `)))
		.map(({ index }) => index);
}

describe('n8n in queue mode (main, two workers, Redis) with the package', () => {
	let instance: N8nInstance | undefined;
	let client: N8nRestClient;

	beforeAll(async () => {
		const [, packageTgz] = await Promise.all([ensureN8n(), packPackage()]);
		instance = await startN8n({ packageTgz, queueMode: { workers: 2 } });
		client = await signInAsOwner(instance);
	}, INSTALL_AND_START_MS);

	afterAll(async () => {
		await instance?.stop();
	}, 120_000);

	it('runs a production webhook execution once, on a worker', async () => {
		const workflow = await createWorkflow(client, {
			name: 'Queued webhook',
			nodes: [
				{
					id: 'hook',
					name: 'Webhook',
					type: 'n8n-nodes-base.webhook',
					typeVersion: 2,
					webhookId: 'f1e2d3c4-0000-4000-8000-000000000001',
					position: [0, 0],
					parameters: { httpMethod: 'POST', path: 'queued-hook', responseMode: 'onReceived', options: {} },
				},
			],
			connections: {},
		});
		await activateWorkflow(client, workflow.id);
		const response = await callProductionWebhook(instance!, 'queued-hook', {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ hello: 'queue' }),
		});
		expect(response.status).toBe(200);
		const [execution] = await waitForExecutions(client, workflow.id, 1);
		expect(execution.status).toBe('success');
		expect(nodeOutput(execution, 'Webhook')).toEqual([expect.objectContaining({ body: { hello: 'queue' } })]);
		expect(workersThatRan(instance!, execution.id)).toHaveLength(1);
	}, 180_000);

	it("runs the editor's manual execution on a worker", async () => {
		const workflow = await createWorkflow(client, {
			name: 'Queued manual run',
			nodes: [
				{ id: 'start', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
				{
					id: 'set',
					name: 'Set',
					type: 'n8n-nodes-base.set',
					typeVersion: 3.4,
					position: [220, 0],
					parameters: {
						assignments: { assignments: [{ id: 'a', name: 'ranOn', value: 'worker', type: 'string' }] },
						options: {},
					},
				},
			],
			connections: { Start: { main: [[{ node: 'Set', type: 'main', index: 0 }]] } },
		});
		const executionId = await runWorkflowManually(client, workflow.id, 'Start');
		const execution = await waitForExecution(client, executionId);
		expect(execution.status).toBe('success');
		expect(nodeOutput(execution, 'Set')).toEqual([{ ranOn: 'worker' }]);
		expect(workersThatRan(instance!, executionId)).toHaveLength(1);
	}, 180_000);
});
