// Guest Sync where n8n's own behaviour decides what the node sees: behind Loop Over Items (n8n runs the node once per
// batch, each run seeing two of six users) no guest is disabled, and the node type n8n offers to AI agents
// (m365GuestSyncTool, derived from usableAsTool) lists no operation that can remove. In a real n8n 2.40.7.
import {
	createEmulatorCredentials,
	createWorkflow,
	ensureN8n,
	nodeOutput,
	packPackage,
	PACKAGE_NAME,
	runWorkflowManually,
	signInAsOwner,
	startN8n,
	waitForExecution,
	type EmulatorCredentials,
	type Execution,
	type N8nInstance,
	type N8nRestClient,
} from '../../scripts/n8n-runtime';
import { SEED_APPS, startEmulator, type Emulator } from '../emulator';
import { registerExtensionProperty } from '../emulator/graph/extensionProperties';
import { describeEmulatorOnly } from '../support/target';
import { emulatorTenantOf } from './emulatorTenant';
import { guestSyncParameters } from './guestSyncParameters';

const INSTALL_AND_START_MS = 30 * 60_000;
const SOURCE = 'e2e-loop-partners';
type Json = Record<string, unknown>;

const people = Array.from({ length: 6 }, (_, index) => ({ email: `loop${index}@partner.example`, displayName: `Loop ${index}` }));

interface NodeTypeDescription {
	name: string;
	properties: Array<{ name: string; displayOptions?: { show?: Record<string, unknown[]> }; options?: Array<{ value: string }> }>;
}

describeEmulatorOnly(['state', 'requests'], 'Guest Sync in a real n8n: loops and AI agents', () => {
	let emulator: Emulator;
	let instance: N8nInstance | undefined;
	let client: N8nRestClient;
	let credentials: EmulatorCredentials;

	const syncNode = (name: string, extra: Json = {}) => ({
		id: `5a5e0000-0000-4000-8000-${String(name.length).padStart(12, '0')}`,
		name,
		type: `${PACKAGE_NAME}.m365GuestSync`,
		typeVersion: 1,
		position: [660, 0] as [number, number],
		parameters: guestSyncParameters(SOURCE, extra),
		credentials: { m365TenantAppApi: credentials.tenantApp },
	});
	const start = { id: '5a5e0000-0000-4000-8000-000000000001', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0] as [number, number], parameters: {} };
	const source = {
		id: '5a5e0000-0000-4000-8000-000000000002',
		name: 'Partners',
		type: 'n8n-nodes-base.code',
		typeVersion: 2,
		position: [220, 0] as [number, number],
		parameters: { jsCode: `return ${JSON.stringify(people)}.map((json) => ({ json }));` },
	};

	async function run(name: string, nodes: Json[], connections: Json): Promise<Execution> {
		const workflow = await createWorkflow(client, { name, nodes, connections } as never);
		const executionId = await runWorkflowManually(client, workflow.id, 'Start');
		return await waitForExecution(client, executionId);
	}

	const enabled = () =>
		people.map((person) => emulator.state.users().find((record) => record.user.mail === person.email)?.user.accountEnabled ?? null);

	beforeAll(async () => {
		emulator = await startEmulator();
		registerExtensionProperty(emulator.state, SEED_APPS.main.appId, 'm365GuestSyncSource');
		const [, packageTgz] = await Promise.all([ensureN8n(), packPackage()]);
		instance = await startN8n({ packageTgz });
		client = await signInAsOwner(instance);
		credentials = await createEmulatorCredentials(client, emulatorTenantOf(emulator));
	}, INSTALL_AND_START_MS);

	afterAll(async () => {
		await instance?.stop();
		await emulator?.close();
	}, 60_000);

	it('behind Loop Over Items with batches of 2, disables none of the six guests (each batch withholds removal)', async () => {
		const seeded = await run('Invite six partners', [start, source, syncNode('Sync guests')], {
			Start: { main: [[{ node: 'Partners', type: 'main', index: 0 }]] },
			Partners: { main: [[{ node: 'Sync guests', type: 'main', index: 0 }]] },
		});
		expect(seeded.status).toBe('success');
		expect(enabled()).toEqual([true, true, true, true, true, true]);
		// As between two scheduled runs: Entra has replicated the new guests (test/emulator/graph/replication.ts).
		emulator.clock.advance(10);

		const loop = {
			id: '5a5e0000-0000-4000-8000-000000000003',
			name: 'Loop Over Items',
			type: 'n8n-nodes-base.splitInBatches',
			typeVersion: 3,
			position: [440, 0] as [number, number],
			parameters: { batchSize: 2, options: {} },
		};
		// Every safeguard that is a setting is set as permissively as it goes: only what the node sees of its run protects.
		const sync = syncNode('Sync batch', { removal: 'disable', inputIsComplete: true, maxRemovals: 10, minShareSeen: 0 });
		const execution = await run('Sync in batches', [start, source, loop, sync], {
			Start: { main: [[{ node: 'Partners', type: 'main', index: 0 }]] },
			Partners: { main: [[{ node: 'Loop Over Items', type: 'main', index: 0 }]] },
			'Loop Over Items': { main: [[], [{ node: 'Sync batch', type: 'main', index: 0 }]] },
			'Sync batch': { main: [[{ node: 'Loop Over Items', type: 'main', index: 0 }]] },
		});
		expect(execution.status).toBe('success');
		const runs = execution.data.resultData.runData['Sync batch'];
		expect(runs).toHaveLength(3);
		for (const [runIndex, taskData] of runs.entries()) {
			const summary = (taskData.data?.main[0] ?? []).map((item) => item.json as Json).find((json) => json.type === 'summary');
			expect(summary?.removal).toMatchObject({ withheld: true, candidates: 4, reason: expect.stringContaining('inside the loop of "Loop Over Items"') });
			if (runIndex > 0) expect(String((summary?.removal as Json).reason)).toContain(`run ${runIndex + 1} of this node`);
		}
		expect(nodeOutput(execution, 'Sync batch').filter((json) => (json as Json).type === 'removal')).toEqual([]);
		expect(enabled()).toEqual([true, true, true, true, true, true]);
	}, 600_000);

	it('offers AI agents a tool variant without Sync or Remove', async () => {
		const types = await client.getTypes<NodeTypeDescription[]>('nodes.json');
		const tool = types.find((type) => type.name === `${PACKAGE_NAME}.m365GuestSyncTool`);
		expect(tool).toBeDefined();
		// n8n shows a property when its '@tool' display option matches whether the type name ends in "Tool".
		const shown = tool!.properties.filter((property) => property.name === 'operation' && property.displayOptions?.show?.['@tool']?.[0] !== false);
		// n8n appends its own "Custom API Call" entry (it points the user to the HTTP Request node; this node's router
		// refuses it as an unknown operation), so nothing but Find and Invite reaches the node from an agent.
		expect(shown.map((property) => (property.options ?? []).map((option) => option.value))).toEqual([['find', 'invite', '__CUSTOM_API_CALL__']]);
		// The node's own variant still offers everything.
		const node = types.find((type) => type.name === `${PACKAGE_NAME}.m365GuestSync`);
		const own = node!.properties.filter((property) => property.name === 'operation' && property.displayOptions?.show?.['@tool']?.[0] !== true);
		expect(own.map((property) => (property.options ?? []).map((option) => option.value).filter((value) => value !== '__CUSTOM_API_CALL__'))).toEqual([['find', 'invite', 'remove', 'sync']]);
	}, 120_000);
});
