// Every node's main path inside one real n8n 2.40.7, against the emulator: credentials created through n8n's REST
// API (the integration account and two senders connected through n8n's own OAuth2 flow), workflows created through
// it and run manually, by a production webhook or by activation; each checked in n8n's execution output and in the
// emulator's state. The trigger (webhooks) and the health node have their own files (m365Trigger.test.ts,
// targetConnection.test.ts).
import {
	activateWorkflow,
	callProductionWebhook,
	connectOAuth2OverHttp,
	createCredential,
	createWorkflow,
	deactivateWorkflow,
	ensureN8n,
	eventually,
	getWorkflow,
	integrationAccountCredentialData,
	listExecutions,
	getExecution,
	nodeOutput,
	packPackage,
	PACKAGE_NAME,
	runWorkflowManually,
	signInAsOwner,
	startN8n,
	waitForExecution,
	waitForExecutions,
	type EmulatorCredentials,
	type Execution,
	type N8nInstance,
	type N8nRestClient,
} from '../../scripts/n8n-runtime';
import {
	emulatorRequest,
	SEED_APPS,
	SEED_CHANNELS,
	SEED_CHATS,
	SEED_GUESTS,
	SEED_USERS,
	startEmulator,
	type Emulator,
	type RequestLogEntry,
} from '../emulator';
import { extensionName, registerExtensionProperty } from '../emulator/graph/extensionProperties';
import { deliverMail } from '../emulator/graph/mail';
import { aggregatePresence } from '../emulator/graph/presence';
import type { GraphChatMessage } from '../emulator/state/types';
import { describeEmulatorOnly } from '../support/target';
import { stripLegacyMarker } from '../../nodes/M365TeamsMessage/helpers/postKey';
import { connectedEmulatorCredentials, emulatorTenantOf } from './emulatorTenant';
import { guestSyncParameters } from './guestSyncParameters';

const INSTALL_AND_START_MS = 30 * 60_000;
/** n8n's shortest poll interval is a minute: the activated mailbox trigger waits for one or two polls. */
const POLLS_MS = 4 * 60_000;
const SENDER_TYPE = 'm365UserOAuth2Api';
const GUEST_SOURCE = 'n8n-e2e-partners';
const MARKER = extensionName(SEED_APPS.main.appId, 'm365GuestSyncSource');

type Json = Record<string, unknown>;
type CredentialRefs = Record<string, { id: string; name: string }>;

interface NodeSpec {
	name: string;
	type: string;
	parameters: Json;
	credentials?: CredentialRefs;
	webhookId?: string;
}

/**
 * Every token and code the emulator hands out from now on (access, refresh and id tokens, authorization codes):
 * what an execution must never contain. The emulator runs in this process, so its token service is wrapped.
 */
function recordIssuedSecrets(emulator: Emulator): Set<string> {
	const issued = new Set<string>();
	const service = emulator.tokens as unknown as Record<string, (...args: unknown[]) => unknown>;
	for (const method of ['issueAppToken', 'issueDelegatedAccessToken', 'issueRefreshToken', 'issueIdToken', 'issueAuthorizationCode']) {
		const original = service[method].bind(service);
		service[method] = (...args: unknown[]) => {
			const secret = original(...args);
			if (typeof secret === 'string') issued.add(secret);
			return secret;
		};
	}
	return issued;
}

/** A Code node that outputs these items (n8n's task runner runs it, as in any workflow). */
function itemsNode(name: string, items: Json[]): NodeSpec {
	return {
		name,
		type: 'n8n-nodes-base.code',
		parameters: { jsCode: `return ${JSON.stringify(items)}.map((json) => ({ json }));` },
	};
}

/** A workflow of these nodes (ids and positions filled in), each linked to the next unless `links` says otherwise. */
function workflowOf(name: string, nodes: NodeSpec[], links?: Array<[string, string]>) {
	const connections: Record<string, { main: Array<Array<{ node: string; type: 'main'; index: number }>> }> = {};
	for (const [from, to] of links ?? nodes.slice(1).map((node, index): [string, string] => [nodes[index].name, node.name])) {
		connections[from] ??= { main: [[]] };
		connections[from].main[0].push({ node: to, type: 'main', index: 0 });
	}
	return {
		name,
		nodes: nodes.map((node, index) => ({
			id: `0e2e0000-0000-4000-8000-${String(index + 1).padStart(12, '0')}`,
			typeVersion: node.type === 'n8n-nodes-base.code' || node.type === 'n8n-nodes-base.webhook' ? 2 : 1,
			position: [index * 220, 0] as [number, number],
			...node,
		})),
		connections,
	};
}

const MANUAL_TRIGGER: NodeSpec = { name: 'Start', type: 'n8n-nodes-base.manualTrigger', parameters: {} };

function failureOf(execution: Execution): string {
	const error = execution.data.resultData.error as { message?: string; description?: string; node?: { name?: string } } | undefined;
	return error ? `${error.node?.name ?? ''}: ${error.message ?? ''} ${error.description ?? ''}` : '';
}

function expectSuccess(execution: Execution): void {
	// The error's text in the failure message says what went wrong inside n8n.
	expect({ status: execution.status, error: failureOf(execution) }).toEqual({ status: 'success', error: '' });
}

const locator = (value: string, mode = 'id') => ({ __rl: true, mode, value });

describeEmulatorOnly(['state', 'requests', 'tokens', 'seed', 'signInPage'], "every node's main path in a real n8n", () => {
	let emulator: Emulator;
	let instance: N8nInstance | undefined;
	let client: N8nRestClient;
	let credentials: EmulatorCredentials;
	let issuedSecrets: Set<string>;
	const workflowIds: string[] = [];

	async function senderCredential(name: string, user: { upn: string; password: string }): Promise<{ id: string; name: string }> {
		const id = await createCredential(client, { name, type: SENDER_TYPE, data: integrationAccountCredentialData(emulatorTenantOf(emulator)) });
		await connectOAuth2OverHttp(client, id, { login: user.upn, password: user.password });
		return { id, name };
	}

	/** Creates the workflow (Start -> ...nodes) and runs it as the editor's "Execute workflow" does. */
	async function runManually(name: string, nodes: NodeSpec[]): Promise<{ workflowId: string; execution: Execution }> {
		const workflow = await createWorkflow(client, workflowOf(name, [MANUAL_TRIGGER, ...nodes]) as never);
		workflowIds.push(workflow.id);
		const executionId = await runWorkflowManually(client, workflow.id, MANUAL_TRIGGER.name);
		return { workflowId: workflow.id, execution: await waitForExecution(client, executionId) };
	}

	beforeAll(async () => {
		emulator = await startEmulator();
		issuedSecrets = recordIssuedSecrets(emulator);
		// The guest sync's marker attribute, registered once on the app as an admin does.
		registerExtensionProperty(emulator.state, SEED_APPS.main.appId, 'm365GuestSyncSource');
		const [, packageTgz] = await Promise.all([ensureN8n(), packPackage()]);
		instance = await startN8n({ packageTgz });
		client = await signInAsOwner(instance);
		credentials = await connectedEmulatorCredentials(client, instance, emulator);
	}, INSTALL_AND_START_MS);

	afterAll(async () => {
		await instance?.stop();
		await emulator?.close();
	}, 60_000);

	describe('Teams Message', () => {
		const TYPE = `${PACKAGE_NAME}.m365TeamsMessage`;
		const channelPost = (extra: Json = {}): Json => ({
			resource: 'channelMessage',
			operation: 'post',
			teamId: locator('={{ $json.teamId }}'),
			channelId: locator('={{ $json.channelId }}'),
			contentType: 'text',
			content: '={{ $json.text }}',
			attribution: { senderName: '={{ $json.senderName }}', platform: '={{ $json.platform }}' },
			...extra,
		});
		const channelItem = (channel: { teamId: string; id: string }, text: string, senderName = '', platform = '') => ({
			teamId: channel.teamId,
			channelId: channel.id,
			text,
			senderName,
			platform,
		});

		/** The message as the emulator stores it: who posted it and its body without the invisible marker. */
		function stored(messages: GraphChatMessage[] | undefined, id: unknown): { from?: string; content: string } | undefined {
			const message = (messages ?? []).find((candidate) => candidate.id === id);
			if (!message) return undefined;
			return { from: message.from?.user?.id ?? undefined, content: stripLegacyMarker(message.body?.content ?? '') };
		}
		const inChannel = (channelId: string, id: unknown) => stored(emulator.state.data.channels[channelId]?.messages, id);
		const inChat = (chatId: string, id: unknown) => stored(emulator.state.chat(chatId)?.messages, id);

		it('posts to a channel as the integration account, attributed to the sender when there is no sender credential', async () => {
			const { execution } = await runManually('Channel posts by the integration account', [
				itemsNode('Messages', [
					channelItem(SEED_CHANNELS.salesGeneral, 'Quarterly numbers are in'),
					channelItem(SEED_CHANNELS.salesDeals, 'Can someone review the Fabrikam deal?', 'Kim Abercrombie', 'Slack'),
				]),
				{
					name: 'Post',
					type: TYPE,
					parameters: channelPost(),
					credentials: { m365IntegrationAccountOAuth2Api: credentials.integrationAccount },
				},
			]);
			expectSuccess(execution);
			const [plain, attributed] = nodeOutput(execution, 'Post') as Json[];
			const integrationAccount = { identity: 'integrationAccount', userId: SEED_USERS.integration.id, displayName: 'Integration Account', reason: 'noSenderCredential' };
			expect(plain.postedAs).toEqual(integrationAccount);
			expect(attributed.postedAs).toEqual(integrationAccount);
			expect(inChannel(SEED_CHANNELS.salesGeneral.id, plain.id)).toEqual({ from: SEED_USERS.integration.id, content: 'Quarterly numbers are in' });
			expect(inChannel(SEED_CHANNELS.salesDeals.id, attributed.id)).toEqual({
				from: SEED_USERS.integration.id,
				content: '<b>Kim Abercrombie</b> (external, via Slack):<br>Can someone review the Fabrikam deal?',
			});
			// The node's output carries no marker.
			expect((attributed.body as { content: string }).content).toBe('<b>Kim Abercrombie</b> (external, via Slack):<br>Can someone review the Fabrikam deal?');
		}, 300_000);

		it('posts to a group chat as the integration account', async () => {
			const { execution } = await runManually('Chat post by the integration account', [
				{
					name: 'Post',
					type: TYPE,
					parameters: { resource: 'chatMessage', operation: 'post', chatId: locator(SEED_CHATS.projectFalcon.id), contentType: 'markdown', content: 'Falcon **ships** Friday' },
					credentials: { m365IntegrationAccountOAuth2Api: credentials.integrationAccount },
				},
			]);
			expectSuccess(execution);
			const [message] = nodeOutput(execution, 'Post') as Json[];
			expect(message.postedAs).toMatchObject({ identity: 'integrationAccount', reason: 'noSenderCredential' });
			expect(message.chatId).toBe(SEED_CHATS.projectFalcon.id);
			expect(inChat(SEED_CHATS.projectFalcon.id, message.id)).toEqual({ from: SEED_USERS.integration.id, content: '<p>Falcon <strong>ships</strong> Friday</p>' });
		}, 300_000);

		it("posts as the sender with the sender's own credential, and as the integration account where the sender is not a member", async () => {
			const adele = await senderCredential('Adele (sender)', SEED_USERS.adele);
			const { execution } = await runManually('Posts with a sender credential', [
				itemsNode('Messages', [
					channelItem(SEED_CHANNELS.salesGeneral, 'Posted as myself', 'Adele Vance', 'Slack'),
					channelItem(SEED_CHANNELS.engineeringGeneral, 'Posted for me', 'Adele Vance', 'Slack'),
				]),
				{
					name: 'Post',
					type: TYPE,
					parameters: channelPost(),
					credentials: { m365IntegrationAccountOAuth2Api: credentials.integrationAccount, [SENDER_TYPE]: adele },
				},
			]);
			expectSuccess(execution);
			const [own, fallback] = nodeOutput(execution, 'Post') as Json[];
			expect(own.postedAs).toEqual({ identity: 'sender', userId: SEED_USERS.adele.id, displayName: 'Adele Vance', reason: 'senderIsMember' });
			expect(inChannel(SEED_CHANNELS.salesGeneral.id, own.id)).toEqual({ from: SEED_USERS.adele.id, content: 'Posted as myself' });
			expect(fallback.postedAs).toMatchObject({ identity: 'integrationAccount', reason: 'senderNotMember' });
			expect(inChannel(SEED_CHANNELS.engineeringGeneral.id, fallback.id)).toEqual({
				from: SEED_USERS.integration.id,
				content: '<b>Adele Vance</b> (external, via Slack):<br>Posted for me',
			});
		}, 300_000);

		it("falls back to the integration account when the sender's sign-in was revoked (n8n refreshes the integration account's token)", async () => {
			const alex = await senderCredential('Alex (sender)', SEED_USERS.alex);
			// "Revoke sessions" for Alex, and every access token n8n holds is expired: both credentials must refresh.
			emulator.tokens.revokeUser(SEED_USERS.alex.id);
			emulator.tokens.expireAll();
			const refreshes = () => ({
				granted: emulator.requests.count({ host: 'login', method: 'POST', path: /\/token$/, status: 200 }),
				refused: emulator.requests.count({ host: 'login', method: 'POST', path: /\/token$/, status: 400 }),
			});
			const before = refreshes();
			const { execution } = await runManually('Post with a revoked sender', [
				itemsNode('Messages', [channelItem(SEED_CHANNELS.salesGeneral, 'Deal closed', 'Alex Wilber', 'Salesforce')]),
				{
					name: 'Post',
					type: TYPE,
					parameters: channelPost(),
					credentials: { m365IntegrationAccountOAuth2Api: credentials.integrationAccount, [SENDER_TYPE]: alex },
				},
			]);
			expectSuccess(execution);
			const [message] = nodeOutput(execution, 'Post') as Json[];
			expect(message.postedAs).toMatchObject({ identity: 'integrationAccount', reason: 'senderNotSignedIn' });
			// n8n refreshed the integration account's token; Entra refused Alex's refresh token.
			expect(refreshes().granted).toBeGreaterThan(before.granted);
			expect(refreshes().refused).toBeGreaterThan(before.refused);
			expect(inChannel(SEED_CHANNELS.salesGeneral.id, message.id)).toEqual({
				from: SEED_USERS.integration.id,
				// The default attribution says the sender is outside the tenant; Teams re-serialises <br/> as <br>.
				content: '<b>Alex Wilber</b> (external, via Salesforce):<br>Deal closed',
			});
		}, 300_000);
	});

	describe('Guest Sync', () => {
		const sources = [
			{ email: 'ada@partner.example', displayName: 'Ada Lovelace', companyName: 'Analytical Engines' },
			{ email: 'Grace@Partner.example', displayName: 'Grace Hopper', companyName: '' },
			{ email: SEED_USERS.adele.mail, displayName: 'Adele from the partner portal', companyName: '' },
			{ email: 'not an email', displayName: 'Broken row', companyName: '' },
		];
		let workflowId: string;
		const writes = () =>
			emulator.requests
				.entries()
				.filter((entry) => entry.host === 'graph' && ['POST', 'PATCH', 'PUT', 'DELETE'].includes(entry.method) && !/\$batch$/.test(entry.path));
		const guest = (email: string) => emulator.state.users().find((record) => (record.user.mail ?? '').toLowerCase() === email)?.user as Json | undefined;

		it('invites the new users with the source marker, skips the member, fails the bad email, and says so per user and in a summary', async () => {
			emulator.requests.reset();
			const { workflowId: id, execution } = await runManually('Partner directory to guests', [
				itemsNode('Partner directory', sources),
				{
					name: 'Sync guests',
					type: `${PACKAGE_NAME}.m365GuestSync`,
					parameters: guestSyncParameters(GUEST_SOURCE, { attributes: { companyName: '={{ $json.companyName }}' } }),
					credentials: { m365TenantAppApi: credentials.tenantApp },
				},
			]);
			workflowId = id;
			expectSuccess(execution);
			const output = nodeOutput(execution, 'Sync guests') as Json[];
			expect(output.filter((json) => json.type === 'user').map((json) => [json.email, json.action])).toEqual([
				['ada@partner.example', 'invited'],
				['grace@partner.example', 'invited'],
				[SEED_USERS.adele.mail.toLowerCase(), 'skipped'],
				// A row with an unusable email echoes it as given (text), its reason says why, its item index joins it back.
				['not an email', 'failed'],
			]);
			expect(output.find((json) => json.email === SEED_USERS.adele.mail.toLowerCase())?.reason).toEqual(expect.stringContaining('member of this tenant'));
			expect(output.find((json) => json.action === 'failed')).toMatchObject({ reason: expect.stringContaining('"not an email" is not an email address') });
			const items = execution.data.resultData.runData['Sync guests'][0].data?.main[0] ?? [];
			expect(items.filter((item) => item.json.type === 'user').map((item) => item.pairedItem)).toEqual([0, 1, 2, 3].map((item) => ({ item })));
			expect(output.filter((json) => json.type === 'summary')).toEqual([
				expect.objectContaining({ sourceName: GUEST_SOURCE, invited: 2, skipped: 1, failed: 1, total: 4, dryRun: false }),
			]);
			expect(guest('ada@partner.example')).toMatchObject({ userType: 'Guest', displayName: 'Ada Lovelace', companyName: 'Analytical Engines', [MARKER]: GUEST_SOURCE });
			expect(guest('grace@partner.example')).toMatchObject({ userType: 'Guest', displayName: 'Grace Hopper', [MARKER]: GUEST_SOURCE });
			expect(emulator.state.user(SEED_USERS.adele.id)?.user.displayName).toBe('Adele Vance');
			// The seeded guests are untouched: only this source's guests are its own.
			expect((emulator.state.user(SEED_GUESTS.jordan.id)?.user as unknown as Json)[MARKER]).toBeUndefined();
			expect(writes().length).toBeGreaterThan(0);
		}, 300_000);

		it('makes zero writes when run again on the same input', async () => {
			// As between two scheduled runs: Entra has replicated the new guests (test/emulator/graph/replication.ts).
			emulator.clock.advance(10);
			emulator.requests.reset();
			const executionId = await runWorkflowManually(client, workflowId, MANUAL_TRIGGER.name);
			const execution = await waitForExecution(client, executionId);
			expectSuccess(execution);
			const output = nodeOutput(execution, 'Sync guests') as Json[];
			expect(output.filter((json) => json.type === 'user').map((json) => json.action)).toEqual(['unchanged', 'unchanged', 'skipped', 'failed']);
			expect(output.find((json) => json.type === 'summary')).toMatchObject({ invited: 0, updated: 0, unchanged: 2 });
			expect(writes().map((entry: RequestLogEntry) => `${entry.method} ${entry.path}`)).toEqual([]);
		}, 300_000);
	});

	describe('Teams Presence', () => {
		const TYPE = `${PACKAGE_NAME}.m365TeamsPresence`;
		const shown = (userId: string) => {
			const record = emulator.state.presenceOf(userId)!;
			const sessionSetAt = (emulator.state.data.areas.presence as { sessionSetAt?: Record<string, Record<string, number>> } | undefined)?.sessionSetAt?.[userId];
			const presence = aggregatePresence(record, emulator.clock.nowMs(), sessionSetAt);
			return `${presence.availability}/${presence.activity}`;
		};
		const presenceWrites = () =>
			emulator.requests.count({ host: 'graph', method: 'POST', path: /\/presence\/(setPresence|clearPresence|setUserPreferredPresence|clearUserPreferredPresence)$/ });

		it('gets the presence of several users given by id, UPN and email', async () => {
			const { execution } = await runManually('Presence of several users', [
				{
					name: 'Presence',
					type: TYPE,
					parameters: {
						authentication: 'm365TenantAppApi',
						resource: 'presence',
						operation: 'get',
						users: `${SEED_USERS.adele.id}, ${SEED_USERS.alex.upn}\n${SEED_USERS.megan.mail}, nobody@contoso.onmicrosoft.com`,
					},
					credentials: { m365TenantAppApi: credentials.tenantApp },
				},
			]);
			expectSuccess(execution);
			const rows = nodeOutput(execution, 'Presence') as Json[];
			expect(rows.map((row) => [row.user, row.found, row.availability, row.activity])).toEqual([
				[SEED_USERS.adele.id, true, 'Available', 'Available'],
				[SEED_USERS.alex.upn, true, 'Busy', 'InACall'],
				[SEED_USERS.megan.mail, true, 'DoNotDisturb', 'Presenting'],
				['nobody@contoso.onmicrosoft.com', false, 'PresenceUnknown', 'PresenceUnknown'],
			]);
			expect(rows[1]).toMatchObject({ userId: SEED_USERS.alex.id, displayName: 'Alex Wilber' });
		}, 300_000);

		it("sets an application presence session, which the emulator shows as the user's presence", async () => {
			const { execution } = await runManually('Set an application presence', [
				{
					name: 'Set presence',
					type: TYPE,
					parameters: {
						authentication: 'm365TenantAppApi',
						resource: 'presence',
						operation: 'setPresence',
						userId: locator(SEED_USERS.diego.upn, 'upn'),
						status: 'Busy/InAConferenceCall',
						expirationMinutes: 30,
					},
					credentials: { m365TenantAppApi: credentials.tenantApp },
				},
			]);
			expectSuccess(execution);
			expect(nodeOutput(execution, 'Set presence')).toEqual([
				expect.objectContaining({ userId: SEED_USERS.diego.id, sessionId: SEED_APPS.main.appId, availability: 'Busy', activity: 'InAConferenceCall' }),
			]);
			const session = emulator.state.presenceOf(SEED_USERS.diego.id)?.sessions.find((candidate) => candidate.sessionId === SEED_APPS.main.appId);
			expect(session).toMatchObject({ availability: 'Busy', activity: 'InAConferenceCall' });
			expect(shown(SEED_USERS.diego.id)).toBe('Busy/InAConferenceCall');
		}, 300_000);

		describe('status sync, its state in the static data n8n stores', () => {
			// A contact centre's agents (to Teams) and the Teams users it shows (from Teams), one webhook call a run:
			// static data is saved by n8n after production (webhook, trigger) runs, not after manual ones.
			const agents = [
				{ email: SEED_USERS.lynne.mail, status: 'On a call' },
				{ email: SEED_USERS.isaiah.upn, status: 'Do not disturb' },
			];
			const watched = [{ email: SEED_USERS.adele.upn }, { email: SEED_USERS.alex.mail }];
			let workflowId: string;
			let runs = 0;

			async function runSync(): Promise<{ toTeams: Json[]; fromTeams: Json[] }> {
				const response = await callProductionWebhook(instance!, 'presence-sync-e2e', { method: 'POST' });
				expect(response.status).toBe(200);
				runs += 1;
				const executions = await waitForExecutions(client, workflowId, runs);
				expect(executions).toHaveLength(runs);
				const execution = executions[runs - 1];
				expectSuccess(execution);
				return { toTeams: nodeOutput(execution, 'To Teams') as Json[], fromTeams: nodeOutput(execution, 'From Teams') as Json[] };
			}

			beforeAll(async () => {
				const syncParameters = (direction: string, options: Json = {}) => ({
					authentication: 'm365TenantAppApi',
					resource: 'statusSync',
					operation: 'sync',
					direction,
					user: '={{ $json.email }}',
					externalStatus: direction === 'fromTeams' ? '' : '={{ $json.status }}',
					options,
				});
				const workflow = await createWorkflow(
					client,
					workflowOf(
						'Contact centre presence sync',
						[
							{
								name: 'Webhook',
								type: 'n8n-nodes-base.webhook',
								webhookId: '0e2e5c1a-7f3b-4d2e-9a8c-6b5d4e3f2a10',
								parameters: { httpMethod: 'POST', path: 'presence-sync-e2e', responseMode: 'onReceived', options: {} },
							},
							itemsNode('Agent statuses', agents),
							{ name: 'To Teams', type: TYPE, parameters: syncParameters('toTeams'), credentials: { m365TenantAppApi: credentials.tenantApp } },
							itemsNode('Teams users', watched),
							// Every change in Teams counts at once (no 15 s settling), so the test needs no waiting.
							{ name: 'From Teams', type: TYPE, parameters: syncParameters('fromTeams', { shortStatusSeconds: 0 }), credentials: { m365TenantAppApi: credentials.tenantApp } },
							// The other system cannot be read back here: the workflow confirms what it wrote (its write
							// would sit between the two and fail for some users; here every write succeeds).
							{
								name: 'Confirm',
								type: TYPE,
								parameters: {
									authentication: 'm365TenantAppApi',
									resource: 'statusSync',
									operation: 'confirm',
									user: '={{ $json.userId }}',
									externalStatus: "={{ $json.externalStatus ?? '' }}",
								},
								credentials: { m365TenantAppApi: credentials.tenantApp },
							},
						],
						[
							['Webhook', 'Agent statuses'],
							['Agent statuses', 'To Teams'],
							['Webhook', 'Teams users'],
							['Teams users', 'From Teams'],
							['From Teams', 'Confirm'],
						],
					) as never,
				);
				workflowId = workflow.id;
				workflowIds.push(workflowId);
				await activateWorkflow(client, workflowId);
			}, 120_000);

			afterAll(async () => {
				if (workflowId) await deactivateWorkflow(client, workflowId).catch(() => undefined);
			});

			it('first run: sets Teams for the agents and hands every Teams status to the other system', async () => {
				emulator.requests.reset();
				const { toTeams, fromTeams } = await runSync();
				expect(toTeams.map((row) => [row.user, row.result, row.toTeams])).toEqual([
					[SEED_USERS.lynne.mail, 'changed', expect.objectContaining({ result: 'changed', availability: 'Busy', activity: 'InACall' })],
					[SEED_USERS.isaiah.upn, 'changed', expect.objectContaining({ result: 'changed', availability: 'DoNotDisturb', activity: 'Presenting' })],
				]);
				expect(shown(SEED_USERS.lynne.id)).toBe('Busy/InACall');
				expect(shown(SEED_USERS.isaiah.id)).toBe('DoNotDisturb/Presenting');
				expect(presenceWrites()).toBe(2);
				expect(fromTeams.map((row) => [row.user, row.result, row.externalStatus])).toEqual([
					[SEED_USERS.adele.upn, 'changed', 'Ready'],
					[SEED_USERS.alex.mail, 'changed', 'On a call'],
				]);
				// n8n stored each sync node's state with the workflow.
				const staticData = (await getWorkflow(client, workflowId)) as unknown as { staticData?: Json | string };
				const stored = typeof staticData.staticData === 'string' ? (JSON.parse(staticData.staticData) as Json) : (staticData.staticData ?? {});
				expect(Object.keys(stored).sort()).toEqual(['global', 'node:From Teams', 'node:To Teams']);
				// The confirmations of what the other system took, for the next run.
				expect(Object.keys((stored.global as { presenceSyncConfirmed: Json }).presenceSyncConfirmed).sort()).toEqual([SEED_USERS.adele.id, SEED_USERS.alex.id].map((id) => id.toLowerCase()).sort());
				expect(stored['node:To Teams']).toEqual({ presenceSync: expect.objectContaining({ users: expect.objectContaining({ [SEED_USERS.lynne.id]: expect.any(Object) }) }) });
			}, 300_000);

			it('second run, nothing changed: writes nothing to Teams and hands nothing over (the state came back from n8n)', async () => {
				emulator.requests.reset();
				const { toTeams, fromTeams } = await runSync();
				expect(toTeams.map((row) => [row.result, row.reason])).toEqual([
					['skipped', 'unchanged'],
					['skipped', 'unchanged'],
				]);
				expect(presenceWrites()).toBe(0);
				expect(fromTeams.map((row) => [row.result, row.externalStatus])).toEqual([
					['skipped', null],
					['skipped', null],
				]);
			}, 300_000);

			it('third run, after a change in Teams: hands over only that change', async () => {
				await emulatorRequest(`${emulator.graphUrl}/_emulator/presence/${SEED_USERS.alex.id}`, {
					method: 'POST',
					json: { availability: 'DoNotDisturb', activity: 'DoNotDisturb' },
				});
				emulator.requests.reset();
				const { toTeams, fromTeams } = await runSync();
				expect(toTeams.map((row) => row.result)).toEqual(['skipped', 'skipped']);
				expect(presenceWrites()).toBe(0);
				expect(fromTeams.map((row) => [row.user, row.result, row.externalStatus])).toEqual([
					[SEED_USERS.adele.upn, 'skipped', null],
					[SEED_USERS.alex.mail, 'changed', 'Do not disturb'],
				]);
			}, 300_000);
		});

		describe('status sync, two overlapping runs', () => {
			// An event-driven sync: the contact centre calls the webhook when an agent's status changes. A run held
			// in its Graph write (as a $batch round waiting on throttling is) overlaps the next call. n8n gives each
			// execution its own copy of the static data and saves it whole at the end: the run saved last must still
			// hold both runs' writes, or the next run sends the sync's own writes back to Teams.
			const PATH = 'presence-overlap-e2e';
			let workflowId: string;
			let calls = 0;

			async function call(agents: Array<{ id: string; status: string }>): Promise<void> {
				const response = await callProductionWebhook(instance!, PATH, {
					method: 'POST',
					headers: { 'Content-Type': 'application/json' },
					body: JSON.stringify({ agents }),
				});
				expect(response.status).toBe(200);
				calls += 1;
			}
			async function finished(count: number): Promise<Execution[]> {
				const executions = await waitForExecutions(client, workflowId, count);
				executions.forEach(expectSuccess);
				return executions;
			}
			async function storedUsers(): Promise<Record<string, { wroteTeams?: string }>> {
				const workflow = (await getWorkflow(client, workflowId)) as unknown as { staticData?: Json | string };
				const stored = typeof workflow.staticData === 'string' ? (JSON.parse(workflow.staticData) as Json) : (workflow.staticData ?? {});
				return (stored['node:Sync'] as { presenceSync: { users: Record<string, { wroteTeams?: string }> } }).presenceSync.users;
			}

			beforeAll(async () => {
				const workflow = await createWorkflow(
					client,
					workflowOf('Presence sync, one agent a call', [
						{
							name: 'Webhook',
							type: 'n8n-nodes-base.webhook',
							webhookId: '0e2e5c1a-7f3b-4d2e-9a8c-6b5d4e3f2a11',
							parameters: { httpMethod: 'POST', path: PATH, responseMode: 'onReceived', options: {} },
						},
						{ name: 'Agents', type: 'n8n-nodes-base.code', parameters: { jsCode: 'return $input.first().json.body.agents.map((json) => ({ json }));' } },
						{
							name: 'Sync',
							type: TYPE,
							parameters: {
								authentication: 'm365TenantAppApi',
								resource: 'statusSync',
								operation: 'sync',
								direction: 'both',
								user: '={{ $json.id }}',
								externalStatus: '={{ $json.status }}',
								options: { shortStatusSeconds: 0 },
							},
							credentials: { m365TenantAppApi: credentials.tenantApp },
						},
					]) as never,
				);
				workflowId = workflow.id;
				workflowIds.push(workflowId);
				await activateWorkflow(client, workflowId);
			}, 120_000);

			afterAll(async () => {
				if (workflowId) await deactivateWorkflow(client, workflowId).catch(() => undefined);
			});

			it("keeps both runs' writes whichever n8n saves last: the next run writes nothing", async () => {
				// Users whose own Teams clients rank below Busy, so the sync's Busy session shows.
				const { isaiah, lynne } = SEED_USERS;
				await call([{ id: isaiah.id, status: 'Ready' }, { id: lynne.id, status: 'Ready' }]);
				await finished(calls);

				// Run A (Isaiah goes on a call) is held in its write to Teams.
				const hold = emulator.faults.add({ kind: 'hold', method: 'POST', path: '/users/*/presence/setPresence', times: 1 });
				await call([{ id: isaiah.id, status: 'On a call' }]);
				await eventually(() => (emulator.faults.held()[hold] ?? 0) > 0);
				expect(emulator.faults.held()[hold]).toBe(1);

				// Run B (Lynne goes on a call) starts from the same stored state, finishes and is saved first.
				await call([{ id: lynne.id, status: 'On a call' }]);
				const afterB = await finished(calls - 1);
				expect(nodeOutput(afterB[afterB.length - 1], 'Sync')).toEqual([
					expect.objectContaining({ userId: lynne.id.toLowerCase(), result: 'changed', toTeams: expect.objectContaining({ availability: 'Busy', activity: 'InACall' }) }),
				]);

				// Run A goes on and is saved last.
				emulator.faults.release(hold);
				const afterA = await finished(calls);
				const runA = afterA.map((execution) => nodeOutput(execution, 'Sync') as Json[]).find((rows) => rows.length === 1 && rows[0].userId === isaiah.id.toLowerCase());
				expect(runA).toEqual([expect.objectContaining({ result: 'changed', toTeams: expect.objectContaining({ availability: 'Busy' }) })]);
				expect(shown(isaiah.id)).toBe('Busy/InACall');
				expect(shown(lynne.id)).toBe('Busy/InACall');
				const users = await storedUsers();
				expect([users[isaiah.id.toLowerCase()]?.wroteTeams, users[lynne.id.toLowerCase()]?.wroteTeams]).toEqual(['Busy/InACall', 'Busy/InACall']);

				// The next call finds both writes as the sync's own: nothing goes to Teams.
				emulator.requests.reset();
				await call([{ id: isaiah.id, status: 'On a call' }, { id: lynne.id, status: 'On a call' }]);
				const all = await finished(calls);
				expect((nodeOutput(all[all.length - 1], 'Sync') as Json[]).map((row) => [row.result, (row.toTeams as Json).reason, (row.fromTeams as Json).reason])).toEqual([
					['skipped', 'unchanged', 'echo'],
					['skipped', 'unchanged', 'echo'],
				]);
				expect(presenceWrites()).toBe(0);
			}, 600_000);
		});
	});

	describe('Outlook Mailbox Trigger', () => {
		const TYPE = `${PACKAGE_NAME}.m365OutlookMailboxTrigger`;
		const triggerNode = (mailboxes: string[]): NodeSpec => ({
			name: 'New mail',
			type: TYPE,
			parameters: {
				authentication: 'm365TenantAppApi',
				mailboxScope: 'list',
				mailboxes: { mailbox: mailboxes.map((address) => ({ mailbox: locator(address, 'address') })) },
				folders: ['inbox'],
				startFrom: 'now',
				pollTimes: { item: [{ mode: 'everyMinute' }] },
			},
			credentials: { m365TenantAppApi: credentials.tenantApp },
		});
		const deltaCalls = () => emulator.requests.count({ host: 'graph', path: /\/messages\/delta$/ });

		it('a manual run (Fetch Test Event) gives the newest mail of the first mailbox', async () => {
			// Received a minute ago by n8n's clock: earlier tests moved the emulator's clock ahead of n8n's (Entra's
			// replication delay), and the next test's activation must find this mail already there.
			const aMinuteAgo = new Date(Date.now() - 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
			const [onFire] = deliverMail(emulator.state, {
				mailbox: SEED_USERS.support.upn,
				messages: [{ subject: 'Printer on fire', from: 'kim@fabrikam.com', receivedDateTime: aMinuteAgo }],
			});
			const workflow = await createWorkflow(client, workflowOf('Support mail (manual)', [triggerNode([SEED_USERS.support.upn, SEED_USERS.adele.upn])]) as never);
			workflowIds.push(workflow.id);
			const execution = await waitForExecution(client, await runWorkflowManually(client, workflow.id, 'New mail'));
			expectSuccess(execution);
			expect(nodeOutput(execution, 'New mail')).toEqual([
				expect.objectContaining({
					subject: 'Printer on fire',
					mailbox: SEED_USERS.support.upn,
					folder: 'inbox',
					from: { name: 'kim@fabrikam.com', address: 'kim@fabrikam.com' },
					trigger: { dedupKey: `mail:${SEED_USERS.support.upn.toLowerCase()}:inbox|created|${String(onFire.id)}` },
				}),
			]);
		}, 300_000);

		it('activated, emits the mails delivered after activation as items, from both mailboxes', async () => {
			const workflow = await createWorkflow(client, workflowOf('Support mail (active)', [triggerNode([SEED_USERS.support.upn, SEED_USERS.adele.upn])]) as never);
			workflowIds.push(workflow.id);
			const callsBefore = deltaCalls();
			await activateWorkflow(client, workflow.id);
			try {
				// The activation poll places a cursor in each inbox (one delta call each); older mail is not wanted.
				await eventually(() => deltaCalls() >= callsBefore + 2, 120_000);
				expect(deltaCalls()).toBeGreaterThanOrEqual(callsBefore + 2);
				deliverMail(emulator.state, { mailbox: SEED_USERS.support.upn, messages: [{ subject: 'Cannot sign in' }] });
				deliverMail(emulator.state, { mailbox: SEED_USERS.adele.upn, messages: [{ subject: 'Lunch on Friday?' }] });
				const [execution] = await waitForExecutions(client, workflow.id, 1, POLLS_MS);
				expectSuccess(execution);
				expect(execution.mode).toBe('trigger');
				const items = nodeOutput(execution, 'New mail') as Json[];
				expect(items.map((item) => [item.mailbox, item.subject]).sort()).toEqual([
					[SEED_USERS.adele.upn, 'Lunch on Friday?'],
					[SEED_USERS.support.upn, 'Cannot sign in'],
				]);
				// The key Remove Duplicates dedupes on (docs/nodes/M365OutlookMailboxTrigger.md), one per mail.
				for (const item of items) {
					expect(item.trigger).toEqual({ dedupKey: `mail:${String(item.mailbox).toLowerCase()}:inbox|created|${String(item.id)}` });
				}
			} finally {
				await deactivateWorkflow(client, workflow.id);
			}
		}, POLLS_MS + 180_000);
	});

	describe('afterwards', () => {
		it('kept no credential secret in any execution (client secret, access, refresh and id tokens, codes)', async () => {
			const secrets = [SEED_APPS.main.secret, ...issuedSecrets];
			// Run after everything else: eleven workflows, three OAuth connections, refreshes and app tokens.
			expect(workflowIds.length).toBe(11);
			expect(issuedSecrets.size).toBeGreaterThan(10);
			const summaries = await listExecutions(client);
			// n8n kept an execution of every workflow this file ran (manual runs included).
			expect(workflowIds.filter((id) => !summaries.some((summary) => summary.workflowId === id))).toEqual([]);
			for (const summary of summaries) {
				const kept = JSON.stringify(await getExecution(client, summary.id));
				const leaked = secrets.filter((secret) => kept.includes(secret));
				expect({ execution: summary.id, leaked }).toEqual({ execution: summary.id, leaked: [] });
				// Nor anything shaped like a JWT (an access or id token from anywhere).
				expect(kept).not.toMatch(/eyJ[\w-]{10,}\.eyJ[\w-]{10,}\.[\w-]+/);
			}
			// Nor the workflows, whose static data n8n wrote after production runs.
			for (const id of workflowIds) {
				const stored = JSON.stringify(await getWorkflow(client, id));
				expect({ workflow: id, leaked: secrets.filter((secret) => stored.includes(secret)) }).toEqual({ workflow: id, leaked: [] });
			}
		}, 300_000);
	});
});
