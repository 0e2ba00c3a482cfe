// The package's two credentials imported into a real n8n 2.40.7 and used by the Connection Health node, against
// whichever target test/support/target.ts chose: the emulator, or a real tenant given in M365_E2E_* variables
// (the tenant app as an admin fills it in, no custom hosts; the integration account with the tokens its refresh
// token redeems). This is the e2e file that needs nothing but a working tenant app and integration account, so it
// is what a real-tenant run of the e2e suite exercises besides loading the package.
import {
	createCredential,
	createWorkflow,
	ensureN8n,
	INTEGRATION_ACCOUNT_CREDENTIAL_TYPE,
	nodeOutput,
	packPackage,
	PACKAGE_NAME,
	runWorkflowManually,
	signInAsOwner,
	startN8n,
	TENANT_APP_CREDENTIAL_TYPE,
	waitForExecutions,
	type N8nInstance,
	type N8nRestClient,
} from '../../scripts/n8n-runtime';
import { startEmulator, type Emulator } from '../emulator';
import {
	expectedIntegrationAccount,
	integrationAccountCredentials,
	itRequiring,
	targetSecrets,
	tenantAppCredentials,
	usingRealTenant,
} from '../support/target';

const INSTALL_AND_START_MS = 30 * 60_000;

interface CheckItem {
	credential: string;
	check: string;
	status: 'ok' | 'warning' | 'error';
	message: string;
}

describe(`the package's credentials in a real n8n, against ${usingRealTenant() ? 'the real tenant' : 'the emulator'}`, () => {
	let emulator: Emulator | undefined;
	let instance: N8nInstance | undefined;
	let client: N8nRestClient;

	beforeAll(async () => {
		if (!usingRealTenant()) emulator = await startEmulator();
		const [, packageTgz] = await Promise.all([ensureN8n(), packPackage()]);
		instance = await startN8n({ packageTgz });
		client = await signInAsOwner(instance);
	}, INSTALL_AND_START_MS);

	afterAll(async () => {
		await instance?.stop();
		await emulator?.close();
	}, 60_000);

	async function runHealthCheck(name: string, parameters: Record<string, unknown>, credentials: Record<string, { id: string; name: string }>): Promise<CheckItem[]> {
		const workflow = await createWorkflow(client, {
			name,
			nodes: [
				{ id: 'start', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
				{ id: 'health', name: 'Health', type: `${PACKAGE_NAME}.m365ConnectionHealth`, typeVersion: 1, position: [220, 0], parameters, credentials },
			],
			connections: { Start: { main: [[{ node: 'Health', type: 'main', index: 0 }]] } },
		});
		const executionId = await runWorkflowManually(client, workflow.id, 'Start');
		const execution = (await waitForExecutions(client, workflow.id, 1)).find((candidate) => candidate.id === executionId)!;
		const checks = nodeOutput(execution, 'Health') as CheckItem[];
		// Whatever the outcome, nothing n8n kept of the execution may hold a secret of the target.
		const kept = JSON.stringify(execution);
		for (const secret of targetSecrets()) expect(kept).not.toContain(secret);
		return checks;
	}

	it('gets a token for the imported tenant app and calls Graph with it', async () => {
		const name = 'Microsoft 365 Tenant App';
		const id = await createCredential(client, { name, type: TENANT_APP_CREDENTIAL_TYPE, data: tenantAppCredentials(emulator) });
		const checks = await runHealthCheck('Tenant app health', { checkTenantApp: true, checkIntegrationAccount: false }, { [TENANT_APP_CREDENTIAL_TYPE]: { id, name } });
		expect(checks[0]).toMatchObject({ credential: 'tenantApp', check: 'token', status: 'ok', message: expect.any(String) }); // a failure shows the message
		expect(checks.filter((check) => check.check === 'adminConsent' && check.status === 'error')).toEqual([]);
	}, 300_000);

	itRequiring(['integrationAccount'], 'uses the integration account with the tokens stored in the imported credential', async () => {
		const name = 'Microsoft 365 Integration Account';
		const id = await createCredential(client, { name, type: INTEGRATION_ACCOUNT_CREDENTIAL_TYPE, data: await integrationAccountCredentials(emulator) });
		const expected = expectedIntegrationAccount(emulator);
		const memberships = expected.teamId ? [{ team: expected.teamId, ...(expected.channelId ? { channel: expected.channelId } : {}) }] : [];
		const checks = await runHealthCheck(
			'Integration account health',
			{ checkTenantApp: false, checkIntegrationAccount: true, memberships: { membership: memberships } },
			{ [INTEGRATION_ACCOUNT_CREDENTIAL_TYPE]: { id, name } },
		);
		const signedIn = checks.find((check) => check.check === 'signedIn');
		expect(signedIn).toMatchObject({ status: 'ok', message: expect.stringContaining(`in tenant ${expected.tenantId}`) });
		if (expected.upn) expect(signedIn?.message.toLowerCase()).toContain(`(${expected.upn.toLowerCase()})`);
		expect(checks.find((check) => check.check === 'teamsLicence')).toMatchObject({ status: 'ok' });
		expect(checks.filter((check) => check.check === 'membership').map((check) => check.status)).toEqual(memberships.map(() => 'ok'));
	}, 300_000);
});
