/**
 * Which limiter a connection's requests wait in (nodes/shared/transport/middleware/clientLimit.ts). Microsoft counts
 * its throttling limits per app and tenant (https://learn.microsoft.com/en-us/graph/throttling-limits), whether the
 * app calls for itself or for a signed-in user: the tenant app, the integration account and a sender credential of
 * one app registration must keep to a chat's 1 request per second together, not each on its own.
 */
import { connectionFromCredentials } from '../../../nodes/shared/transport/connection';
import { limitScope } from '../../../nodes/shared/transport/middleware/clientLimit';

const TENANT = '11111111-2222-4333-8444-555555555555';
const APP = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
const OTHER_APP = 'ffffffff-bbbb-4ccc-8ddd-eeeeeeeeeeee';

const tenantApp = (clientId: string, tenantId = TENANT) =>
	connectionFromCredentials('m365TenantAppApi', { tenantId, clientId, authMethod: 'secret', clientSecret: 'secret-not-in-scope', cloud: 'global' });
const delegated = (credentialType: string, clientId: string, tenantId = TENANT) =>
	connectionFromCredentials(credentialType, { tenantId, clientId, clientSecret: 'secret-not-in-scope', cloud: 'global' });

describe('limitScope: one limiter per app and tenant', () => {
	it('the tenant app, the integration account and a sender credential of one app registration share it', () => {
		const scopes = new Set([
			limitScope(tenantApp(APP)),
			limitScope(delegated('m365IntegrationAccountOAuth2Api', APP)),
			limitScope(delegated('m365UserOAuth2Api', APP.toUpperCase(), TENANT.toUpperCase())),
		]);
		expect(scopes.size).toBe(1);
	});

	it('another app registration, another tenant or another cloud gets its own', () => {
		const base = limitScope(tenantApp(APP));
		expect(limitScope(tenantApp(OTHER_APP))).not.toBe(base);
		expect(limitScope(delegated('m365IntegrationAccountOAuth2Api', OTHER_APP))).not.toBe(base);
		expect(limitScope(tenantApp(APP, '99999999-2222-4333-8444-555555555555'))).not.toBe(base);
		const usGov = connectionFromCredentials('m365TenantAppApi', { tenantId: TENANT, clientId: APP, authMethod: 'secret', clientSecret: 'x', cloud: 'usGov' });
		expect(usGov.graphHost).not.toBe(tenantApp(APP).graphHost);
		expect(limitScope(usGov)).not.toBe(base);
	});

	it('a delegated credential naming no tenant or client id is paced on its own, per credential type', () => {
		const integration = limitScope(delegated('m365IntegrationAccountOAuth2Api', ''));
		const sender = limitScope(delegated('m365UserOAuth2Api', APP, ''));
		expect(integration).not.toBe(limitScope(tenantApp(APP)));
		expect(sender).not.toBe(limitScope(tenantApp(APP)));
		expect(integration).not.toBe(sender);
	});

	it('holds no secret', () => {
		for (const connection of [tenantApp(APP), delegated('m365IntegrationAccountOAuth2Api', APP)]) {
			expect(limitScope(connection)).not.toContain('secret-not-in-scope');
		}
	});
});
