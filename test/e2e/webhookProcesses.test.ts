// n8n's queue mode scaled the standard way: the main process, two `n8n webhook` processes behind a round-robin
// HTTPS front (the load balancer), two workers, Redis and one shared database. Each webhook process runs the
// Microsoft 365 Trigger's webhook() itself with its own emission ledger and saves static data whole (n8n 2.40.7:
// packages/cli/src/webhooks/live-webhooks.ts), so Graph's duplicate deliveries that land on different processes
// can each start the workflow (docs/nodes/M365Trigger.md, "Several n8n processes receive the webhooks"). The
// documented pattern after the trigger, n8n's Redis node (Increment on `trigger.dedupKey`) and a Filter on a count
// of 1, passes every change on exactly once: Graph's retries after late answers (each to the next process) and
// the first copies of new changes posted to both webhook processes at the same moment.
import { activateWorkflow, createWorkflow, deactivateWorkflow, eventually, type N8nInstance, type N8nRestClient } from '../../scripts/n8n-runtime';
import { SEED_USERS, type Emulator } from '../emulator';
import { deliverMail } from '../emulator/graph/mail';
import { idleDeliveries, subscriptionRuntime } from '../emulator/graph/subscriptions';
import { describeEmulatorOnly } from '../support/target';
import { newMailTriggerNode } from './newMailTrigger';
import {
	emulatorControl,
	executionCollector,
	expectEachAnsweredOrMissed,
	occurrences,
	queueRedisCredential,
	startEmulatorTenant,
	startQueueModeN8n,
	type HttpsFront,
	type QueueModeN8n,
	type WorkflowRuns,
} from './queueModeSupport';

const INSTALL_AND_START_MS = 30 * 60_000;
const TRIGGER = 'New sales mail';
const CLAIM = 'Claim the change';
const FIRST = 'First copy only';
const CHANGE = 'Change';
const WEBHOOK_ID = '0b8e5a31-7c2d-4f69-9e14-3a6d2c8f5b70';

describeEmulatorOnly(['state', 'requests', 'notifications'], 'n8n queue mode with two webhook processes behind a load balancer', () => {
	let n8n: QueueModeN8n | undefined;
	let instance: N8nInstance | undefined;
	let client: N8nRestClient;
	let front: HttpsFront;
	let emulator: Emulator;
	let workflowId: string | undefined;
	let runs: () => Promise<WorkflowRuns>;
	let triggerItems: () => Promise<WorkflowRuns>;
	const delivered: string[] = [];

	const liveSubscriptions = () =>
		Object.values(emulator.state.data.subscriptions).filter(
			(s) => Date.parse(s.expirationDateTime) > emulator.clock.nowMs() && s.notificationUrl.includes(WEBHOOK_ID),
		);

	beforeAll(async () => {
		// Graph delivers to HTTPS only: n8n builds its webhook URLs on the front, which balances over the webhook processes.
		n8n = await startQueueModeN8n({ workers: 2, concurrency: 2, webhookProcesses: 2 });
		({ instance, client, front } = n8n);
		const tenant = await startEmulatorTenant(client);
		emulator = tenant.emulator;
		const tenantApp = tenant.tenantApp;
		const redis = await queueRedisCredential(client, instance);
		const workflow = await createWorkflow(client, {
			name: 'Sales desk mail, exactly once over webhook processes',
			nodes: [
				newMailTriggerNode({ id: 'e1a2b3c4-0000-4000-8000-000000000001', name: TRIGGER, webhookId: WEBHOOK_ID, mailboxUpn: SEED_USERS.salesDesk.upn, tenantApp }),
				{
					id: 'e1a2b3c4-0000-4000-8000-000000000002',
					name: CLAIM,
					type: 'n8n-nodes-base.redis',
					typeVersion: 1,
					position: [220, 0],
					parameters: { operation: 'incr', key: '=m365:{{ $json.trigger.dedupKey }}', expire: true, ttl: 21600 },
					credentials: { redis },
				},
				{
					id: 'e1a2b3c4-0000-4000-8000-000000000003',
					name: FIRST,
					type: 'n8n-nodes-base.filter',
					typeVersion: 2.2,
					position: [440, 0],
					parameters: {
						conditions: {
							options: { caseSensitive: true, leftValue: '', typeValidation: 'loose', version: 2 },
							conditions: [
								{
									id: 'e1a2b3c4-0000-4000-8000-000000000013',
									leftValue: '={{ Object.values($json)[0] }}',
									rightValue: 1,
									operator: { type: 'number', operation: 'equals' },
								},
							],
							combinator: 'and',
						},
						options: {},
					},
				},
				{
					id: 'e1a2b3c4-0000-4000-8000-000000000004',
					name: CHANGE,
					type: 'n8n-nodes-base.set',
					typeVersion: 3.4,
					position: [660, 0],
					parameters: {
						assignments: {
							assignments: [
								{ id: 'a1', name: 'id', value: `={{ $('${TRIGGER}').item.json.id }}`, type: 'string' },
								{ id: 'a2', name: 'dedupKey', value: `={{ $('${TRIGGER}').item.json.trigger.dedupKey }}`, type: 'string' },
							],
						},
						options: {},
					},
				},
			],
			connections: {
				[TRIGGER]: { main: [[{ node: CLAIM, type: 'main', index: 0 }]] },
				[CLAIM]: { main: [[{ node: FIRST, type: 'main', index: 0 }]] },
				[FIRST]: { main: [[{ node: CHANGE, type: 'main', index: 0 }]] },
			},
		} as never);
		workflowId = workflow.id;
		runs = executionCollector(client, workflow.id, CHANGE);
		triggerItems = executionCollector(client, workflow.id, TRIGGER);
	}, INSTALL_AND_START_MS);

	afterAll(async () => {
		front?.answerFirstCopyLate(undefined);
		if (workflowId && client) await deactivateWorkflow(client, workflowId).catch(() => undefined);
		await n8n?.stop();
		await emulator?.close();
	}, 180_000);

	const control = async (path: string, body: unknown) => await emulatorControl(emulator, path, body);

	/** Delivers mail to the sales desk; resolves when Graph's notifications (retries included) have been answered. */
	async function deliverBurst(count: number, subjectPrefix: string): Promise<void> {
		const messages = deliverMail(emulator.state, { mailbox: SEED_USERS.salesDesk.upn, count, subjectPrefix });
		delivered.push(...messages.map((message) => message.id as string));
		await idleDeliveries(emulator);
	}

	it('passes every new mail on exactly once when Graph delivers again to another process and copies land on both at once', async () => {
		await activateWorkflow(client, workflowId!);
		await eventually(() => liveSubscriptions().length === 1, 180_000);
		const [subscription] = liveSubscriptions();
		expect(subscription.notificationUrl).toBe(`${front.url}webhook/${WEBHOOK_ID}/webhook`);

		// Graph sends a notification again when no answer comes within 3 s: the front answers the first copy late
		// (the webhook process it went to has taken it), and the copy Graph sends again goes to the next process in
		// turn; by then the first has saved the emitted id, which the second reads.
		front.answerFirstCopyLate(3_500);
		await deliverBurst(6, 'Retried');
		front.answerFirstCopyLate(undefined);
		const log = expectEachAnsweredOrMissed(subscriptionRuntime(emulator).log, subscription.notificationUrl, 6);
		expect(log.filter((entry) => entry.attempts < 2)).toEqual([]);

		// Copies at the same moment on both webhook processes, before either has seen the change: Graph's own
		// deliveries of a new burst fail (every attempt), then each of those notifications is posted to both at once.
		expect(await control('/subscriptions/deliveries/fail', { count: 1000 })).toBe(204);
		const before = subscriptionRuntime(emulator).log.length;
		await deliverBurst(6, 'Simultaneous');
		expect(await control('/subscriptions/deliveries/fail', { count: 0 })).toBe(204);
		const failed = subscriptionRuntime(emulator)
			.log.slice(before)
			.filter((entry) => entry.url === subscription.notificationUrl && entry.status === 503)
			.map((entry) => entry.body as { value: Array<{ changeType?: string }> })
			.filter((body) => body.value.every((notification) => notification.changeType !== undefined));
		expect(failed.flatMap((body) => body.value)).toHaveLength(6);
		const direct = instance!.webhookProcesses.map((webhook) => `http://127.0.0.1:${webhook.port}/webhook/${WEBHOOK_ID}/webhook`);
		const answers = await Promise.all(
			failed.flatMap((body) =>
				direct.map(async (url) => {
					const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
					await response.arrayBuffer();
					return response.status;
				}),
			),
		);
		expect(answers).toEqual(answers.map(() => 202));

		// A last mail after all of that; once its change is out and no execution is left, the others are done too.
		await deliverBurst(1, 'Last');
		const last = delivered[delivered.length - 1];
		let result = await runs();
		await eventually(async () => {
			result = await runs();
			return result.items.some((item) => item.id === last) && result.unfinished === 0;
		}, 300_000);

		expect(result.executions.every((execution) => execution.status === 'success')).toBe(true);
		const counts = occurrences(result.items.map((item) => String(item.id)));
		expect(Object.keys(counts).sort()).toEqual([...delivered].sort());
		expect(Object.entries(counts).filter(([, count]) => count !== 1)).toEqual([]);
		// Each change's key is the trigger's dedupKey for that mail, one per change.
		expect(new Set(result.items.map((item) => item.dedupKey)).size).toBe(delivered.length);
		for (const item of result.items) expect(item.dedupKey).toBe(`mail:${SEED_USERS.salesDesk.upn.toLowerCase()}:inbox|created|${String(item.id)}`);
		// The trigger itself emitted every mail at least once. How many copies got past the per-process ledgers
		// depends on timing, so it is not asserted; in the runs that made this test, each of the six simultaneous
		// mails was emitted twice (once per webhook process) and still came out of the Redis claim once.
		const emitted = occurrences((await triggerItems()).items.map((item) => String(item.id)));
		expect(Object.keys(emitted).sort()).toEqual([...delivered].sort());
	}, 900_000);
});
