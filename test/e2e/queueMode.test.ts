// n8n's queue mode with the package loaded: a private Redis, n8n as main and two workers (one execution at a
// time each, so concurrent work is spread over both). Executions started by a production webhook and by the
// editor's manual run are queued, run once by one worker, and their results stored where the main process reads
// them. Against the emulator (one n8n start for everything):
// - the Outlook mailbox trigger polls in the main process while its executions run on the workers: every mail,
//   delivered between polls or while a poll is under way, comes out once, and the cursor in static data survives
//   the round trip through n8n's database (deactivate, activate: the new poller reads what was stored);
// - the Microsoft 365 Trigger (Graph notifications to the production webhook, behind an HTTPS front): a burst of
//   20 new mails gives every mail, on the workers, and duplicate deliveries (Graph sends a notification again
//   after a late answer; copies at once) give no second item, although n8n saves each webhook call's static data
//   whole (last write wins): the node's emission ledger (nodes/M365Trigger/emissionLedger.ts) covers the overlap;
// - a guest sync split into disjoint parts run concurrently on both workers invites every email once, creates no
//   duplicate guest, and a part run again (as after a crash) invites nobody again.
import { request as httpsRequest } from 'node:https';

import {
	activateWorkflow,
	callProductionWebhook,
	createWorkflow,
	deactivateWorkflow,
	eventually,
	nodeOutput,
	runWorkflowManually,
	waitForExecution,
	waitForExecutions,
	type CredentialReference,
	type N8nInstance,
	type N8nRestClient,
} from '../../scripts/n8n-runtime';
import { SEED_APPS, SEED_USERS, type Emulator, type RequestLogEntry } from '../emulator';
import { registerExtensionProperty } from '../emulator/graph/extensionProperties';
import { deliverMail } from '../emulator/graph/mail';
import { idleDeliveries, subscriptionRuntime } from '../emulator/graph/subscriptions';
import { cursorKey, hashMessageId } from '../../nodes/M365OutlookMailboxTrigger/cursor';
import { storedIdOf } from '../../nodes/M365Trigger/staticData';
import { describeEmulatorOnly } from '../support/target';
import {
	executionCollector,
	expectEachAnsweredOrMissed,
	occurrences,
	startEmulatorTenant,
	startQueueModeN8n,
	storedStaticData,
	workersThatRan,
	type HttpsFront,
	type QueueModeN8n,
	type WorkflowRuns,
} from './queueModeSupport';
import { guestSyncParameters } from './guestSyncParameters';
import { newMailTriggerNode } from './newMailTrigger';

const INSTALL_AND_START_MS = 30 * 60_000;
/** n8n's shortest poll interval is a minute: a phase of the mailbox test waits for one or two polls. */
const POLLS_MS = 6 * 60_000;

describe('n8n in queue mode (main, two workers, Redis) with the package', () => {
	let n8n: QueueModeN8n | undefined;
	let instance: N8nInstance | undefined;
	let client: N8nRestClient;
	let front: HttpsFront;

	beforeAll(async () => {
		// Graph delivers notifications to HTTPS only: n8n builds its webhook URLs on the front.
		n8n = await startQueueModeN8n({ workers: 2, concurrency: 1 });
		({ instance, client, front } = n8n);
	}, INSTALL_AND_START_MS);

	afterAll(async () => {
		await n8n?.stop();
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

	describeEmulatorOnly(['state', 'requests', 'notifications'], "the package's triggers and a split guest sync", () => {
		let emulator: Emulator;
		let tenantApp: CredentialReference;

		beforeAll(async () => {
			({ emulator, tenantApp } = await startEmulatorTenant(client));
			registerExtensionProperty(emulator.state, SEED_APPS.main.appId, 'm365GuestSyncSource');
		});

		afterAll(async () => {
			await emulator?.close();
		});

		/** Every execution ran on exactly one worker; returns the workers used. */
		function expectEachOnOneWorker(runs: WorkflowRuns): Set<number> {
			const used = new Set<number>();
			for (const execution of runs.executions) {
				const workers = workersThatRan(instance!, execution.id);
				expect({ execution: execution.id, workers: workers.length }).toEqual({ execution: execution.id, workers: 1 });
				used.add(workers[0]);
			}
			return used;
		}

		describe('Outlook mailbox trigger (polls in the main process, executions on the workers)', () => {
			const NODE = 'New mail';
			const DELTA_ROUTE = /\/messages\/delta$/;
			let workflowId: string;
			let runs: () => Promise<WorkflowRuns>;
			const delivered: Array<{ id: string; subject: string; mailbox: string }> = [];
			const deltaCalls = () => emulator.requests.entries().filter((entry) => DELTA_ROUTE.test(entry.route ?? '')).length;

			function deliver(mailbox: string, subjects: string[]): void {
				for (const message of deliverMail(emulator.state, { mailbox, messages: subjects.map((subject) => ({ subject })) })) {
					delivered.push({ id: message.id as string, subject: message.subject ?? '', mailbox });
				}
			}

			async function waitForItems(count: number): Promise<WorkflowRuns> {
				let latest = await runs();
				await eventually(async () => {
					latest = await runs();
					return latest.items.length >= count && latest.unfinished === 0;
				}, POLLS_MS);
				return latest;
			}

			beforeAll(async () => {
				const workflow = await createWorkflow(client, {
					name: 'Mailbox trigger in queue mode',
					nodes: [
						{
							id: 'b2c3d4e5-0000-4000-8000-000000000001',
							name: NODE,
							type: 'n8n-nodes-m365-integration.m365OutlookMailboxTrigger',
							typeVersion: 1,
							position: [0, 0],
							parameters: {
								authentication: 'm365TenantAppApi',
								mailboxScope: 'list',
								mailboxes: {
									mailbox: [
										{ mailbox: { __rl: true, mode: 'address', value: SEED_USERS.support.upn } },
										{ mailbox: { __rl: true, mode: 'address', value: SEED_USERS.adele.upn } },
									],
								},
								folders: ['inbox'],
								startFrom: 'now',
								// Smaller than what arrives at once: the rest follows on the next poll, from the stored cursor.
								maxItemsPerPoll: 4,
								pollTimes: { item: [{ mode: 'everyMinute' }] },
							},
							credentials: { m365TenantAppApi: tenantApp },
						},
					],
					connections: {},
				} as never);
				workflowId = workflow.id;
				runs = executionCollector(client, workflowId, NODE);
			});

			afterAll(async () => {
				if (workflowId) await deactivateWorkflow(client, workflowId).catch(() => undefined);
			});

			it('emits mails delivered between polls once each, the rest of a full poll on the next one', async () => {
				await activateWorkflow(client, workflowId);
				// The activation poll places the cursors (one delta call per folder); mail before it is not wanted.
				await eventually(() => deltaCalls() >= 2, 120_000);
				expect(deltaCalls()).toBeGreaterThanOrEqual(2);

				deliver(SEED_USERS.support.upn, ['Between polls 1', 'Between polls 2', 'Between polls 3']);
				deliver(SEED_USERS.adele.upn, ['Between polls 4', 'Between polls 5']);
				const result = await waitForItems(5);
				expect(result.items.map((item) => item.id).sort()).toEqual(delivered.map((mail) => mail.id).sort());
				// Five mails, at most four per poll: two executions.
				expect(result.executions.length).toBeGreaterThanOrEqual(2);
				expect(result.executions.every((execution) => execution.status === 'success')).toBe(true);
				expectEachOnOneWorker(result);
			}, POLLS_MS + 60_000);

			it('emits a mail that arrives while a poll is under way on the next poll, once', async () => {
				const supportId = SEED_USERS.support.id.toLowerCase();
				const supportUpn = SEED_USERS.support.upn.toLowerCase();
				const requests = emulator.requests;
				const record = requests.record.bind(requests);
				let pending = true;
				// Right after Graph answered the support folder's delta call of the next poll, a mail arrives there.
				requests.record = (entry: RequestLogEntry) => {
					record(entry);
					const path = decodeURIComponent(entry.path).toLowerCase();
					if (pending && DELTA_ROUTE.test(entry.route ?? '') && (path.includes(supportId) || path.includes(supportUpn))) {
						pending = false;
						deliver(SEED_USERS.support.upn, ['During a poll']);
					}
				};
				try {
					deliver(SEED_USERS.adele.upn, ['Between polls 6', 'Between polls 7']);
					const result = await waitForItems(8);
					expect(pending).toBe(false);
					expect(result.items.map((item) => item.id).sort()).toEqual(delivered.map((mail) => mail.id).sort());
					expectEachOnOneWorker(result);
				} finally {
					requests.record = record;
				}
			}, POLLS_MS + 60_000);

			it('keeps the cursor in the stored static data although the executions ran on workers; a new poller goes on from it', async () => {
				const before = await waitForItems(delivered.length);
				expect(before.unfinished).toBe(0);
				// The main process saved the cursors when it emitted; the workers' executions did not overwrite them.
				const stored = (await storedStaticData(client, workflowId))[`node:${NODE}`] as
					| { mailboxTrigger?: { cursors: Record<string, { recent: Array<[string, number]>; deltaUrl?: string }> } }
					| undefined;
				const cursors = stored?.mailboxTrigger?.cursors ?? {};
				expect(Object.keys(cursors).sort()).toEqual(
					[cursorKey(SEED_USERS.adele.upn, 'inbox'), cursorKey(SEED_USERS.support.upn, 'inbox')].sort(),
				);
				const remembered = new Set(Object.values(cursors).flatMap((cursor) => cursor.recent.map(([hash]) => hash)));
				expect(delivered.filter((mail) => !remembered.has(hashMessageId(mail.id))).map((mail) => mail.subject)).toEqual([]);
				expect(Object.values(cursors).every((cursor) => typeof cursor.deltaUrl === 'string')).toBe(true);

				// A new poller (deactivate, activate) starts from what the database holds: mail that arrived while the
				// workflow was inactive comes out, nothing emitted before comes out again.
				await deactivateWorkflow(client, workflowId);
				deliver(SEED_USERS.support.upn, ['While inactive 1', 'While inactive 2']);
				await activateWorkflow(client, workflowId);
				const after = await waitForItems(delivered.length);
				expect(after.items.map((item) => item.id).sort()).toEqual(delivered.map((mail) => mail.id).sort());
				expectEachOnOneWorker(after);
			}, POLLS_MS + 60_000);

			it('emits nothing more on the following polls: every mail exactly once, none lost', async () => {
				// Two more polls (one delta call per folder each) after the last item: a poll's execution is created
				// as the poll ends, well before the next poll starts.
				const calls = deltaCalls();
				await eventually(() => deltaCalls() >= calls + 4, POLLS_MS);
				expect(deltaCalls()).toBeGreaterThanOrEqual(calls + 4);
				const result = await waitForItems(delivered.length);
				const counts = occurrences(result.items.map((item) => String(item.id)));
				expect(Object.values(counts).filter((count) => count !== 1)).toEqual([]);
				expect(Object.keys(counts).sort()).toEqual(delivered.map((mail) => mail.id).sort());
				expect(result.items.map((item) => item.subject).sort()).toEqual(delivered.map((mail) => mail.subject).sort());
			}, POLLS_MS + 60_000);
		});

		describe('Microsoft 365 Trigger (Graph notifications to the production webhook, executions on the workers)', () => {
			const NODE = 'New sales mail';
			const WEBHOOK_ID = '6d2a9c1e-4b7f-4e3a-8d5c-1f0e9a8b7c62';
			let workflowId: string;
			let runs: () => Promise<WorkflowRuns>;

			const liveSubscriptions = () =>
				Object.values(emulator.state.data.subscriptions).filter(
					(s) => Date.parse(s.expirationDateTime) > emulator.clock.nowMs() && s.notificationUrl.includes(WEBHOOK_ID),
				);

			async function post(url: string, body: string): Promise<void> {
				// The front's certificate is the emulator's, trusted through NODE_EXTRA_CA_CERTS (https.request honours it).
				await new Promise<void>((resolve) => {
					const req = httpsRequest(url, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
						res.resume();
						res.on('end', () => resolve());
					});
					req.on('error', () => resolve());
					req.end(body);
				});
			}

			beforeAll(async () => {
				const workflow = await createWorkflow(client, {
					name: 'Sales desk mail (queue mode)',
					nodes: [
						newMailTriggerNode({ id: 'c3d4e5f6-0000-4000-8000-000000000001', name: NODE, webhookId: WEBHOOK_ID, mailboxUpn: SEED_USERS.salesDesk.upn, tenantApp }),
					],
					connections: {},
				} as never);
				workflowId = workflow.id;
				runs = executionCollector(client, workflowId, NODE);
			});

			afterAll(async () => {
				front.answerFirstCopyLate(undefined);
				if (workflowId) await deactivateWorkflow(client, workflowId).catch(() => undefined);
			});

			const delivered: string[] = [];
			let notificationUrl: string;

			/** Delivers mail to the sales desk; resolves when its notifications (retries included) have been answered. */
			async function deliverBurst(count: number, subjectPrefix: string): Promise<string[]> {
				const messages = deliverMail(emulator.state, { mailbox: SEED_USERS.salesDesk.upn, count, subjectPrefix });
				const ids = messages.map((message) => message.id as string);
				delivered.push(...ids);
				await idleDeliveries(emulator);
				return ids;
			}

			/** The workflow's items once the item of a last mail is out (the webhook calls before it have been handled). */
			async function itemsAfterLastMail(): Promise<WorkflowRuns> {
				const [last] = await deliverBurst(1, 'Last');
				let result = await runs();
				await eventually(async () => {
					result = await runs();
					return result.items.some((item) => item.id === last) && result.unfinished === 0;
				}, 180_000);
				return result;
			}

			/** Every mail delivered came out (none lost), every execution succeeded on one worker; returns the count per id. */
			function expectEveryMail(result: WorkflowRuns): Record<string, number> {
				const counts = occurrences(result.items.map((item) => String(item.id)));
				expect(Object.keys(counts).sort()).toEqual([...delivered].sort());
				expect(result.executions.every((execution) => execution.status === 'success')).toBe(true);
				expectEachOnOneWorker(result);
				return counts;
			}

			it('a burst of 20 new mails (20 notifications at once): every mail comes out, the executions run on the workers', async () => {
				await activateWorkflow(client, workflowId);
				await eventually(() => liveSubscriptions().length === 1, 180_000);
				const [subscription] = liveSubscriptions();
				notificationUrl = subscription.notificationUrl;
				expect(notificationUrl).toBe(`${front.url}webhook/${WEBHOOK_ID}/webhook`);

				await deliverBurst(20, 'Burst');
				// Each answered (202); on a loaded machine some answers take over 3 s and Graph sends those again, and
				// one Graph gave up on is followed by `missed` and a catch-up.
				expectEachAnsweredOrMissed(subscriptionRuntime(emulator).log, notificationUrl, 20);
				expectEveryMail(await itemsAfterLastMail());
			}, 600_000);

			// n8n runs each webhook call on a copy of the static data it read from the database when the call came in
			// and writes the whole object back when the call is done (last write wins). Calls that overlap (Graph sends
			// a burst at once) would lose each other's "emitted ids", and two copies at once would both pass a check
			// of static data alone; the trigger's emission ledger is what this proves. Queue mode is not the cause:
			// webhooks run in the main process in both modes.
			it('duplicate deliveries (late answers make Graph send again; two copies at once) give no second item', async () => {
				// The ids of the first burst are what a later duplicate is checked against.
				const stored = (await storedStaticData(client, workflowId))[`node:${NODE}`] as
					| { production?: { emitted?: Record<string, string[]> } }
					| undefined;
				const remembered = new Set(Object.values(stored?.production?.emitted ?? {}).flat());
				// Long ids (mail) are stored as a hash (nodes/M365Trigger/staticData.ts).
				expect(delivered.filter((id) => !remembered.has(storedIdOf(id)))).toEqual([]);

				// Graph sends a notification again when no answer comes within 3 s: the front answers the first copy
				// of each one late (n8n has taken it already), so every notification of this burst arrives twice.
				const before = subscriptionRuntime(emulator).log.length;
				front.answerFirstCopyLate(3_500);
				await deliverBurst(20, 'Burst with duplicates');
				front.answerFirstCopyLate(undefined);
				const log = expectEachAnsweredOrMissed(subscriptionRuntime(emulator).log.slice(before), notificationUrl, 20);
				expect(log.filter((entry) => entry.attempts < 2)).toEqual([]);
				// And copies at the same moment: every notification of both bursts replayed twice at once.
				const all = subscriptionRuntime(emulator).log.filter((entry) => entry.url === notificationUrl);
				await Promise.all(
					all.flatMap((entry) => [post(notificationUrl, JSON.stringify(entry.body)), post(notificationUrl, JSON.stringify(entry.body))]),
				);
				const counts = expectEveryMail(await itemsAfterLastMail());
				expect(Object.entries(counts).filter(([, count]) => count !== 1)).toEqual([]);
			}, 600_000);
		});

		describe('Guest sync split into parts run concurrently on the two workers', () => {
			const NODE = 'Sync guests';
			const SOURCE = 'partner-portal';
			let workflowId: string;
			const partners = Array.from({ length: 50 }, (_, i) => ({
				email: `partner${String(i + 1).padStart(2, '0')}@northwind-partners.example`,
				displayName: `Partner ${i + 1}`,
			}));
			/** Disjoint parts: each email in exactly one (how a split sync must be built). */
			const parts = [0, 1, 2, 3, 4].map((part) => partners.slice(part * 10, part * 10 + 10));

			const invitationsByEmail = () =>
				occurrences(
					Object.values(emulator.state.data.invitations).map((invitation) =>
						String(invitation.invitedUserEmailAddress).toLowerCase(),
					),
				);
			const accountsOf = (email: string) =>
				emulator.state.users().filter((record) => {
					const user = record.user;
					return (
						user.mail?.toLowerCase() === email ||
						(user.otherMails ?? []).some((other) => other.toLowerCase() === email) ||
						user.userPrincipalName.toLowerCase().startsWith(`${email.replace('@', '_')}#ext#`)
					);
				});

			async function runPart(users: typeof partners): Promise<{ status: number; results: Array<Record<string, unknown>> }> {
				const response = await callProductionWebhook(instance!, 'guest-sync-part', {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify({ users }),
				});
				const body = (await response.json().catch(() => [])) as Array<Record<string, unknown>> | Record<string, unknown>;
				return { status: response.status, results: Array.isArray(body) ? body : [body] };
			}

			beforeAll(async () => {
				const workflow = await createWorkflow(client, {
					name: 'Guest sync, one part per call',
					nodes: [
						{
							id: 'd4e5f6a7-0000-4000-8000-000000000001',
							name: 'Part',
							type: 'n8n-nodes-base.webhook',
							typeVersion: 2,
							webhookId: 'd4e5f6a7-0000-4000-8000-0000000000aa',
							position: [0, 0],
							// The caller gets the sync's output when the part has run (on a worker).
							parameters: { httpMethod: 'POST', path: 'guest-sync-part', responseMode: 'lastNode', responseData: 'allEntries', options: {} },
						},
						{
							id: 'd4e5f6a7-0000-4000-8000-000000000002',
							name: 'One item per user',
							type: 'n8n-nodes-base.splitOut',
							typeVersion: 1,
							position: [220, 0],
							parameters: { fieldToSplitOut: 'body.users', options: {} },
						},
						{
							id: 'd4e5f6a7-0000-4000-8000-000000000003',
							name: NODE,
							type: 'n8n-nodes-m365-integration.m365GuestSync',
							typeVersion: 1,
							position: [440, 0],
							parameters: guestSyncParameters(SOURCE, {
								// A part never sees the whole list: it must not remove anyone.
								removal: 'none',
								invitation: { inviteRedirectUrl: 'https://teams.microsoft.com', sendInvitationMessage: true },
							}),
							credentials: { m365TenantAppApi: tenantApp },
						},
					],
					connections: {
						Part: { main: [[{ node: 'One item per user', type: 'main', index: 0 }]] },
						'One item per user': { main: [[{ node: NODE, type: 'main', index: 0 }]] },
					},
				} as never);
				workflowId = workflow.id;
				await activateWorkflow(client, workflowId);
				// Each part takes a while, so the parts overlap in time on the two workers.
				emulator.latencyMs = 100;
			});

			afterAll(async () => {
				emulator.latencyMs = 0;
				if (workflowId) await deactivateWorkflow(client, workflowId).catch(() => undefined);
			});

			it('invites every email of four concurrent parts once and creates no duplicate guest', async () => {
				const answers = await Promise.all(parts.slice(0, 4).map(async (part) => await runPart(part)));
				expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200]);
				for (const answer of answers) {
					expect(answer.results.find((json) => json.type === 'summary')).toMatchObject({ invited: 10, failed: 0 });
				}

				const runs = executionCollector(client, workflowId, NODE);
				let result = await runs();
				await eventually(async () => (result = await runs()).executions.length >= 4 && result.unfinished === 0);
				expect(result.executions).toHaveLength(4);
				expect(result.executions.every((execution) => execution.status === 'success')).toBe(true);
				// Split over workers indeed: both ran parts.
				expect([...expectEachOnOneWorker(result)].sort()).toEqual([0, 1]);

				const emails = parts.slice(0, 4).flat().map((user) => user.email);
				expect(invitationsByEmail()).toEqual(Object.fromEntries(emails.map((email) => [email, 1])));
				expect(emails.filter((email) => accountsOf(email).length !== 1)).toEqual([]);
				expect(emails.filter((email) => (accountsOf(email)[0]?.user as unknown as Record<string, unknown>)[
					`extension_${SEED_APPS.main.appId.replace(/-/g, '')}_m365GuestSyncSource`
				] !== SOURCE)).toEqual([]);
			}, 600_000);

			it('a part run again (as after a crash) invites nobody again', async () => {
				// Runs again come later than Entra's replication of the guests invited so far (test/emulator/graph/replication.ts).
				emulator.clock.advance(10);
				// A part that ran to its end, run again.
				const again = await runPart(parts[1]);
				expect(again.status).toBe(200);
				expect(again.results.find((json) => json.type === 'summary')).toMatchObject({ invited: 0, unchanged: 10, failed: 0 });

				// A part cut short after its first users (the worker went down), then run whole, concurrently with a
				// repeat of another part.
				const cut = await runPart(parts[4].slice(0, 4));
				expect(cut.results.find((json) => json.type === 'summary')).toMatchObject({ invited: 4 });
				emulator.clock.advance(10);
				const [whole, repeat] = await Promise.all([runPart(parts[4]), runPart(parts[0])]);
				expect(whole.results.find((json) => json.type === 'summary')).toMatchObject({ invited: 6, unchanged: 4, failed: 0 });
				expect(repeat.results.find((json) => json.type === 'summary')).toMatchObject({ invited: 0, unchanged: 10 });

				const emails = partners.map((user) => user.email);
				expect(invitationsByEmail()).toEqual(Object.fromEntries(emails.map((email) => [email, 1])));
				expect(emails.filter((email) => accountsOf(email).length !== 1)).toEqual([]);
			}, 600_000);
		});
	});
});
