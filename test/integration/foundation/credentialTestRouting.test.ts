/**
 * Which test n8n runs when an admin clicks Test: the harness picks it in n8n 2.40.7's order (the credential's
 * own request, the fixed OAuth2 check, then a node's testedBy). The tenant app must reach our test function.
 */
import { M365ConnectionHealth } from '../../../nodes/M365ConnectionHealth/M365ConnectionHealth.node';
import { clearTenantAppTokenCache } from '../../../nodes/shared/auth/tenantAppToken';
import { startEmulator, type Emulator } from '../../emulator';
import { testCredential } from '../../harness';
import { integrationAccountCredentialData, tenantAppCredentialData } from '../../support/emulatorCredentials';
import { itEmulatorOnly, tenantAppCredentials, usingRealTenant } from '../../support/target';

let emulator: Emulator;
beforeAll(async () => {
	emulator = await startEmulator();
});
afterAll(async () => {
	await emulator.close();
});
beforeEach(() => clearTenantAppTokenCache());

it("the tenant app's Test button runs this package's test function", async () => {
	const ok = await testCredential({ credentialType: 'm365TenantAppApi', data: tenantAppCredentials(emulator), nodeTypes: [new M365ConnectionHealth()] });
	expect(ok).toMatchObject({ status: 'OK', message: expect.stringMatching(usingRealTenant() ? /^Connected to .* application permissions?: / : /^Connected to Contoso .* application permissions: /) });
});

itEmulatorOnly(['seed'], "the tenant app's Test button names missing admin consent, as only this package's test function can", async () => {
	const noConsent = await testCredential({ credentialType: 'm365TenantAppApi', data: tenantAppCredentialData(emulator, 'noConsent'), nodeTypes: [new M365ConnectionHealth()] });
	expect(noConsent).toMatchObject({ status: 'Error', message: expect.stringMatching(/^Failed to request refresh token: an administrator has not granted consent/) });
});

itEmulatorOnly(['requests'], "the integration account's Test button calls only a custom Graph host M365_ALLOWED_CUSTOM_HOSTS lists", async () => {
	// n8n runs the credential's own test request (its Bearer token goes to that host). The test tooling lists
	// 127.0.0.1, the emulator's address; `localhost` reaches the same emulator but is not listed.
	expect(process.env.M365_ALLOWED_CUSTOM_HOSTS).toBe('127.0.0.1');
	const data = await integrationAccountCredentialData(emulator);
	const ok = await testCredential({ credentialType: 'm365IntegrationAccountOAuth2Api', data, nodeTypes: [new M365ConnectionHealth()] });
	expect(ok).toEqual({ status: 'OK', message: 'Connection successful!' });

	emulator.requests.reset();
	const port = emulator.graphHost.split(':')[1];
	const refused = await testCredential({
		credentialType: 'm365IntegrationAccountOAuth2Api',
		data: { ...data, graphHost: `localhost:${port}` },
		nodeTypes: [new M365ConnectionHealth()],
	});
	expect(refused.status).toBe('Error');
	expect(emulator.requests.count({ host: 'graph' })).toBe(0);
});
