/**
 * Both credentials' Test buttons: every AADSTS case named in the foundation issue, missing fields, consent, and who
 * is signed in for the integration account. Against the emulator by default; against a real tenant when its
 * M365_E2E_* variables are set (test/support/target.ts), where the cases that need seeded apps or token control skip.
 */
import type { ICredentialTestFunctions } from 'n8n-workflow';

import { m365IntegrationAccountTest, m365TenantAppApiTest } from '../../../nodes/shared/auth/credentialTests';
import { clearTenantAppTokenCache } from '../../../nodes/shared/auth/tenantAppToken';
import { SEED_APPS, SEED_USERS, startEmulator, type Emulator } from '../../emulator';
import { integrationAccountCredentialData, tenantAppCredentialData } from '../../support/emulatorCredentials';
import {
	describeRequiring,
	expectedIntegrationAccount,
	integrationAccountConnection,
	integrationAccountCredentials,
	itEmulatorOnly,
	targetSecrets,
	tenantAppCredentials,
	usingRealTenant,
} from '../../support/target';

// The test functions use no context helpers (they have none worth using: only the deprecated `request`).
const testContext = {} as ICredentialTestFunctions;

let emulator: Emulator;

beforeAll(async () => {
	emulator = await startEmulator();
});
afterAll(async () => {
	await emulator.close();
});
beforeEach(() => clearTenantAppTokenCache());

async function testTenantApp(data: Record<string, unknown>) {
	return await m365TenantAppApiTest.call(testContext, { id: '1', name: 'Tenant app', type: 'm365TenantAppApi', data: data as never });
}

describe('tenant app credential test', () => {
	it('passes with the client secret, proves Graph answers and lists the granted permissions', async () => {
		const result = await testTenantApp(tenantAppCredentials(emulator));
		expect(result).toEqual({
			status: 'OK',
			message: expect.stringMatching(usingRealTenant() ? /^Connected to .+ with \d+ application permissions?: / : /^Connected to Contoso \(/),
		});
		if (usingRealTenant()) return;
		expect(result.message).toMatch(/Presence\.ReadWrite\.All/);
		expect(emulator.requests.count({ method: 'GET', host: 'graph' })).toBeGreaterThan(0);
	});

	itEmulatorOnly(['seed'], 'passes with a certificate (SHA-1 and SHA-256 thumbprints)', async () => {
		for (const thumbprint of [SEED_APPS.main.thumbprint, SEED_APPS.main.thumbprintSha256]) {
			clearTenantAppTokenCache();
			const result = await testTenantApp(
				tenantAppCredentialData(emulator, 'main', { authMethod: 'certificate', clientSecret: '', privateKey: SEED_APPS.main.privateKeyPem, thumbprint }),
			);
			expect(result).toMatchObject({ status: 'OK' });
		}
	});

	it.each([
		['a wrong secret', { clientSecret: 'not-the-secret' }, /^Failed to request refresh token: the client secret is wrong \(AADSTS7000215\)/],
		['an unknown tenant', { tenantId: '00000000-1111-2222-3333-444444444444' }, /^Failed to request refresh token: directory "00000000-1111-2222-3333-444444444444" was not found \(AADSTS90002\)/],
		['a malformed tenant', { tenantId: 'not a tenant' }, /^Failed to request refresh token: .*(AADSTS900023|AADSTS90002)/],
		['an unknown client id', { clientId: '11111111-2222-3333-4444-555555555555' }, /^Failed to request refresh token: no application with Application \(client\) ID "11111111-2222-3333-4444-555555555555" exists .*AADSTS700016/],
	])('names the cause and the fix for %s', async (_case, overrides, expected) => {
		const result = await testTenantApp(tenantAppCredentials(emulator, overrides));
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(expected);
	});

	itEmulatorOnly(['seed'], 'says the secret expired (AADSTS7000222)', async () => {
		const result = await testTenantApp(tenantAppCredentialData(emulator, 'expiredSecret'));
		expect(result).toMatchObject({ status: 'Error' });
		expect(result.message).toMatch(/^Failed to request refresh token: the client secret has expired \(AADSTS7000222\)\. Create a new client secret/);
	});

	itEmulatorOnly(['seed'], 'says admin consent is missing and gives the consent URL', async () => {
		const result = await testTenantApp(tenantAppCredentialData(emulator, 'noConsent'));
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/^Failed to request refresh token: an administrator has not granted consent/);
		expect(result.message).toContain(`https://${emulator.loginHost}/${emulator.tenantId}/adminconsent?client_id=${SEED_APPS.noConsent.appId}`);
	});

	it('says which fields are missing', async () => {
		const result = await testTenantApp({ ...tenantAppCredentials(emulator), clientSecret: '', tenantId: ' ' });
		expect(result).toEqual({ status: 'Error', message: 'Account credentials are incomplete: fill in Directory (Tenant) ID, Client Secret and save the credential.' });
		const cert = await testTenantApp({ ...tenantAppCredentials(emulator), authMethod: 'certificate', privateKey: 'x' });
		expect(cert.message).toBe('Account credentials are incomplete: fill in Certificate Thumbprint and save the credential.');
	});

	itEmulatorOnly(['requests'], 'refuses a custom host the administrator did not list, before sending anything there', async () => {
		const before = emulator.requests.count();
		const result = await testTenantApp(tenantAppCredentialData(emulator, 'main', { loginHost: 'login.example.net', graphHost: 'graph.example.net' }));
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/custom login host "login\.example\.net" is not allowed.*M365_ALLOWED_CUSTOM_HOSTS/);
		expect(emulator.requests.count()).toBe(before);
	});

	it('never shows the secret', async () => {
		const results = await Promise.all([
			testTenantApp(tenantAppCredentials(emulator)),
			testTenantApp(tenantAppCredentials(emulator, { clientSecret: 'Zz99Q~wrongwrongwrongwrongwrongwrong' })),
			...(usingRealTenant() ? [] : [testTenantApp(tenantAppCredentialData(emulator, 'expiredSecret'))]),
		]);
		const secrets = usingRealTenant() ? targetSecrets() : [SEED_APPS.main.secret, SEED_APPS.expiredSecret.secret];
		expect(secrets.length).toBeGreaterThan(0);
		for (const result of results) {
			for (const secret of secrets) expect(result.message).not.toContain(secret);
			expect(result.message).not.toContain('Zz99Q~wrong');
		}
	});
});

describeRequiring(['integrationAccount'], 'integration account credential test', () => {
	async function testAccount(data: Record<string, unknown>) {
		return await m365IntegrationAccountTest.call(testContext, { id: '2', name: 'Integration account', type: 'm365IntegrationAccountOAuth2Api', data: data as never });
	}
	const accessTokenUrl = () => `${emulator.loginUrl}/${emulator.tenantId}/oauth2/v2.0/token`;

	it('reports who is signed in, the tenant and the Teams licence', async () => {
		const data = await integrationAccountCredentials(emulator);
		const result = await testAccount(data);
		const expected = expectedIntegrationAccount(emulator);
		const name = usingRealTenant() ? '.+' : 'Integration Account';
		const upn = expected.upn ? expected.upn.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : '[^)]+';
		expect(result).toEqual({
			status: 'OK',
			message: expect.stringMatching(new RegExp(`^Signed in as ${name} \\(${upn}\\) in tenant ${expected.tenantId}, with a Teams licence`, 'i')),
		});
	});

	itEmulatorOnly(['tokens'], 'refreshes an expired access token to find out who is signed in', async () => {
		const data = await integrationAccountCredentialData(emulator);
		emulator.tokens.expireAll();
		const result = await testAccount({ ...data, accessTokenUrl: accessTokenUrl(), scope: 'openid offline_access User.Read' });
		expect(result.status).toBe('OK');
	});

	itEmulatorOnly(['tokens'], 'says the account is not signed in when the refresh token was revoked', async () => {
		const data = await integrationAccountCredentialData(emulator);
		emulator.tokens.expireAll();
		emulator.tokens.revokeUser(SEED_USERS.integration.id);
		const result = await testAccount({ ...data, accessTokenUrl: accessTokenUrl(), scope: 'openid offline_access User.Read' });
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/^The integration account is not signed in: click Connect again/);
	});

	itEmulatorOnly(['seed'], 'says when the account has no Teams licence', async () => {
		const data = await integrationAccountCredentialData(emulator, { user: SEED_USERS.lee });
		const result = await testAccount(data);
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/^Signed in as Lee Gu .* but this account has no Teams licence/);
	});

	it('says the account was never connected', async () => {
		const result = await testAccount(integrationAccountConnection(emulator));
		expect(result).toEqual({ status: 'Error', message: 'The integration account is not signed in: click Connect and sign in as the integration account.' });
	});
});
