// The contact-centre bridge example (outside → Teams half) inside a real n8n 2.40.7 with n8n's own Data table:
// the table created as the README says, the example's nodes as shipped (Webhook, the Redis claim as shipped:
// disabled, Find or Create 1:1 Chat, two
// Data table lookups with Always Output Data, Mirror, Filter, Data table upsert), events posted to its production
// webhook, repeated deliveries included, and an n8n restart in the middle (the table survives it). Every event lands
// once, replies quote the right message, edits and deletes follow, and the table holds one complete row per message.
import { readFileSync } from 'fs';
import { join } from 'path';

import {
	activateWorkflow,
	callProductionWebhook,
	createBridgeTable,
	createWorkflow,
	dataTableRows,
	ensureN8n,
	nodeOutput,
	packPackage,
	restartN8n,
	signInAsOwner,
	startN8n,
	waitForExecutions,
	type DataTable,
	type Execution,
	type N8nInstance,
	type N8nRestClient,
} from '../../scripts/n8n-runtime';
import { SEED_CHATS, SEED_USERS, startEmulator, type Emulator } from '../emulator';
import { describeEmulatorOnly } from '../support/target';
import { connectedEmulatorCredentials } from './emulatorTenant';

const INSTALL_AND_START_MS = 30 * 60_000;
const EXAMPLE = join(__dirname, '..', '..', 'examples', 'contact-centre-chat-two-way-bridge.json');
/** The outside → Teams half of the example (the Teams → outside half needs Graph to reach n8n over HTTPS). */
const OUTSIDE_TO_TEAMS = ['Contact-centre event', 'Claim the event', 'First delivery only', 'Expert chat', 'Find mapping', 'Find quoted mapping', 'Prepare (pending row)', 'Has a pending row', 'Pending row sets deleted', 'Save pending row', 'Save pending row (deleted as is)', 'Mirror into the chat', 'Has a row to save', 'Sets deleted', 'Save mapping', 'Save mapping (deleted as is)'];
type Json = Record<string, unknown>;
interface ExampleNode { name: string; parameters: Json; credentials?: Record<string, { id: string; name: string }>; [key: string]: unknown }

describeEmulatorOnly(['state', 'seed', 'signInPage'], 'two-way bridge example with an n8n Data table in a real n8n', () => {
	let emulator: Emulator;
	let instance: N8nInstance | undefined;
	let client: N8nRestClient;
	let table: DataTable;
	let workflowId: string;
	let calls = 0;

	beforeAll(async () => {
		emulator = await startEmulator();
		const [, packageTgz] = await Promise.all([ensureN8n(), packPackage()]);
		instance = await startN8n({ packageTgz });
		client = await signInAsOwner(instance);
		const credentials = await connectedEmulatorCredentials(client, instance, emulator);
		// README, "Two-way bridges", steps 1 and 2: the table and its columns.
		table = await createBridgeTable(client);
		const example = JSON.parse(readFileSync(EXAMPLE, 'utf8')) as { name: string; nodes: ExampleNode[]; connections: Record<string, unknown>; settings: Json };
		const nodes = example.nodes
			.filter((node) => OUTSIDE_TO_TEAMS.includes(node.name))
			.map((node) => (node.credentials?.m365IntegrationAccountOAuth2Api ? { ...node, credentials: { m365IntegrationAccountOAuth2Api: credentials.integrationAccount } } : node));
		const connections = Object.fromEntries(Object.entries(example.connections).filter(([from]) => OUTSIDE_TO_TEAMS.includes(from)));
		const workflow = await createWorkflow(client, { name: example.name, nodes, connections, settings: example.settings } as never);
		workflowId = workflow.id;
		await activateWorkflow(client, workflowId);
	}, INSTALL_AND_START_MS);

	afterAll(async () => {
		await instance?.stop();
		await emulator?.close();
	}, 60_000);

	/** Posts one contact-centre event and waits for its execution; returns the Mirror node's output item. */
	async function send(event: Json): Promise<Json> {
		const response = await callProductionWebhook(instance!, 'contact-centre-bridge', {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify({ expertUpn: SEED_USERS.adele.upn, author: 'Casey (customer)', ...event }),
		});
		expect(response.status).toBe(200);
		calls += 1;
		const executions: Execution[] = await waitForExecutions(client, workflowId, calls);
		const execution = executions[executions.length - 1];
		expect({ status: execution.status, error: execution.data.resultData.error ?? null }).toEqual({ status: 'success', error: null });
		return nodeOutput(execution, 'Mirror into the chat')[0] as Json;
	}

	const ours = () => (emulator.state.chat(SEED_CHATS.adeleIntegration.id)?.messages ?? []).filter((message) => message.from?.user?.id === SEED_USERS.integration.id);

	it('mirrors posts, a quoted reply, edits and deletes once each, and keeps one row per message', async () => {
		const outputs: Json[] = [];
		const step = async (event: Json) => outputs.push(await send(event));
		await step({ type: 'created', messageId: 'cc-1', text: 'Hello, my order 1043 is late' });
		await step({ type: 'created', messageId: 'cc-1', text: 'Hello, my order 1043 is late' });
		await step({ type: 'created', messageId: 'cc-2', replyToId: 'cc-1', text: 'It was due Monday' });
		await step({ type: 'edited', messageId: 'cc-1', text: 'Hello, my order 1043 is late (ordered May 2)' });
		await step({ type: 'edited', messageId: 'cc-1', text: 'Hello, my order 1043 is late (ordered May 2)' });
		await step({ type: 'deleted', messageId: 'cc-2' });
		await step({ type: 'deleted', messageId: 'cc-2' });
		await step({ type: 'edited', messageId: 'cc-unknown', text: 'never mirrored' });
		expect(outputs.map((output) => output.outcome)).toEqual(['posted', 'duplicate', 'replied', 'edited', 'unchanged', 'deleted', 'alreadyDeleted', 'notMapped']);

		const messages = ours();
		expect(messages).toHaveLength(2);
		const [first, reply] = messages;
		expect(first.body?.content).toContain('Hello, my order 1043 is late (ordered May 2)');
		expect(first.body?.content).toContain('Casey (customer)');
		expect(first.lastEditedDateTime).not.toBeNull();
		// The reply quoted the customer's first message (as posted; a soft delete empties it).
		expect(((outputs[2].teamsMessage as Json).attachments as Json[])[0]).toMatchObject({ id: first.id, contentType: 'messageReference' });
		expect(reply.deletedDateTime).not.toBeNull();

		const list = await dataTableRows(client, table);
		const byOutside = Object.fromEntries(list.map((row) => [row.outsideId, row]));
		expect(Object.keys(byOutside).sort()).toEqual(['cc-1', 'cc-2']);
		expect(byOutside['cc-1']).toMatchObject({
			platform: 'contactcentre', teamsMessageId: first.id, chatId: SEED_CHATS.adeleIntegration.id, origin: 'outside',
			postedAs: 'integrationAccount', teamsAuthorId: SEED_USERS.integration.id, teamsEditedAt: first.lastEditedDateTime, deleted: false,
		});
		expect(byOutside['cc-2']).toMatchObject({ outsideThreadId: 'cc-1', teamsMessageId: reply.id, deleted: true });
	}, 600_000);

	it('after a restart, a conversation of posts, replies, edits and deletes, each delivered twice, is mirrored exactly once', async () => {
		instance = await restartN8n(instance!);
		client = await signInAsOwner(instance);
		const before = ours().length;
		// 12 customer messages, every third a reply to the one before; all edited, every fourth deleted; every event twice.
		const events: Json[] = [];
		for (let index = 1; index <= 12; index++) {
			const created = { type: 'created', messageId: `burst-${index}`, text: `Message ${index}`, ...(index % 3 === 0 ? { replyToId: `burst-${index - 1}` } : {}) };
			events.push(created, created);
		}
		for (let index = 1; index <= 12; index++) {
			const edited = { type: 'edited', messageId: `burst-${index}`, text: `Message ${index}, edited` };
			events.push(edited, edited);
		}
		for (let index = 4; index <= 12; index += 4) {
			const deleted = { type: 'deleted', messageId: `burst-${index}` };
			events.push(deleted, deleted);
		}
		const outcomes: Record<string, number> = {};
		for (const event of events) {
			const outcome = String((await send(event)).outcome);
			outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
		}
		expect(outcomes).toEqual({ posted: 8, replied: 4, duplicate: 12, edited: 12, unchanged: 12, deleted: 3, alreadyDeleted: 3 });

		const burst = ours().slice(before);
		expect(burst).toHaveLength(12);
		const list = (await dataTableRows(client, table)).filter((row) => String(row.outsideId).startsWith('burst-'));
		expect(list).toHaveLength(12);
		for (const row of list) {
			const index = Number(String(row.outsideId).slice('burst-'.length));
			const message = burst.find((candidate) => candidate.id === row.teamsMessageId);
			expect(message).toBeDefined();
			expect(row.deleted).toBe(index % 4 === 0);
			expect(message!.deletedDateTime !== null).toBe(index % 4 === 0);
			if (index % 4 !== 0) expect(message!.body?.content).toContain(`Message ${index}, edited`);
			if (index % 3 === 0) expect(row.outsideThreadId).toBe(`burst-${index - 1}`);
		}
	}, 900_000);
});
