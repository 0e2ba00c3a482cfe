// Graph core: authentication (401/403 on expired tokens), permissions, users with filters and paging, /me,
// licenseDetails, organization, applications, error shapes.
import { type Emulator, SEED_APPS, SEED_GUESTS, SEED_TENANT, SEED_USERS, startEmulator } from '../../emulator';
import { registerExtensionProperty } from '../../emulator/graph/extensionProperties';
import { emulatorRequest } from '../../emulator/testClient';

let emulator: Emulator;
let appToken: string;
beforeAll(async () => {
	emulator = await startEmulator();
	appToken = emulator.tokens.issueAppToken(SEED_APPS.main.appId);
});
afterAll(async () => {
	await emulator.close();
});

const get = (path: string, token?: string, headers: Record<string, string> = {}) => emulatorRequest(`${emulator.graphUrl}/v1.0${path}`, { token, headers });

describe('Graph authentication', () => {
	it('401 InvalidAuthenticationToken "Access token is empty." without a token', async () => {
		const response = await get('/users');
		expect(response.status).toBe(401);
		expect(response.json.error).toMatchObject({ code: 'InvalidAuthenticationToken', message: 'Access token is empty.' });
		expect(response.json.error.innerError['request-id']).toBe(response.headers['request-id']);
		expect(response.headers['www-authenticate']).toContain('Bearer');
	});

	it('401 for a tampered or malformed token', async () => {
		const token = emulator.tokens.issueAppToken(SEED_APPS.main.appId);
		const [header, claims, signature] = token.split('.');
		const elevated = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(claims, 'base64url').toString()), roles: ['Directory.ReadWrite.All'] })).toString('base64url');
		expect((await get('/users', `${header}.${elevated}.${signature}`)).status).toBe(401);
		expect((await get('/users', 'not-a-jwt')).json.error.code).toBe('InvalidAuthenticationToken');
	});

	it('an access token expires when the emulator clock passes exp', async () => {
		const token = emulator.tokens.issueAppToken(SEED_APPS.main.appId);
		expect((await get('/organization', token)).status).toBe(200);
		emulator.clock.advance(3600);
		const response = await get('/organization', token);
		expect(response.status).toBe(401);
		expect(response.json.error).toMatchObject({ code: 'InvalidAuthenticationToken', message: 'Access token has expired or is not yet valid.' });
		appToken = emulator.tokens.issueAppToken(SEED_APPS.main.appId);
	});

	it('expireAll expires issued tokens but not new ones; forced 403 for expired tokens', async () => {
		const old = emulator.tokens.issueAppToken(SEED_APPS.main.appId);
		emulator.tokens.expireAll();
		expect((await get('/organization', old)).status).toBe(401);
		emulator.tokens.forceExpiredTokenStatus(403);
		const forbidden = await get('/organization', old);
		expect(forbidden.status).toBe(403);
		expect(forbidden.json.error.code).toBe('InvalidAuthenticationToken');
		emulator.tokens.forceExpiredTokenStatus(undefined);
		appToken = emulator.tokens.issueAppToken(SEED_APPS.main.appId);
		expect((await get('/organization', appToken)).status).toBe(200);
	});

	it('a route may answer 403 for expired tokens', async () => {
		emulator.graph.route('GET', '/teams/:teamId/emulatorExpiredProbe', { expiredTokenStatus: 403, handler: () => ({ body: { ok: true } }) });
		const token = emulator.tokens.issueAppToken(SEED_APPS.main.appId);
		expect((await get('/teams/x/emulatorExpiredProbe', token)).status).toBe(200);
		emulator.tokens.expireAll();
		const response = await get('/teams/x/emulatorExpiredProbe', token);
		expect(response.status).toBe(403);
		expect(response.json.error.code).toBe('InvalidAuthenticationToken');
		appToken = emulator.tokens.issueAppToken(SEED_APPS.main.appId);
	});
});

describe('Graph permissions', () => {
	it('403 Authorization_RequestDenied on directory routes without the role', async () => {
		const token = emulator.tokens.issueAppToken(SEED_APPS.noConsent.appId);
		const response = await get('/users', token);
		expect(response.status).toBe(403);
		expect(response.json.error).toMatchObject({ code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' });
	});

	it('403 Forbidden naming the required permissions on other routes', async () => {
		emulator.graph.route('GET', '/emulatorProbe/presenceLike', { permissions: { application: ['Presence.Read.All'], delegated: ['Presence.Read'] }, handler: () => ({ body: {} }) });
		const token = emulator.tokens.issueAppToken(SEED_APPS.main.appId, ['User.Read.All']);
		const response = await get('/emulatorProbe/presenceLike', token);
		expect(response.status).toBe(403);
		expect(response.json.error).toMatchObject({ code: 'Forbidden', message: "Missing role permissions on the request. API requires one of 'Presence.Read.All'. Roles on the request 'User.Read.All'." });
		const delegated = emulator.tokens.issueDelegatedTokens(SEED_APPS.main.appId, SEED_USERS.integration.upn, ['User.Read']).accessToken;
		expect((await get('/emulatorProbe/presenceLike', delegated)).json.error.message).toBe("Missing scope permissions on the request. API requires one of 'Presence.Read'. Scopes on the request 'User.Read'.");
		expect((await get('/emulatorProbe/presenceLike', emulator.tokens.issueAppToken(SEED_APPS.partial.appId))).status).toBe(200);
	});

	it('delegated User.Read reaches /me but not other users', async () => {
		const { accessToken } = emulator.tokens.issueDelegatedTokens(SEED_APPS.main.appId, SEED_USERS.integration.upn, ['User.Read']);
		const me = await get('/me', accessToken);
		expect(me.status).toBe(200);
		expect(me.json).toMatchObject({ id: SEED_USERS.integration.id, displayName: 'Integration Account', userPrincipalName: SEED_USERS.integration.upn });
		expect(me.json['@odata.context']).toBe(`${emulator.graphUrl}/v1.0/$metadata#users/$entity`);
		expect((await get(`/users/${SEED_USERS.adele.id}`, accessToken)).status).toBe(403);
	});

	it('/me with an app-only token is a 400', async () => {
		const response = await get('/me', appToken);
		expect(response.status).toBe(400);
		expect(response.json.error.message).toBe('/me request is only valid with delegated authentication flow.');
	});
});

describe('Graph users', () => {
	it('gets a user by id or UPN with the default property set', async () => {
		const byUpn = await get(`/users/${encodeURIComponent(SEED_USERS.adele.upn)}`, appToken);
		expect(byUpn.status).toBe(200);
		expect(Object.keys(byUpn.json).sort()).toEqual(['@odata.context', 'businessPhones', 'displayName', 'givenName', 'id', 'jobTitle', 'mail', 'mobilePhone', 'officeLocation', 'preferredLanguage', 'surname', 'userPrincipalName']);
		const byId = await get(`/users/${SEED_USERS.adele.id}?$select=id,userType,accountEnabled`, appToken);
		expect(byId.json).toMatchObject({ id: SEED_USERS.adele.id, userType: 'Member', accountEnabled: true });
	});

	it('gets a guest by a UPN with an encoded #EXT#', async () => {
		const response = await get(`/users/${encodeURIComponent(SEED_GUESTS.priya.upn)}?$select=id,externalUserState,creationType`, appToken);
		expect(response.json).toMatchObject({ id: SEED_GUESTS.priya.id, externalUserState: 'PendingAcceptance', creationType: 'Invitation' });
	});

	it("404 Request_ResourceNotFound with Graph's message", async () => {
		const response = await get('/users/nobody@contoso.onmicrosoft.com', appToken);
		expect(response.status).toBe(404);
		expect(response.json.error).toMatchObject({
			code: 'Request_ResourceNotFound',
			message: "Resource 'nobody@contoso.onmicrosoft.com' does not exist or one of its queried reference-property objects are not present.",
		});
	});

	it('filters guests by mail, otherMails, UPN, ids and display name', async () => {
		const q = (filter: string, extra = '') => get(`/users?$filter=${encodeURIComponent(filter)}&$select=id,mail,userType${extra}`, appToken);
		const guest = await q(`userType eq 'Guest' and mail eq '${SEED_GUESTS.jordan.mail.toUpperCase()}'`);
		expect(guest.json.value).toEqual([{ id: SEED_GUESTS.jordan.id, mail: SEED_GUESTS.jordan.mail, userType: 'Guest' }]);
		expect((await q("otherMails/any(x:x eq 'sam.okafor@northwind.example')")).json.value.map((u: { id: string }) => u.id)).toEqual([SEED_GUESTS.sam.id]);
		expect((await q(`userPrincipalName eq '${SEED_GUESTS.priya.upn}'`)).json.value).toHaveLength(1);
		expect((await q(`id in ('${SEED_USERS.adele.id}', '${SEED_USERS.alex.id}')`)).json.value).toHaveLength(2);
		expect((await q("startswith(displayName,'Ad')")).json.value.map((u: { id: string }) => u.id)).toEqual([SEED_USERS.adele.id]);
		expect((await q("userType eq 'Guest'")).json.value).toHaveLength(3);
	});

	it('refuses advanced queries without ConsistencyLevel, answers them with it', async () => {
		const filter = encodeURIComponent("userType ne 'Guest'");
		expect((await get(`/users?$filter=${filter}`, appToken)).status).toBe(400);
		const counted = await get(`/users?$filter=${filter}&$count=true`, appToken, { ConsistencyLevel: 'eventual' });
		expect(counted.status).toBe(200);
		expect(counted.json['@odata.count']).toBe(counted.json.value.length);
		expect((await get('/users?$count=true', appToken)).status).toBe(400);
	});

	it('rejects malformed filters with 400', async () => {
		const response = await get(`/users?$filter=${encodeURIComponent("mail eq 'x")}`, appToken);
		expect(response.status).toBe(400);
		expect(response.json.error.code).toBe('BadRequest');
	});

	it('pages with $top and absolute nextLinks until every user was seen', async () => {
		const seen: string[] = [];
		let url: string | undefined = `${emulator.graphUrl}/v1.0/users?$top=4&$select=id`;
		let pages = 0;
		while (url) {
			const response = await emulatorRequest(url, { token: appToken });
			expect(response.status).toBe(200);
			seen.push(...response.json.value.map((u: { id: string }) => u.id));
			url = response.json['@odata.nextLink'];
			pages++;
		}
		const total = Object.keys(emulator.state.data.users).length;
		expect(new Set(seen).size).toBe(total);
		expect(pages).toBe(Math.ceil(total / 4));
		expect((await get('/users?$top=1000', appToken)).status).toBe(400);
	});

	it('PATCH and DELETE change the directory', async () => {
		const patched = await emulatorRequest(`${emulator.graphUrl}/v1.0/users/${SEED_USERS.pradeep.id}`, { method: 'PATCH', token: appToken, json: { jobTitle: 'Engineer' } });
		expect(patched.status).toBe(204);
		expect(emulator.state.user(SEED_USERS.pradeep.id)?.user.jobTitle).toBe('Engineer');
		const changes: string[] = [];
		emulator.events.on('change', (e) => changes.push(`${e.changeType} ${e.resource}`));
		const deleted = await emulatorRequest(`${emulator.graphUrl}/v1.0/users/${SEED_GUESTS.priya.id}`, { method: 'DELETE', token: appToken });
		expect(deleted.status).toBe(204);
		expect((await get(`/users/${SEED_GUESTS.priya.id}`, appToken)).status).toBe(404);
		expect(changes).toContain(`deleted Users/${SEED_GUESTS.priya.id}`);
		const readOnly = emulator.tokens.issueAppToken(SEED_APPS.partial.appId);
		expect((await emulatorRequest(`${emulator.graphUrl}/v1.0/users/${SEED_USERS.pradeep.id}`, { method: 'DELETE', token: readOnly })).status).toBe(403);
	});

	it('refuses unregistered directory extension properties on PATCH and $filter, accepts registered ones', async () => {
		const unknown = `extension_${SEED_APPS.main.appId.replace(/-/g, '')}_syncSource`;
		const refused = await emulatorRequest(`${emulator.graphUrl}/v1.0/users/${SEED_USERS.alex.id}`, { method: 'PATCH', token: appToken, json: { [unknown]: 'slack' } });
		expect(refused.status).toBe(400);
		expect(refused.json.error.message).toBe(`Property '${unknown}' does not exist as a declared property or extension property.`);
		expect((await get(`/users?$filter=${encodeURIComponent(`${unknown} eq 'slack'`)}`, appToken)).status).toBe(400);
		registerExtensionProperty(emulator.state, SEED_APPS.main.appId, 'syncSource');
		expect((await emulatorRequest(`${emulator.graphUrl}/v1.0/users/${SEED_USERS.alex.id}`, { method: 'PATCH', token: appToken, json: { [unknown]: 'slack' } })).status).toBe(204);
		const found = await get(`/users?$filter=${encodeURIComponent(`${unknown} eq 'slack'`)}&$select=id,${unknown}`, appToken);
		expect(found.json.value).toEqual([{ id: SEED_USERS.alex.id, [unknown]: 'slack' }]);
	});

	it('licenseDetails tells who has Teams', async () => {
		const licensed = await get(`/users/${SEED_USERS.integration.id}/licenseDetails`, appToken);
		expect(licensed.json.value[0].skuPartNumber).toBe('SPE_E3');
		expect(licensed.json.value[0].servicePlans.map((p: { servicePlanName: string }) => p.servicePlanName)).toContain('TEAMS1');
		expect((await get(`/users/${SEED_USERS.pradeep.id}/licenseDetails`, appToken)).json.value).toEqual([]);
		const { accessToken } = emulator.tokens.issueDelegatedTokens(SEED_APPS.main.appId, SEED_USERS.integration.upn, ['User.Read']);
		expect((await get('/me/licenseDetails', accessToken)).json.value[0].skuPartNumber).toBe('SPE_E3');
	});
});

describe('Graph directory and routing', () => {
	it('organization, applications by appId with secret end dates, service principals', async () => {
		const org = await get('/organization', appToken);
		expect(org.json.value[0]).toMatchObject({ id: SEED_TENANT.id, displayName: 'Contoso' });
		const apps = await get(`/applications?$filter=${encodeURIComponent(`appId eq '${SEED_APPS.expiredSecret.appId}'`)}&$select=appId,passwordCredentials`, appToken);
		expect(apps.json.value[0].passwordCredentials[0]).toMatchObject({ endDateTime: SEED_APPS.expiredSecret.secretEndDateTime, hint: 'Lp9', secretText: null });
		expect(JSON.stringify(apps.json)).not.toContain(SEED_APPS.expiredSecret.secret);
		const main = await get(`/applications?$filter=${encodeURIComponent(`appId eq '${SEED_APPS.main.appId}'`)}`, appToken);
		expect(main.json.value[0].keyCredentials[0].customKeyIdentifier).toBe(SEED_APPS.main.thumbprint);
		expect((await get('/applications', emulator.tokens.issueAppToken(SEED_APPS.partial.appId))).status).toBe(403);
		const sps = await get(`/servicePrincipals?$filter=${encodeURIComponent(`appId eq '${SEED_APPS.main.appId}'`)}`, appToken);
		expect(sps.json.value).toHaveLength(1);
	});

	it('serves /beta like /v1.0, and refuses unknown versions and segments', async () => {
		expect((await emulatorRequest(`${emulator.graphUrl}/beta/organization`, { token: appToken })).status).toBe(200);
		const version = await emulatorRequest(`${emulator.graphUrl}/v2.0/organization`, { token: appToken });
		expect(version.status).toBe(400);
		expect(version.json.error.message).toBe('Invalid version: v2.0');
		const segment = await get('/nothingHere', appToken);
		expect(segment.status).toBe(400);
		expect(segment.json.error.message).toBe("Resource not found for the segment 'nothingHere'.");
	});

	it('echoes client-request-id and sets request-id', async () => {
		const response = await get('/organization', appToken, { 'client-request-id': 'my-id' });
		expect(response.headers['client-request-id']).toBe('my-id');
		expect(response.headers['request-id']).toMatch(/^[0-9a-f-]{36}$/);
		expect(response.headers['content-type']).toContain('application/json');
	});
});
