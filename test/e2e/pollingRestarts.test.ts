// Issue 15 item 3, in a real n8n 2.40.7: both polling triggers across an unclean stop of n8n (SIGKILL) after many
// idle polls, one of them in the middle of a backfill. n8n writes a polling trigger's static data only at activation
// and when a poll emits (and only if it saw the static data change), so after the restart the triggers continue
// from the cursors of their last emitting poll. Every mail must reach the workflow: nothing lost while n8n was down,
// nothing repeated after it. Then the one window where n8n's own ordering repeats an item: it starts the static-data
// write of an emitting poll without waiting for it and runs the execution, so n8n killed after the execution and
// before the write landed emits that poll's items again after the restart. The write is held back deliberately (an
// SQLite trigger refuses it, as a kill in that window leaves the database), the execution is seen, n8n is killed:
// the repeat carries the same trigger.dedupKey, and n8n's Remove Duplicates node on it passes every mail once.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

import {
	activateWorkflow,
	createEmulatorCredentials,
	createWorkflow,
	ensureN8n,
	eventually,
	getExecution,
	listExecutions,
	nodeOutput,
	packPackage,
	signInAsOwner,
	startN8n,
	type N8nInstance,
	type N8nRestClient,
} from '../../scripts/n8n-runtime';
import { SEED_USERS, startEmulator, type Emulator } from '../emulator';
import { deliverMail } from '../emulator/graph/mail';
import { storedIdOf } from '../../nodes/M365Trigger/staticData';
import { describeEmulatorOnly } from '../support/target';
import { emulatorTenantOf } from './emulatorTenant';
import { storedStaticData } from './queueModeSupport';

const INSTALL_AND_START_MS = 30 * 60_000;
const LEE = SEED_USERS.lee;
const SUPPORT = SEED_USERS.support;
const BACKFILLED = SEED_USERS.diego;
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
/** The conditions below read every execution over n8n's REST API: checked once a second, not four times. */
const CHECK_EVERY_MS = 1000;
/** After the Polling Trigger: n8n's Remove Duplicates node on trigger.dedupKey (docs/nodes/M365Trigger.md). */
const FIRST_COPY = 'First copy';
const HOLD_BACK_TRIGGER = 'm365_e2e_static_data_held_back';

/** Runs SQL on n8n's SQLite database with the runtime's Node 24 (node:sqlite), waiting out n8n's own writes. */
async function sqlite(userFolder: string, sql: string): Promise<void> {
	const { nodeBin } = await ensureN8n();
	const script = `const { DatabaseSync } = require('node:sqlite'); const db = new DatabaseSync(process.argv[1]); db.exec('PRAGMA busy_timeout = 30000'); db.exec(process.argv[2]); db.close();`;
	const result = spawnSync(nodeBin, ['--no-warnings', '-e', script, path.join(userFolder, '.n8n', 'database.sqlite'), sql], { encoding: 'utf8' });
	if (result.status !== 0) throw new Error(`sqlite: ${result.stderr}`);
}

describeEmulatorOnly(['state', 'requests'], 'polling triggers across an unclean restart of a real n8n', () => {
	let emulator: Emulator;
	let instance: N8nInstance | undefined;
	let client: N8nRestClient;
	const ids: Record<'mailbox' | 'backfill' | 'polling', string> = { mailbox: '', backfill: '', polling: '' };

	/** What a node of the workflow output over every execution, in execution order. */
	async function outputOf(workflowId: string, node = 'Trigger'): Promise<Array<{ subject?: string; trigger?: { dedupKey?: string } }>> {
		const summaries = (await listExecutions(client, workflowId)).sort((a, b) => Number(a.id) - Number(b.id));
		const items: Array<{ subject?: string; trigger?: { dedupKey?: string } }> = [];
		for (const summary of summaries) items.push(...(nodeOutput(await getExecution(client, summary.id), node) as typeof items));
		return items;
	}
	/** Subjects every execution of a workflow received, in execution order. */
	const received = async (workflowId: string, node = 'Trigger') => (await outputOf(workflowId, node)).map((item) => String(item.subject));
	const unfinished = async (workflowId: string) =>
		(await listExecutions(client, workflowId)).filter((summary) => !['success', 'error', 'crashed', 'canceled'].includes(summary.status)).length;
	/** The Polling Trigger's emitted ids as n8n stored them (static data in its database). */
	const storedPollingIds = async () =>
		JSON.stringify(((await storedStaticData(client, ids.polling))['node:Trigger'] as { production?: { emitted?: unknown } } | undefined)?.production?.emitted ?? {});
	/** Delta calls (top-level or inside $batch) for a mailbox, however the path names it. */
	const deltaCalls = (user: { id: string; upn: string }) =>
		emulator.requests
			.entries()
			.filter((entry) => entry.path.endsWith('/messages/delta'))
			.filter((entry) => [user.id, user.upn, encodeURIComponent(user.upn)].some((name) => entry.path.includes(name))).length;
	const backfilledSubjects = async () => (await received(ids.backfill)).filter((subject) => subject.startsWith('backfill '));

	beforeAll(async () => {
		emulator = await startEmulator();
		const packageTgz = await packPackage();
		instance = await startN8n({ packageTgz });
		client = await signInAsOwner(instance);
		const { tenantApp } = await createEmulatorCredentials(client, emulatorTenantOf(emulator));
		const credentials = { m365TenantAppApi: tenantApp };
		const pollTimes = { item: [{ mode: 'everyMinute' }] };
		const mailboxes = (upn: string) => ({ mailbox: [{ mailbox: { __rl: true, mode: 'address', value: upn } }] });
		const workflow = async (name: string, type: string, parameters: Record<string, unknown>, after: Array<Record<string, unknown>> = []) =>
			(
				await createWorkflow(client, {
					name,
					nodes: [
						{ id: `${name}-trigger`, name: 'Trigger', type: `n8n-nodes-m365-integration.${type}`, typeVersion: 1, position: [0, 0], parameters: { ...parameters, pollTimes }, credentials },
						...after,
					],
					connections: after.length ? { Trigger: { main: [[{ node: after[0].name as string, type: 'main', index: 0 }]] } } : {},
				} as never)
			).id;
		// 60 older messages backfilled 10 a poll: the backfill is still under way when n8n is killed.
		const now = emulator.clock.nowMs();
		deliverMail(emulator.state, {
			mailbox: BACKFILLED.upn,
			messages: Array.from({ length: 60 }, (_, i) => ({ subject: `backfill ${String(i).padStart(2, '0')}`, receivedDateTime: iso(now - 3_600_000 + i * 1000) })),
		});
		ids.mailbox = await workflow('Mailbox trigger', 'm365OutlookMailboxTrigger', { authentication: 'm365TenantAppApi', mailboxScope: 'list', mailboxes: mailboxes(LEE.upn) });
		ids.backfill = await workflow('Mailbox trigger backfill', 'm365OutlookMailboxTrigger', {
			authentication: 'm365TenantAppApi',
			mailboxScope: 'list',
			mailboxes: mailboxes(BACKFILLED.upn),
			startFrom: 'date',
			backfillDate: iso(now - 2 * 3_600_000),
			maxItemsPerPoll: 10,
		});
		ids.polling = await workflow('Polling trigger', 'm365PollingTrigger', { authentication: 'm365TenantAppApi', event: 'newMail', mailboxes: mailboxes(SUPPORT.upn), mailFolder: 'inbox' }, [
			{
				id: 'polling-first-copy',
				name: FIRST_COPY,
				type: 'n8n-nodes-base.removeDuplicates',
				typeVersion: 2,
				position: [220, 0],
				parameters: { operation: 'removeItemsSeenInPreviousExecutions', logic: 'removeItemsWithAlreadySeenKeyValues', dedupeValue: '={{ $json.trigger.dedupKey }}', options: {} },
			},
		]);
		for (const id of Object.values(ids)) await activateWorkflow(client, id);
	}, INSTALL_AND_START_MS);

	afterAll(async () => {
		await instance?.stop();
		await emulator?.close();
	}, 120_000);

	it('both triggers lose and repeat nothing across a SIGKILL after idle polls and in the middle of a backfill', async () => {
		// Activation placed the cursors (one delta round in each inbox); then mail arrives and is emitted once.
		await eventually(() => deltaCalls(LEE) >= 1 && deltaCalls(SUPPORT) >= 1, 300_000, CHECK_EVERY_MS);
		deliverMail(emulator.state, { mailbox: LEE.upn, messages: [{ subject: 'before' }] });
		const [supportBefore] = deliverMail(emulator.state, { mailbox: SUPPORT.upn, messages: [{ subject: 'before' }] });
		await eventually(async () => (await received(ids.mailbox)).length >= 1 && (await received(ids.polling)).length >= 1, 300_000, CHECK_EVERY_MS);
		// n8n saved the emitting poll's state (it writes without waiting, so the write may land a moment later).
		const beforeId = storedIdOf(supportBefore.id as string);
		await eventually(async () => (await storedPollingIds()).includes(beforeId), 60_000, CHECK_EVERY_MS);
		expect(await storedPollingIds()).toContain(beforeId);
		// Idle polls follow (unsaved by n8n); the backfill goes on meanwhile.
		const idleFrom = { lee: deltaCalls(LEE), support: deltaCalls(SUPPORT) };
		await eventually(() => deltaCalls(LEE) >= idleFrom.lee + 2 && deltaCalls(SUPPORT) >= idleFrom.support + 2, 400_000, CHECK_EVERY_MS);
		const backfilledBeforeKill = (await backfilledSubjects()).length;
		expect(backfilledBeforeKill).toBeGreaterThan(0);
		expect(backfilledBeforeKill).toBeLessThan(60);

		// Unclean stop: the whole n8n process group is killed, then n8n starts again on the same database.
		const { userFolder, port } = instance!;
		process.kill(-(instance!.process.pid as number), 'SIGKILL');
		await instance!.stop();
		deliverMail(emulator.state, { mailbox: LEE.upn, messages: [{ subject: 'while n8n was down' }] });
		deliverMail(emulator.state, { mailbox: SUPPORT.upn, messages: [{ subject: 'while n8n was down' }] });
		instance = await startN8n({ userFolder, port });
		client = await signInAsOwner(instance);

		await eventually(
			async () =>
				(await received(ids.mailbox)).length >= 2 && (await received(ids.polling)).length >= 2 && (await backfilledSubjects()).length >= 60,
			900_000,
			CHECK_EVERY_MS,
		);
		// One more poll of each after that: nothing comes again.
		const settledAt = { lee: deltaCalls(LEE), support: deltaCalls(SUPPORT), backfill: deltaCalls(BACKFILLED) };
		await eventually(
			() => deltaCalls(LEE) > settledAt.lee && deltaCalls(SUPPORT) > settledAt.support && deltaCalls(BACKFILLED) > settledAt.backfill,
			300_000,
			CHECK_EVERY_MS,
		);
		expect(await received(ids.mailbox)).toEqual(['before', 'while n8n was down']);
		expect(await received(ids.polling)).toEqual(['before', 'while n8n was down']);
		const everything = await received(ids.backfill);
		expect(new Set(everything).size).toBe(everything.length);
		const backfilled = await backfilledSubjects();
		expect([...backfilled].sort()).toEqual(Array.from({ length: 60 }, (_, i) => `backfill ${String(i).padStart(2, '0')}`));
	}, 40 * 60_000);

	it("Polling Trigger killed after an emitting poll's execution and before n8n's unawaited static-data write: the repeat has the same dedupKey, Remove Duplicates passes every mail once", async () => {
		const { userFolder, port } = instance!;
		const executionsBefore = (await received(ids.polling)).length;
		// The write of this workflow's static data is refused from now on (n8n logs it and does not retry).
		await sqlite(
			userFolder,
			`CREATE TRIGGER ${HOLD_BACK_TRIGGER} BEFORE UPDATE OF staticData ON workflow_entity WHEN NEW.id = '${ids.polling}' ` +
				`BEGIN SELECT RAISE(ABORT, 'e2e: static data write held back'); END;`,
		);
		const [inWindow] = deliverMail(emulator.state, { mailbox: SUPPORT.upn, messages: [{ subject: 'in the window' }] });
		await eventually(async () => (await received(ids.polling)).length > executionsBefore && (await unfinished(ids.polling)) === 0, 300_000, CHECK_EVERY_MS);
		expect((await received(ids.polling)).slice(executionsBefore)).toEqual(['in the window']);
		// The execution ran and recorded the key; the static data does not know the mail was emitted.
		expect(await storedPollingIds()).not.toContain(storedIdOf(inWindow.id as string));

		process.kill(-(instance!.process.pid as number), 'SIGKILL');
		await instance!.stop();
		await sqlite(userFolder, `DROP TRIGGER ${HOLD_BACK_TRIGGER};`);
		deliverMail(emulator.state, { mailbox: SUPPORT.upn, messages: [{ subject: 'after the window' }] });
		instance = await startN8n({ userFolder, port });
		client = await signInAsOwner(instance);

		await eventually(async () => (await received(ids.polling)).includes('after the window') && (await unfinished(ids.polling)) === 0, 600_000, CHECK_EVERY_MS);
		const settledAt = deltaCalls(SUPPORT);
		await eventually(() => deltaCalls(SUPPORT) > settledAt, 300_000, CHECK_EVERY_MS);
		await eventually(async () => (await unfinished(ids.polling)) === 0, 60_000, CHECK_EVERY_MS);

		// The trigger emitted the mail of the lost write again, after the restart, with the key of its first copy.
		const emitted = await outputOf(ids.polling);
		expect(emitted.map((item) => item.subject)).toEqual(['before', 'while n8n was down', 'in the window', 'in the window', 'after the window']);
		expect(emitted[3].trigger?.dedupKey).toBe(emitted[2].trigger?.dedupKey);
		expect(new Set(emitted.map((item) => item.trigger?.dedupKey)).size).toBe(4);
		// n8n's Remove Duplicates node on trigger.dedupKey, right after the trigger, passed each mail on once.
		expect(await received(ids.polling, FIRST_COPY)).toEqual(['before', 'while n8n was down', 'in the window', 'after the window']);
	}, 25 * 60_000);
});
