/**
 * The connection health node run by n8n-core against the emulator: one report item per check, with the fix.
 */
import type { IDataObject } from 'n8n-workflow';

import { M365ConnectionHealth } from '../../../nodes/M365ConnectionHealth/M365ConnectionHealth.node';
import { clearTenantAppTokenCache } from '../../../nodes/shared/auth/tenantAppToken';
import { SEED_APPS, SEED_CHANNELS, SEED_TEAMS, SEED_USERS, startEmulator, type Emulator } from '../../emulator';
import { runNode } from '../../harness';
import { integrationAccountCredentialData, tenantAppCredentialData } from '../../support/emulatorCredentials';

const node = new M365ConnectionHealth();
let emulator: Emulator;

beforeAll(async () => {
	emulator = await startEmulator();
});
afterAll(async () => {
	await emulator.close();
});
beforeEach(() => {
	clearTenantAppTokenCache();
	emulator.reset();
});

const report = (items: Array<{ json: IDataObject }> | undefined) => (items ?? []).map((i) => i.json);

describe('tenant app checks', () => {
	it('reports a healthy app: token, every feature permission, secret expiry', async () => {
		const result = await runNode({ nodeType: node, parameters: {}, credentials: { m365TenantAppApi: tenantAppCredentialData(emulator) } });
		expect(result.error).toBeUndefined();
		const checks = report(result.items[0]);
		expect(checks[0]).toMatchObject({ credential: 'tenantApp', check: 'token', status: 'ok' });
		expect(checks.filter((c) => c.check === 'permission' && c.status === 'error')).toEqual([]);
		expect(checks.find((c) => c.check === 'secretExpiry')).toMatchObject({ status: 'ok', message: expect.stringMatching(/expires on 2099-01-15/) });
		expect(result.items[0].every((item) => item.pairedItem !== undefined)).toBe(true);
	});

	it('warns when the secret expires within the threshold', async () => {
		const app = emulator.state.app(SEED_APPS.main.appId)!;
		app.application.passwordCredentials![0].endDateTime = new Date(Date.now() + 10 * 86_400_000).toISOString();
		const result = await runNode({ nodeType: node, parameters: { options: { warningDays: 30 } }, credentials: { m365TenantAppApi: tenantAppCredentialData(emulator) } });
		const expiry = report(result.items[0]).find((c) => c.check === 'secretExpiry');
		expect(expiry).toMatchObject({ status: 'warning', details: { daysLeft: expect.any(Number) }, fix: expect.stringMatching(/Create a new client secret/) });
		expect((expiry!.details as IDataObject).daysLeft).toBeLessThanOrEqual(10);
	});

	it('names the missing permissions with the feature they block and the admin-consent URL', async () => {
		const result = await runNode({ nodeType: node, parameters: { features: ['guestSync', 'presence', 'health'] }, credentials: { m365TenantAppApi: tenantAppCredentialData(emulator, 'partial') } });
		const checks = report(result.items[0]);
		const invite = checks.find((c) => c.check === 'permission' && /invite guests/.test(String(c.message)));
		expect(invite).toMatchObject({ status: 'error', message: 'Guest user sync: cannot invite guests (missing application permission User.Invite.All).' });
		expect(invite!.fix).toContain(`/adminconsent?client_id=${SEED_APPS.partial.appId}`);
		expect(checks.find((c) => /read presence/.test(String(c.message)))).toMatchObject({ status: 'ok' });
		expect(checks.find((c) => c.check === 'secretExpiry')).toMatchObject({ status: 'warning', fix: expect.stringMatching(/Application\.Read\.All/) });
	});

	it("checks Teams' protected APIs: a warning with the request form until Microsoft approved the app", async () => {
		const run = async () => report((await runNode({ nodeType: node, parameters: { features: ['eventTriggers'] }, credentials: { m365TenantAppApi: tenantAppCredentialData(emulator) } })).items[0]);
		const unapproved = (await run()).find((c) => c.check === 'protectedApis');
		expect(unapproved).toMatchObject({ status: 'warning', message: expect.stringMatching(/not approved/), fix: expect.stringContaining('https://aka.ms/teamsgraph/requestaccess') });
		emulator.state.app(SEED_APPS.main.appId)!.protectedApiAccess = true;
		expect((await run()).find((c) => c.check === 'protectedApis')).toMatchObject({ status: 'ok' });
	});

	it("checks chosen mailboxes: outside the app's Exchange scope (RBAC for Applications or an access policy), not found, or readable", async () => {
		const parameters = { features: ['mailboxPolling'], mailboxes: `${SEED_USERS.support.upn}, ${SEED_USERS.salesDesk.upn}, nobody@contoso.onmicrosoft.com` };
		// The answer tenants report for a mailbox outside an RBAC for Applications management scope.
		emulator.faults.add({ kind: 'status', status: 403, code: 'ExtensionError', message: 'Access is denied. Check credentials and try again.', method: 'GET', path: `/users/${SEED_USERS.salesDesk.upn}/mailFolders/inbox` });
		const checks = report((await runNode({ nodeType: node, parameters, credentials: { m365TenantAppApi: tenantAppCredentialData(emulator) } })).items[0]).filter((c) => c.check === 'mailboxAccess');
		expect(checks.map((c) => [(c.details as IDataObject).mailbox, c.status])).toEqual([
			[SEED_USERS.support.upn, 'ok'],
			[SEED_USERS.salesDesk.upn, 'error'],
			['nobody@contoso.onmicrosoft.com', 'error'],
		]);
		expect(checks[1]).toMatchObject({ message: expect.stringContaining('Exchange RBAC for Applications'), fix: expect.stringContaining('Test-ServicePrincipalAuthorization') });
		expect(checks[2].message).toMatch(/not found/);
	});

	it('reports missing admin consent', async () => {
		const result = await runNode({ nodeType: node, parameters: {}, credentials: { m365TenantAppApi: tenantAppCredentialData(emulator, 'noConsent') } });
		expect(report(result.items[0]).find((c) => c.check === 'adminConsent')).toMatchObject({ status: 'error', details: { adminConsentUrl: expect.stringContaining('adminconsent') } });
	});

	it('reports an expired secret as a token error with the fix, and can fail the execution', async () => {
		const credentials = { m365TenantAppApi: tenantAppCredentialData(emulator, 'expiredSecret') };
		const soft = await runNode({ nodeType: node, parameters: {}, credentials });
		expect(report(soft.items[0])).toEqual([expect.objectContaining({ check: 'token', status: 'error', message: expect.stringMatching(/AADSTS7000222/) })]);
		const hard = await runNode({ nodeType: node, parameters: { options: { failOnError: true } }, credentials });
		expect(hard.error?.message).toMatch(/^1 connection check failed: Failed to request refresh token: the client secret has expired/);
	});
});

describe('integration account checks', () => {
	it('reports who is signed in, the licence, sign-in activity and memberships', async () => {
		const account = await integrationAccountCredentialData(emulator);
		const result = await runNode({
			nodeType: node,
			parameters: {
				checkTenantApp: false,
				checkIntegrationAccount: true,
				memberships: {
					membership: [
						{ team: SEED_TEAMS.sales.id, channel: SEED_CHANNELS.salesPartners.id },
						{ team: SEED_TEAMS.sales.id, channel: SEED_CHANNELS.salesLeadership.id },
						{ team: SEED_TEAMS.marketing.id },
						{ team: SEED_TEAMS.engineering.id, channel: SEED_CHANNELS.engineeringGeneral.id },
					],
				},
			},
			credentials: { m365IntegrationAccountOAuth2Api: account },
		});
		expect(result.error).toBeUndefined();
		const checks = report(result.items[0]);
		expect(checks[0]).toMatchObject({ check: 'signedIn', status: 'ok', message: `Signed in as Integration Account (${SEED_USERS.integration.upn}) in tenant ${emulator.tenantId}.` });
		expect(checks.find((c) => c.check === 'teamsLicence')).toMatchObject({ status: 'ok' });
		expect(checks.find((c) => c.check === 'signInActivity')).toMatchObject({ status: 'ok', details: { daysSinceRefresh: 0 } });
		const memberships = checks.filter((c) => c.check === 'membership').map((c) => [c.status, c.message]);
		expect(memberships).toEqual([
			['ok', 'Member of private channel "Partners".'],
			['error', expect.stringMatching(new RegExp(`^The integration account ${SEED_USERS.integration.upn} is not a member (of private channel "Leadership"|of channel .* of team "Sales", or the channel does not exist)`))],
			['error', `The integration account ${SEED_USERS.integration.upn} is not a member of team ${SEED_TEAMS.marketing.id}.`],
			['ok', 'Member of team "Engineering", which includes its standard channel "General".'],
		]);
	});

	it('says to connect again when the sign-in was revoked', async () => {
		const account = await integrationAccountCredentialData(emulator);
		emulator.tokens.expireAll();
		emulator.tokens.revokeUser(SEED_USERS.integration.id);
		const result = await runNode({ nodeType: node, parameters: { checkTenantApp: false, checkIntegrationAccount: true }, credentials: { m365IntegrationAccountOAuth2Api: account } });
		expect(report(result.items[0])).toEqual([
			expect.objectContaining({ check: 'signedIn', status: 'error', message: expect.stringMatching(/^The integration account is not signed in: open credential ".+" and click Connect again$/) }),
		]);
	});

	it('refuses to run with nothing to check, naming the switches', async () => {
		const result = await runNode({ nodeType: node, parameters: { checkTenantApp: false, checkIntegrationAccount: false } });
		expect(result.error?.message).toBe('Nothing to check');
	});
});
