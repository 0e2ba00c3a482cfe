// n8n's real OAuth2 Connect flow for the integration account credential, in headless Chromium: n8n's authorize
// redirect, the emulator's Entra sign-in page, n8n's callback; then the stored tokens are used by a workflow.
import * as fs from 'fs';
import * as path from 'path';

import {
	connectOAuth2InBrowser,
	createCredential,
	createEmulatorCredentials,
	createWorkflow,
	ensureN8n,
	executeWorkflow,
	INTEGRATION_ACCOUNT_CREDENTIAL_TYPE,
	integrationAccountCredentialData,
	isOAuth2Connected,
	launchChromium,
	nodeOutput,
	packPackage,
	REPO_ROOT,
	signInAsOwner,
	signInBrowser,
	startN8n,
	type BrowserSession,
	type N8nInstance,
	runWorkflowManually,
	waitForExecution,
	waitForExecutions,
	type N8nRestClient,
} from '../../scripts/n8n-runtime';
import { SEED_USERS, startEmulator, type Emulator } from '../emulator';
import { describeEmulatorOnly } from '../support/target';
import { emulatorTenantOf, INTEGRATION_ACCOUNT_SIGN_IN, registerN8nCallback } from './emulatorTenant';

const INSTALL_AND_START_MS = 30 * 60_000;
const ARTIFACTS = path.join(REPO_ROOT, 'test', 'artifacts', 'e2e');

// A real tenant's sign-in page (MFA, conditional access) is not for a robot: targetConnection.test.ts covers a real
// tenant's integration account with the tokens of M365_E2E_REFRESH_TOKEN instead.
describeEmulatorOnly(['signInPage', 'state'], "the integration account connected through n8n's OAuth2 flow", () => {
	let emulator: Emulator;
	let instance: N8nInstance | undefined;
	let client: N8nRestClient;
	let browser: BrowserSession | undefined;
	let credentialId: string;

	beforeAll(async () => {
		fs.mkdirSync(ARTIFACTS, { recursive: true });
		emulator = await startEmulator();
		const [, packageTgz] = await Promise.all([ensureN8n(), packPackage()]);
		instance = await startN8n({ packageTgz });
		// The app registration lists n8n's callback, as an admin registers it for a real n8n.
		registerN8nCallback(emulator, instance);
		client = await signInAsOwner(instance);
		credentialId = await createCredential(client, {
			name: 'Integration account',
			type: INTEGRATION_ACCOUNT_CREDENTIAL_TYPE,
			data: integrationAccountCredentialData(emulatorTenantOf(emulator)),
		});
		browser = await launchChromium();
		await signInBrowser(browser, client);
	}, INSTALL_AND_START_MS);

	afterAll(async () => {
		await browser?.close();
		await instance?.stop();
		await emulator?.close();
	}, 60_000);

	it('is not connected before anyone signs in', async () => {
		expect(await isOAuth2Connected(client, credentialId)).toBe(false);
	});

	it('connects when the integration account signs in on the sign-in page', async () => {
		const callbackPage = await connectOAuth2InBrowser(
			browser!,
			client,
			credentialId,
			INTEGRATION_ACCOUNT_SIGN_IN,
			{ screenshotDir: ARTIFACTS },
		);
		expect(callbackPage).not.toMatch(/Failed to connect/i);
		expect(await isOAuth2Connected(client, credentialId)).toBe(true);
	}, 120_000);

	let workflowId: string;

	it("lets a workflow call Graph as the integration account with the tokens n8n stored (n8n execute)", async () => {
		const workflow = await createWorkflow(client, {
			name: 'Who is the integration account',
			nodes: [
				{
					id: 'manual',
					name: 'Start',
					type: 'n8n-nodes-base.manualTrigger',
					typeVersion: 1,
					position: [0, 0],
					parameters: {},
				},
				{
					id: 'me',
					name: 'Me',
					type: 'n8n-nodes-base.httpRequest',
					typeVersion: 4.2,
					position: [220, 0],
					parameters: {
						url: `${emulator.graphUrl}/v1.0/me`,
						authentication: 'predefinedCredentialType',
						nodeCredentialType: INTEGRATION_ACCOUNT_CREDENTIAL_TYPE,
						options: {},
					},
					credentials: {
						[INTEGRATION_ACCOUNT_CREDENTIAL_TYPE]: { id: credentialId, name: 'Integration account' },
					},
				},
			],
			connections: { Start: { main: [[{ node: 'Me', type: 'main', index: 0 }]] } },
		});
		workflowId = workflow.id;
		const run = await executeWorkflow(instance!, workflow.id);
		const me = nodeOutput({ data: run.data }, 'Me') as Array<{ userPrincipalName: string; id: string }>;
		expect(me).toEqual([expect.objectContaining({ userPrincipalName: SEED_USERS.integration.upn })]);
	}, 300_000);

	it('runs the same workflow from the REST API, as the editor does, and keeps its execution', async () => {
		const executionId = await runWorkflowManually(client, workflowId, 'Start');
		const execution = await waitForExecution(client, executionId);
		expect(execution.status).toBe('success');
		expect(execution.mode).toBe('manual');
		// Both runs, the CLI's and this one, are in the workflow's execution list.
		expect((await waitForExecutions(client, workflowId, 2)).map((run) => run.mode).sort()).toEqual(['cli', 'manual']);
		const me = nodeOutput(execution, 'Me') as Array<{ userPrincipalName: string }>;
		expect(me).toEqual([expect.objectContaining({ userPrincipalName: SEED_USERS.integration.upn })]);
	}, 120_000);

	it("connects without a browser too, the demo's way (createEmulatorCredentials with connectAs)", async () => {
		const credentials = await createEmulatorCredentials(client, emulatorTenantOf(emulator), {
			connectAs: INTEGRATION_ACCOUNT_SIGN_IN,
			names: { tenantApp: 'Tenant app (HTTP)', integrationAccount: 'Integration account (HTTP)' },
		});
		expect(await isOAuth2Connected(client, credentials.integrationAccount.id)).toBe(true);
		expect(await isOAuth2Connected(client, credentials.tenantApp.id)).toBe(false);
	}, 120_000);
});
