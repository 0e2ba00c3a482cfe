/**
 * The shared Graph transport run by n8n-core's engine against the emulator: paging, token expiry answered with
 * 401 and with 403, rotated refresh tokens saved, revoked sign-ins, throttling, lost answers on writes, $batch,
 * error mapping, Continue On Fail, host policy, and a check that no secret or token leaks into any output or error.
 * Against a real tenant (M365_E2E_* variables, test/support/target.ts) the tests that need emulator controls skip;
 * Graph's error mapping, a delegated call and the secret check run there too.
 */
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import { clearTenantAppTokenCache } from '../../../nodes/shared/auth/tenantAppToken';
import { SEED_APPS, SEED_USERS, startEmulator, type Emulator } from '../../emulator';
import { runNode, type RunNodeResult } from '../../harness';
import { tenantAppCredentialData } from '../../support/emulatorCredentials';
import {
	describeEmulatorOnly,
	expectedIntegrationAccount,
	integrationAccountCredentials,
	itEmulatorOnly,
	itRequiring,
	targetSecrets,
	tenantAppCredentials,
	usingRealTenant,
} from '../../support/target';
import { GraphProbe } from './graphProbeNode';

const probe = new GraphProbe();
const APP = 'm365TenantAppApi';
const ACCOUNT = 'm365IntegrationAccountOAuth2Api';

let emulator: Emulator;
/** Every run's record, for the secret-leak check at the end. */
const runs: RunNodeResult[] = [];
/** Every token the emulator issued to us, for the same check. */
const issuedSecrets = new Set<string>([SEED_APPS.main.secret, SEED_APPS.partial.secret, ...targetSecrets()]);

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

async function probeRun(parameters: IDataObject, credentials: Record<string, ICredentialDataDecryptedObject>, extra: { continueOnFail?: boolean; items?: IDataObject[] } = {}) {
	const result = await runNode({ nodeType: probe, parameters: parameters as never, credentials, continueOnFail: extra.continueOnFail, inputItems: extra.items });
	runs.push(result);
	for (const data of Object.values(result.credentials)) {
		const tokens = data.oauthTokenData as IDataObject | undefined;
		if (typeof tokens?.access_token === 'string') issuedSecrets.add(tokens.access_token);
		if (typeof tokens?.refresh_token === 'string') issuedSecrets.add(tokens.refresh_token);
	}
	return result;
}

async function account() {
	const data = await integrationAccountCredentials(emulator);
	const tokens = data.oauthTokenData as IDataObject;
	issuedSecrets.add(String(tokens.access_token));
	issuedSecrets.add(String(tokens.refresh_token));
	return data;
}

const json = (result: RunNodeResult) => result.items[0]?.map((item) => item.json) ?? [];

describeEmulatorOnly(['seed', 'requests'], 'paging and reads', () => {
	it('follows @odata.nextLink until every user is read', async () => {
		const result = await probeRun({ mode: 'all', url: '/users?$top=3&$select=id,displayName' }, { [APP]: tenantAppCredentialData(emulator) });
		expect(result.error).toBeUndefined();
		expect(json(result)).toHaveLength(emulator.state.users().length);
		expect(emulator.requests.count({ host: 'graph', method: 'GET', path: '/v1.0/users' })).toBe(Math.ceil(emulator.state.users().length / 3));
	});
});

describeEmulatorOnly(['tokens', 'clock', 'requests'], 'expired tokens', () => {
	it('app-only: re-mints a token Graph refuses, and mints once per credential otherwise', async () => {
		const credentials = { [APP]: tenantAppCredentialData(emulator) };
		await probeRun({ url: '/users/' + SEED_USERS.adele.id }, credentials);
		await probeRun({ url: '/users/' + SEED_USERS.alex.id }, credentials);
		expect(emulator.requests.count({ host: 'login' })).toBe(1);
		emulator.tokens.expireAll();
		const result = await probeRun({ url: '/users/' + SEED_USERS.diego.id }, credentials);
		expect(result.error).toBeUndefined();
		expect(json(result)[0]).toMatchObject({ id: SEED_USERS.diego.id });
		expect(emulator.requests.count({ host: 'login' })).toBe(2);
	});

	it('app-only: survives the emulator clock moving past the token lifetime', async () => {
		const credentials = { [APP]: tenantAppCredentialData(emulator) };
		await probeRun({ url: '/users/' + SEED_USERS.adele.id }, credentials);
		emulator.clock.advance(2 * 3600);
		const result = await probeRun({ url: '/users/' + SEED_USERS.adele.id }, credentials);
		expect(result.error).toBeUndefined();
	});

	it.each([401, 403] as const)('delegated: refreshes when Graph answers %s InvalidAuthenticationToken and saves the rotated refresh token', async (status) => {
		const data = await account();
		const oldRefresh = (data.oauthTokenData as IDataObject).refresh_token;
		emulator.tokens.forceExpiredTokenStatus(status);
		emulator.tokens.expireAll();
		const result = await probeRun({ credentialType: ACCOUNT, url: '/me' }, { [ACCOUNT]: data });
		expect(result.error).toBeUndefined();
		expect(json(result)[0]).toMatchObject({ id: SEED_USERS.integration.id });
		const saved = result.credentials[ACCOUNT].oauthTokenData as IDataObject;
		expect(saved.refresh_token).toBeDefined();
		expect(saved.refresh_token).not.toBe(oldRefresh);
		expect(emulator.requests.count({ host: 'login', method: 'POST' })).toBeGreaterThanOrEqual(2);
	});

	it('delegated: a revoked sign-in says to connect again, naming the credential', async () => {
		const data = await account();
		emulator.tokens.expireAll();
		emulator.tokens.revokeUser(SEED_USERS.integration.id);
		const result = await probeRun({ credentialType: ACCOUNT, url: '/me' }, { [ACCOUNT]: data });
		expect(result.error?.message).toMatch(/^The integration account is not signed in: open credential ".+" and click Connect again$/);
	});
});

describeEmulatorOnly(['faults', 'requests'], 'throttling and lost answers', () => {
	it('absorbs 429 with Retry-After', async () => {
		emulator.faults.add({ kind: 'throttle', method: 'GET', path: '/users/*', retryAfterSeconds: 1, times: 2 });
		const result = await probeRun({ url: '/users/' + SEED_USERS.adele.id }, { [APP]: tenantAppCredentialData(emulator) });
		expect(result.error).toBeUndefined();
		expect(emulator.requests.count({ host: 'graph', method: 'GET', path: `/v1.0/users/${SEED_USERS.adele.id}` })).toBe(3);
	});

	it('retries a read whose connection dropped', async () => {
		emulator.faults.add({ kind: 'drop', method: 'GET', path: '/users/*', times: 1 });
		const result = await probeRun({ url: '/users/' + SEED_USERS.adele.id }, { [APP]: tenantAppCredentialData(emulator) });
		expect(result.error).toBeUndefined();
	});

	const invitation = (email: string) =>
		JSON.stringify({ invitedUserEmailAddress: email, inviteRedirectUrl: 'https://myapps.microsoft.com', sendInvitationMessage: false });

	it('never repeats a write whose answer was lost when it cannot check', async () => {
		emulator.faults.add({ kind: 'dropAfterApply', method: 'POST', path: '/invitations', times: 1 });
		const result = await probeRun({ method: 'POST', url: '/invitations', body: invitation('lost.answer@example.org') }, { [APP]: tenantAppCredentialData(emulator) });
		expect(result.error?.message).toMatch(/answer to POST \/v1\.0\/invitations was lost .* not sent again/);
		expect(emulator.requests.count({ host: 'graph', method: 'POST', path: '/v1.0/invitations' })).toBe(1);
		expect(emulator.state.users().filter((u) => u.user.mail === 'lost.answer@example.org')).toHaveLength(1);
	});

	it('checks before repeating a write whose answer was lost, and uses what it finds', async () => {
		// The check here is one plain $filter read; Entra's replication delay (which the guest sync waits out) is off.
		emulator.rules.set({ replication: false });
		emulator.faults.add({ kind: 'dropAfterApply', method: 'POST', path: '/invitations', times: 1 });
		const result = await probeRun(
			{ method: 'POST', url: '/invitations', body: invitation('found.later@example.org'), verifyUrl: "/users?$filter=mail eq 'found.later@example.org'" },
			{ [APP]: tenantAppCredentialData(emulator) },
		);
		expect(result.error).toBeUndefined();
		expect(json(result)[0]).toMatchObject({ mail: 'found.later@example.org' });
		expect(emulator.requests.count({ host: 'graph', method: 'POST', path: '/v1.0/invitations' })).toBe(1);
		expect(emulator.state.users().filter((u) => u.user.mail === 'found.later@example.org')).toHaveLength(1);
	});

	it('sends a write again only after checking that it did not happen', async () => {
		emulator.faults.add({ kind: 'drop', method: 'POST', path: '/invitations', times: 1 });
		const result = await probeRun(
			{ method: 'POST', url: '/invitations', body: invitation('not.applied@example.org'), verifyUrl: "/users?$filter=mail eq 'not.applied@example.org'" },
			{ [APP]: tenantAppCredentialData(emulator) },
		);
		expect(result.error).toBeUndefined();
		expect(emulator.requests.count({ host: 'graph', method: 'POST', path: '/v1.0/invitations' })).toBe(2);
		expect(emulator.state.users().filter((u) => u.user.mail === 'not.applied@example.org')).toHaveLength(1);
	});
});

describeEmulatorOnly(['faults', 'requests'], 'one retry budget per operation, and paging that cannot loop', () => {
	it('a request throttled without end stops after the budget and says so', async () => {
		emulator.faults.add({ kind: 'throttle', method: 'GET', path: '/users/*', retryAfterSeconds: 0 });
		const result = await probeRun({ url: '/users/' + SEED_USERS.adele.id }, { [APP]: tenantAppCredentialData(emulator) });
		expect(result.error?.message).toMatch(/GET \/v1\.0\/users\/[^:]+: throttled, stopped after 10 retries and \d+ s of waiting/);
		expect(emulator.requests.count({ host: 'graph', method: 'GET', path: `/v1.0/users/${SEED_USERS.adele.id}` })).toBe(11);
	});

	it("the $batch calls' own retries and the batch rounds draw on the same budget", async () => {
		// Eight top-level 429s on the $batch call itself (graph-client's retry handler), then sub-requests throttled for
		// good (the batch rounds): 10 retries in all, not 8 of each layer in each of 8 rounds.
		emulator.faults.add({ kind: 'throttle', method: 'POST', path: '/$batch', retryAfterSeconds: 0, times: 8 });
		emulator.faults.add({ kind: 'throttle', path: '/users/*', retryAfterSeconds: 0, topLevel: false });
		const urls = [SEED_USERS.adele.id, SEED_USERS.alex.id].map((id) => `/users/${id}?$select=id`);
		const result = await probeRun({ mode: 'batch', batchUrls: urls.join('\n') }, { [APP]: tenantAppCredentialData(emulator) });
		expect(result.error).toBeUndefined();
		const out = json(result);
		expect(out.map((o) => o.status)).toEqual([429, 429]);
		expect(String((out[0].error as IDataObject).message)).toMatch(/throttled, stopped after 10 retries/);
		expect(emulator.requests.count({ host: 'graph', method: 'POST', path: '/v1.0/$batch', batch: false })).toBe(11);
	});

	it('stops paging with an error naming the endpoint when a next-page link repeats', async () => {
		emulator.faults.add({ kind: 'repeatNextLink', method: 'GET', path: '/users' });
		const result = await probeRun({ mode: 'all', url: '/users?$top=2' }, { [APP]: tenantAppCredentialData(emulator) });
		expect(result.error?.message).toBe('Microsoft Graph sent the same next-page link twice for GET /users: stopped paging');
		expect(emulator.requests.count({ host: 'graph', method: 'GET', route: 'GET /users' })).toBe(2);
	});
});

describeEmulatorOnly(['faults', 'seed'], '$batch', () => {
	it('splits into batches of 20, retries throttled sub-requests, and answers in input order', async () => {
		const ids = emulator.state.users().map((u) => u.user.id);
		const urls = Array.from({ length: 25 }, (_, n) => `/users/${ids[n % ids.length]}?$select=id`);
		emulator.faults.add({ kind: 'throttle', path: '/users/*', retryAfterSeconds: 1, times: 4, topLevel: false });
		const result = await probeRun({ mode: 'batch', batchUrls: urls.join('\n') }, { [APP]: tenantAppCredentialData(emulator) });
		expect(result.error).toBeUndefined();
		const out = json(result);
		expect(out.map((o) => o.status)).toEqual(Array(25).fill(200));
		expect(out.map((o) => (o.body as IDataObject).id)).toEqual(urls.map((u) => u.split('/')[2].split('?')[0]));
		expect(emulator.requests.count({ host: 'graph', method: 'POST', path: '/v1.0/$batch', batch: false })).toBeGreaterThanOrEqual(3);
	});
});

describe('errors', () => {
	it("carries Graph's code, message and request-id", async () => {
		const failed = await probeRun({ url: '/users/does-not-exist@contoso.onmicrosoft.com' }, { [APP]: tenantAppCredentials(emulator) });
		expect(failed.error?.message).toMatch(/does not exist/);
		expect(String(failed.error?.description)).toMatch(/^Graph error Request_ResourceNotFound \(HTTP 404\), request-id [0-9a-f-]{36}\./);
		expect((failed.error as unknown as { httpCode?: string }).httpCode).toBe('404');
	});

	itEmulatorOnly(['seed'], 'pairs Continue On Fail items', async () => {
		const credentials = { [APP]: tenantAppCredentialData(emulator) };
		const continued = await probeRun({ url: '={{ $json.url }}' }, credentials, {
			continueOnFail: true,
			items: [{ url: `/users/${SEED_USERS.adele.id}` }, { url: '/users/nobody@contoso.onmicrosoft.com' }, { url: `/users/${SEED_USERS.alex.id}` }],
		});
		const items = continued.items[0];
		expect(items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(items[1].json.error).toMatch(/does not exist/);
		expect(items[2].json).toMatchObject({ id: SEED_USERS.alex.id });
	});

	itEmulatorOnly(['seed'], 'a missing application permission names admin consent', async () => {
		const result = await probeRun({ url: '/applications' }, { [APP]: tenantAppCredentialData(emulator, 'partial') });
		expect(result.error?.message).toBeTruthy();
		expect(String(result.error?.description)).toMatch(/HTTP 403.*grant admin consent.*adminconsent\?client_id=/);
	});

	itEmulatorOnly(['requests'], 'refuses a custom Graph host that is not loopback', async () => {
		const before = emulator.requests.count();
		const result = await probeRun({ url: '/users' }, { [APP]: tenantAppCredentialData(emulator, 'main', { graphHost: 'graph.attacker.example' }) });
		expect(result.error?.message).toMatch(/custom Graph host "graph\.attacker\.example" is not allowed/);
		expect(emulator.requests.count()).toBe(before);
	});
});

describe('delegated calls', () => {
	itRequiring(['integrationAccount'], 'calls Graph as the integration account with the stored tokens', async () => {
		const result = await probeRun({ credentialType: ACCOUNT, url: '/me?$select=id,userPrincipalName' }, { [ACCOUNT]: await account() });
		expect(result.error).toBeUndefined();
		const me = json(result)[0];
		expect(me).toMatchObject({ id: expect.any(String), userPrincipalName: expect.any(String) });
		// A real tenant's integration account is known only when M365_E2E_INTEGRATION_UPN says which it is.
		const { upn } = expectedIntegrationAccount(emulator);
		if (upn) expect(String(me.userPrincipalName).toLowerCase()).toBe(upn.toLowerCase());
	});
});

describe('secrets', () => {
	it('no output, error or execution record contains a secret or a token', () => {
		expect(runs.length).toBeGreaterThan(usingRealTenant() ? 0 : 10);
		for (const run of runs) {
			const { credentials: _saved, ...record } = run;
			const text = JSON.stringify(record, (_key, value) => (value instanceof Error ? { message: value.message, description: (value as { description?: unknown }).description, stack: value.stack } : value));
			for (const secret of issuedSecrets) expect(text).not.toContain(secret);
			expect(text).not.toMatch(/Bearer\s+ey/);
		}
	});
});
