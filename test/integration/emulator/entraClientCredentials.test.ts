// Client credentials through a real msal-node ConfidentialClientApplication, and every AADSTS case of the token
// endpoint, against the emulator's login host.
import { ConfidentialClientApplication, type Configuration } from '@azure/msal-node';

import { type Emulator, SEED_APPS, SEED_TENANT, startEmulator } from '../../emulator';
import { decodeJwt } from '../../emulator/jwt';
import { UNREGISTERED_CERTIFICATE_PEM, UNREGISTERED_CERTIFICATE_PRIVATE_KEY_PEM } from '../../emulator/state/seedKeys';
import { emulatorRequest } from '../../emulator/testClient';
import { createHash, X509Certificate } from 'crypto';

let emulator: Emulator;
beforeAll(async () => {
	emulator = await startEmulator();
});
afterAll(async () => {
	await emulator.close();
});

const GRAPH_DEFAULT = ['https://graph.microsoft.com/.default'];

function msal(auth: Partial<Configuration['auth']> & { clientId: string }, tenant: string = SEED_TENANT.id) {
	return new ConfidentialClientApplication({
		auth: { authority: `${emulator.loginUrl}/${tenant}`, knownAuthorities: [emulator.loginHost], ...auth },
	});
}

async function msalError(client: ConfidentialClientApplication): Promise<{ errorCode: string; errorNo?: string | number; status?: number; subError?: string; errorMessage: string }> {
	try {
		await client.acquireTokenByClientCredential({ scopes: GRAPH_DEFAULT, skipCache: true });
	} catch (error) {
		return error as never;
	}
	throw new Error('expected msal to fail');
}

function tokenForm(fields: Record<string, string>, tenant: string = SEED_TENANT.id) {
	return emulatorRequest(`${emulator.loginUrl}/${tenant}/oauth2/v2.0/token?client-request-id=abc`, { form: fields });
}

describe('Entra client credentials', () => {
	it('serves OpenID configuration pointing at the emulator', async () => {
		const response = await emulatorRequest(`${emulator.loginUrl}/${SEED_TENANT.id}/v2.0/.well-known/openid-configuration`);
		expect(response.status).toBe(200);
		expect(response.json.token_endpoint).toBe(`${emulator.loginUrl}/${SEED_TENANT.id}/oauth2/v2.0/token`);
		expect(response.json.authorization_endpoint).toBe(`${emulator.loginUrl}/${SEED_TENANT.id}/oauth2/v2.0/authorize`);
		expect(response.json.issuer).toBe(`${emulator.loginUrl}/${SEED_TENANT.id}/v2.0`);
		expect(response.json.msgraph_host).toBe(emulator.graphHost);
		const keys = await emulatorRequest(response.json.jwks_uri);
		expect(keys.json.keys[0]).toMatchObject({ kty: 'RSA', use: 'sig' });
	});

	it('issues an app-only Graph token to msal with a client secret', async () => {
		const result = await msal({ clientId: SEED_APPS.main.appId, clientSecret: SEED_APPS.main.secret }).acquireTokenByClientCredential({ scopes: GRAPH_DEFAULT });
		expect(result?.accessToken).toBeTruthy();
		const claims = decodeJwt(result!.accessToken)!.claims;
		expect(claims).toMatchObject({ aud: 'https://graph.microsoft.com', iss: `https://sts.windows.net/${SEED_TENANT.id}/`, tid: SEED_TENANT.id, appid: SEED_APPS.main.appId, idtyp: 'app' });
		expect(claims.roles).toEqual(expect.arrayContaining(['User.Read.All', 'Presence.Read.All']));
		expect((claims.exp as number) - (claims.iat as number)).toBe(3599);
		expect(result!.expiresOn!.getTime()).toBeGreaterThan(Date.now());
	});

	it('accepts the tenant domain as authority', async () => {
		const result = await msal({ clientId: SEED_APPS.main.appId, clientSecret: SEED_APPS.main.secret }, SEED_TENANT.initialDomain).acquireTokenByClientCredential({ scopes: GRAPH_DEFAULT });
		expect(result?.accessToken).toBeTruthy();
	});

	it('issues a token to msal with a certificate (SHA-256 thumbprint, PS256)', async () => {
		const result = await msal({ clientId: SEED_APPS.main.appId, clientCertificate: { thumbprintSha256: SEED_APPS.main.thumbprintSha256, privateKey: SEED_APPS.main.privateKeyPem } }).acquireTokenByClientCredential({ scopes: GRAPH_DEFAULT });
		expect(decodeJwt(result!.accessToken)!.claims.appid).toBe(SEED_APPS.main.appId);
	});

	it('issues a token to msal with a certificate (SHA-1 thumbprint, RS256)', async () => {
		const result = await msal({ clientId: SEED_APPS.main.appId, clientCertificate: { thumbprint: SEED_APPS.main.thumbprint, privateKey: SEED_APPS.main.privateKeyPem } }).acquireTokenByClientCredential({ scopes: GRAPH_DEFAULT });
		expect(result?.accessToken).toBeTruthy();
	});

	it('refuses a certificate not registered on the app (AADSTS700027)', async () => {
		const thumbprintSha256 = createHash('sha256').update(new X509Certificate(UNREGISTERED_CERTIFICATE_PEM).raw).digest('hex');
		const error = await msalError(msal({ clientId: SEED_APPS.main.appId, clientCertificate: { thumbprintSha256, privateKey: UNREGISTERED_CERTIFICATE_PRIVATE_KEY_PEM } }));
		expect(error).toMatchObject({ errorCode: 'invalid_client', errorNo: 700027, status: 401 });
	});

	it('refuses a registered thumbprint signed with another key (AADSTS700027)', async () => {
		const error = await msalError(msal({ clientId: SEED_APPS.main.appId, clientCertificate: { thumbprintSha256: SEED_APPS.main.thumbprintSha256, privateKey: UNREGISTERED_CERTIFICATE_PRIVATE_KEY_PEM } }));
		expect(error).toMatchObject({ errorCode: 'invalid_client', errorNo: 700027 });
	});

	it('AADSTS7000215: wrong secret, 401 invalid_client', async () => {
		const error = await msalError(msal({ clientId: SEED_APPS.main.appId, clientSecret: 'not-the-secret' }));
		expect(error).toMatchObject({ errorCode: 'invalid_client', errorNo: 7000215, status: 401 });
		expect(error.errorMessage).toContain('AADSTS7000215: Invalid client secret provided.');
	});

	it('AADSTS7000222: expired secret, 401 invalid_client', async () => {
		const error = await msalError(msal({ clientId: SEED_APPS.expiredSecret.appId, clientSecret: SEED_APPS.expiredSecret.secret }));
		expect(error).toMatchObject({ errorCode: 'invalid_client', errorNo: 7000222, status: 401 });
	});

	it('AADSTS700016: unknown client id, 400 unauthorized_client', async () => {
		const error = await msalError(msal({ clientId: '00000000-1111-4222-8333-444444444444', clientSecret: 'x' }));
		expect(error).toMatchObject({ errorCode: 'unauthorized_client', errorNo: 700016, status: 400 });
	});

	it('AADSTS700038: a client id that is not a GUID', async () => {
		const response = await tokenForm({ client_id: 'n8n M365 Integration', client_secret: 'x', grant_type: 'client_credentials', scope: GRAPH_DEFAULT[0] });
		expect(response.status).toBe(400);
		expect(response.json).toMatchObject({ error: 'invalid_request', error_codes: [700038] });
	});

	it('AADSTS90002: unknown tenant GUID and domain, 400 invalid_request', async () => {
		for (const tenant of ['0f0f0f0f-1111-4222-8333-444444444444', 'fabrikam.onmicrosoft.com']) {
			const response = await tokenForm({ client_id: SEED_APPS.main.appId, client_secret: SEED_APPS.main.secret, grant_type: 'client_credentials', scope: GRAPH_DEFAULT[0] }, tenant);
			expect(response.status).toBe(400);
			expect(response.json).toMatchObject({ error: 'invalid_request', error_codes: [90002] });
			expect(response.json.error_description).toMatch(new RegExp(`^AADSTS90002: Tenant '${tenant.replace(/\./g, '\\.')}' not found\\.`));
		}
	});

	it('AADSTS900023: malformed tenant, 400 invalid_request', async () => {
		const response = await tokenForm({ client_id: SEED_APPS.main.appId, client_secret: SEED_APPS.main.secret, grant_type: 'client_credentials', scope: GRAPH_DEFAULT[0] }, 'not_a_tenant!');
		expect(response.status).toBe(400);
		expect(response.json).toMatchObject({ error: 'invalid_request', error_codes: [900023] });
	});

	it('discovery on an unknown tenant fails the way Entra does', async () => {
		const response = await emulatorRequest(`${emulator.loginUrl}/0f0f0f0f-1111-4222-8333-444444444444/v2.0/.well-known/openid-configuration`);
		expect(response.status).toBe(400);
		expect(response.json).toMatchObject({ error: 'invalid_tenant', error_codes: [90002] });
	});

	it('AADSTS9001023: client credentials over /common', async () => {
		const response = await tokenForm({ client_id: SEED_APPS.main.appId, client_secret: SEED_APPS.main.secret, grant_type: 'client_credentials', scope: GRAPH_DEFAULT[0] }, 'common');
		expect(response.json).toMatchObject({ error: 'invalid_request', error_codes: [9001023] });
	});

	it('AADSTS7000218: neither secret nor assertion', async () => {
		const response = await tokenForm({ client_id: SEED_APPS.main.appId, grant_type: 'client_credentials', scope: GRAPH_DEFAULT[0] });
		expect(response.status).toBe(401);
		expect(response.json).toMatchObject({ error: 'invalid_client', error_codes: [7000218] });
	});

	it('AADSTS70011: client credentials scope without /.default', async () => {
		const response = await tokenForm({ client_id: SEED_APPS.main.appId, client_secret: SEED_APPS.main.secret, grant_type: 'client_credentials', scope: 'User.Read' });
		expect(response.status).toBe(400);
		expect(response.json).toMatchObject({ error: 'invalid_scope', error_codes: [70011] });
	});

	it('error bodies carry Entra\'s fields and formats', async () => {
		const response = await tokenForm({ client_id: SEED_APPS.main.appId, client_secret: 'wrong', grant_type: 'client_credentials', scope: GRAPH_DEFAULT[0] });
		const body = response.json;
		expect(Object.keys(body).sort()).toEqual(['correlation_id', 'error', 'error_codes', 'error_description', 'error_uri', 'timestamp', 'trace_id']);
		expect(body.error_description).toMatch(/^AADSTS7000215: .+\r\nTrace ID: [0-9a-f-]{36}\r\nCorrelation ID: abc\r\nTimestamp: \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}Z$/s);
		expect(body.timestamp).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}Z$/);
		expect(body.error_uri).toBe('https://login.microsoftonline.com/error?code=7000215');
		expect(JSON.stringify(body)).not.toContain(SEED_APPS.main.secret);
	});

	it('an app without admin consent gets a token without roles', async () => {
		const result = await msal({ clientId: SEED_APPS.noConsent.appId, clientSecret: SEED_APPS.noConsent.secret }).acquireTokenByClientCredential({ scopes: GRAPH_DEFAULT });
		expect(decodeJwt(result!.accessToken)!.claims.roles).toBeUndefined();
	});

	it('a Graph path sent to the login host is not found there', async () => {
		const response = await emulatorRequest(`${emulator.loginUrl}/v1.0/users`);
		expect(response.status).toBe(404);
	});
});
