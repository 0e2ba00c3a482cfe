// The Microsoft 365 Trigger inside a real n8n 2.40.7: n8n's own activation (checkExists / create), its webhook
// server behind HTTPS (Graph delivers only to HTTPS: the runtime's startTlsFront forwards to n8n), executions
// started by emulator notifications, a restart on the same URL (n8n 2.40 keeps webhooks registered without
// calling checkExists), after which Graph's reauthorizationRequired still renews the same subscription.
import {
	activateWorkflow,
	createEmulatorCredentials,
	createWorkflow,
	deactivateWorkflow,
	eventually,
	nodeOutput,
	packPackage,
	restartN8n,
	signInAsOwner,
	startN8n,
	startTlsFront,
	waitForExecutions,
	type N8nInstance,
	type N8nRestClient,
	type TlsFront,
} from '../../scripts/n8n-runtime';
import { SEED_USERS, startEmulator, type Emulator } from '../emulator';
import { deliverMail } from '../emulator/graph/mail';
import { idleDeliveries, sendLifecycle } from '../emulator/graph/subscriptions';
import { describeEmulatorOnly } from '../support/target';
import { emulatorTenantOf } from './emulatorTenant';
import { newMailTriggerNode } from './newMailTrigger';

const INSTALL_AND_START_MS = 30 * 60_000;
const WEBHOOK_ID = '3c6f0e4a-8b1d-4e7a-9c2f-5d8e7a6b4c31';

// Graph must reach n8n's webhook URL: the emulator delivers the notifications (and the test reads its subscriptions).
describeEmulatorOnly(['notifications', 'state', 'clock'], 'Microsoft 365 Trigger in a real n8n', () => {
	let emulator: Emulator;
	let front: TlsFront;
	let instance: N8nInstance | undefined;
	let client: N8nRestClient;
	let workflowId: string;

	const liveSubscriptions = () =>
		Object.values(emulator.state.data.subscriptions).filter((s) => Date.parse(s.expirationDateTime) > emulator.clock.nowMs());

	beforeAll(async () => {
		emulator = await startEmulator();
		front = await startTlsFront();
		const packageTgz = await packPackage();
		const env = { N8N_WEBHOOK_URL: front.url };
		instance = await startN8n({ packageTgz, env });
		front.setTarget(instance.port);
		client = await signInAsOwner(instance);
		const { tenantApp } = await createEmulatorCredentials(client, emulatorTenantOf(emulator));
		const workflow = await createWorkflow(client, {
			name: 'New support mail',
			nodes: [
				newMailTriggerNode({ id: 'a1b2c3d4-0000-4000-8000-000000000001', name: 'New mail', webhookId: WEBHOOK_ID, mailboxUpn: SEED_USERS.support.upn, tenantApp }),
			],
			connections: {},
		} as never);
		workflowId = workflow.id;
	}, INSTALL_AND_START_MS);

	afterAll(async () => {
		await instance?.stop();
		await front?.close();
		await emulator?.close();
	}, 60_000);

	it('subscribes on activation through the HTTPS URL and starts an execution with the mail read from Graph', async () => {
		await activateWorkflow(client, workflowId);
		// n8n 2.40 answers the publish request before its webhook hooks have finished.
		await eventually(() => liveSubscriptions().length === 1, 180_000);
		const [subscription] = liveSubscriptions();
		expect(subscription.notificationUrl).toBe(`${front.url}webhook/${WEBHOOK_ID}/webhook`);
		expect(subscription.lifecycleNotificationUrl).toBe(subscription.notificationUrl);

		deliverMail(emulator.state, { mailbox: SEED_USERS.support.upn, messages: [{ subject: 'Through real n8n' }] });
		await idleDeliveries(emulator);
		const [execution] = await waitForExecutions(client, workflowId, 1);
		expect(execution.status).toBe('success');
		expect(nodeOutput(execution, 'New mail')).toEqual([
			expect.objectContaining({ subject: 'Through real n8n', trigger: expect.objectContaining({ event: 'newMail' }) }),
		]);
	}, 420_000);

	it('after a restart (which n8n 2.40 does without calling checkExists), renews on reauthorizationRequired and keeps delivering', async () => {
		const [before] = liveSubscriptions();
		const renewalsBefore = emulator.requests.count({ method: 'PATCH', status: 200 });
		instance = await restartN8n(instance!);
		front.setTarget(instance.port);
		client = await signInAsOwner(instance);
		// n8n 2.40's publication service keeps webhooks registered across restarts and does not run checkExists.
		expect(emulator.requests.count({ method: 'PATCH', status: 200 })).toBe(renewalsBefore);

		// What Graph sends as the subscription nears its expiry: the webhook renews it.
		expect(sendLifecycle(emulator, emulator.state.data.subscriptions[before.id], 'reauthorizationRequired')).toBe(true);
		await idleDeliveries(emulator);
		await eventually(() => emulator.requests.count({ method: 'PATCH', status: 200 }) > renewalsBefore);
		expect(emulator.requests.count({ method: 'PATCH', status: 200 })).toBe(renewalsBefore + 1);
		expect(liveSubscriptions().map((s) => s.id)).toEqual([before.id]);

		deliverMail(emulator.state, { mailbox: SEED_USERS.support.upn, messages: [{ subject: 'After restart' }] });
		await idleDeliveries(emulator);
		const executions = await waitForExecutions(client, workflowId, 2);
		expect(nodeOutput(executions[1], 'New mail')).toEqual([expect.objectContaining({ subject: 'After restart' })]);
	}, INSTALL_AND_START_MS);

	it('unsubscribes on deactivation', async () => {
		await deactivateWorkflow(client, workflowId);
		await eventually(() => liveSubscriptions().length === 0, 180_000);
		expect(liveSubscriptions()).toEqual([]);
	}, 240_000);
});
