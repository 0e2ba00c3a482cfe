import {
	readTestTarget,
	skipReason,
	TARGET_VARIABLES,
	TestTargetError,
	type TestTarget,
} from '../../support/target';

const TENANT_ID = '6f1c2a3e-8b4d-4e5f-9a7b-2c3d4e5f6a7b';
const CLIENT_ID = '0f1d6c39-7a44-4f55-9d1f-2b7a3c0e5a11';
const SECRET = 'Qx8~unit-test-client-secret-value';
const REFRESH_TOKEN = '0.AUIA-unit-test-refresh-token-value';

const appOnly = {
	M365_E2E_TENANT_ID: TENANT_ID,
	M365_E2E_CLIENT_ID: CLIENT_ID,
	M365_E2E_CLIENT_SECRET: SECRET,
};

function failure(env: NodeJS.ProcessEnv): TestTargetError {
	try {
		readTestTarget(env);
	} catch (error) {
		expect(error).toBeInstanceOf(TestTargetError);
		return error as TestTargetError;
	}
	throw new Error('expected the configuration to be refused');
}

describe('reading the target from the environment', () => {
	it('is the emulator when no tenant variable is set, whatever else is', () => {
		expect(readTestTarget({})).toEqual({ kind: 'emulator' });
		expect(readTestTarget({ M365_E2E_CHROMIUM: '/usr/bin/chromium', M365_E2E_N8N_VERSION: '2.40.7', PATH: '/bin' })).toEqual({ kind: 'emulator' });
		expect(readTestTarget({ M365_E2E_TENANT_ID: '  ', M365_E2E_CLIENT_SECRET: '' })).toEqual({ kind: 'emulator' });
	});

	it('is a real tenant on the global cloud with the three tenant-app variables', () => {
		expect(readTestTarget(appOnly)).toEqual({
			kind: 'tenant',
			tenant: { tenantId: TENANT_ID, clientId: CLIENT_ID, clientSecret: SECRET, cloud: 'global' },
		});
	});

	it('reads the integration account, team, channel and cloud, trimmed', () => {
		const target = readTestTarget({
			...appOnly,
			M365_E2E_TENANT_ID: ` ${TENANT_ID}\n`,
			M365_E2E_REFRESH_TOKEN: REFRESH_TOKEN,
			M365_E2E_INTEGRATION_UPN: 'integration@contoso.onmicrosoft.com',
			M365_E2E_TEAM_ID: 'team-id',
			M365_E2E_CHANNEL_ID: '19:abc@thread.tacv2',
			M365_E2E_CLOUD: 'usGov',
		});
		expect(target).toEqual({
			kind: 'tenant',
			tenant: {
				tenantId: TENANT_ID,
				clientId: CLIENT_ID,
				clientSecret: SECRET,
				cloud: 'usGov',
				refreshToken: REFRESH_TOKEN,
				integrationUpn: 'integration@contoso.onmicrosoft.com',
				teamId: 'team-id',
				channelId: '19:abc@thread.tacv2',
			},
		});
	});

	it.each([
		[{ M365_E2E_TENANT_ID: TENANT_ID }, /^M365_E2E_CLIENT_ID and M365_E2E_CLIENT_SECRET are not set: .*\(set: M365_E2E_TENANT_ID\)/],
		[{ ...appOnly, M365_E2E_CLIENT_SECRET: ' ' }, /^M365_E2E_CLIENT_SECRET is not set: a real-tenant run needs M365_E2E_TENANT_ID, M365_E2E_CLIENT_ID and M365_E2E_CLIENT_SECRET/],
		[{ ...appOnly, M365_E2E_CLIENT_ID: undefined }, /^M365_E2E_CLIENT_ID is not set/],
		[{ M365_E2E_REFRESH_TOKEN: REFRESH_TOKEN }, /^M365_E2E_TENANT_ID, M365_E2E_CLIENT_ID and M365_E2E_CLIENT_SECRET are not set: .*\(set: M365_E2E_REFRESH_TOKEN\)/],
		[{ M365_E2E_CLOUD: 'china' }, /^M365_E2E_TENANT_ID, M365_E2E_CLIENT_ID and M365_E2E_CLIENT_SECRET are not set/],
	])('names every missing variable of a half configuration (%#)', (env, expected) => {
		const error = failure(env);
		expect(error.message).toMatch(expected);
		expect(error.message).toMatch(/Unset every M365_E2E_ tenant variable to test against the emulator instead\.$/);
	});

	it.each([
		[{ ...appOnly, M365_E2E_TENANT_ID: 'contoso.onmicrosoft.com' }, /^M365_E2E_TENANT_ID must be the Directory \(tenant\) ID, a GUID/],
		[{ ...appOnly, M365_E2E_CLIENT_ID: 'my-app' }, /^M365_E2E_CLIENT_ID must be the Application \(client\) ID, a GUID/],
		[{ ...appOnly, M365_E2E_CLOUD: 'germany' }, /^M365_E2E_CLOUD must be one of global, usGov, usGovDod, china \(it is "germany"\)/],
		[{ ...appOnly, M365_E2E_INTEGRATION_UPN: 'integration@contoso.com' }, /^M365_E2E_INTEGRATION_UPN is set but M365_E2E_REFRESH_TOKEN is not/],
		[{ ...appOnly, M365_E2E_CHANNEL_ID: '19:abc@thread.tacv2' }, /^M365_E2E_CHANNEL_ID is set but M365_E2E_TEAM_ID is not/],
	])('refuses a value that cannot work, naming the variable (%#)', (env, expected) => {
		expect(failure(env).message).toMatch(expected);
	});

	it('never puts a secret in an error', () => {
		const messages = [
			failure({ M365_E2E_CLIENT_SECRET: SECRET, M365_E2E_REFRESH_TOKEN: REFRESH_TOKEN }),
			failure({ ...appOnly, M365_E2E_TENANT_ID: 'x', M365_E2E_REFRESH_TOKEN: REFRESH_TOKEN }),
			failure({ ...appOnly, M365_E2E_CLOUD: 'nowhere', M365_E2E_REFRESH_TOKEN: REFRESH_TOKEN }),
		].map((error) => error.message);
		for (const message of messages) {
			expect(message).not.toContain(SECRET);
			expect(message).not.toContain(REFRESH_TOKEN);
		}
	});

	it('lists exactly the documented variables', () => {
		expect(Object.values(TARGET_VARIABLES).sort()).toEqual([
			'M365_E2E_CHANNEL_ID',
			'M365_E2E_CLIENT_ID',
			'M365_E2E_CLIENT_SECRET',
			'M365_E2E_CLOUD',
			'M365_E2E_INTEGRATION_UPN',
			'M365_E2E_REFRESH_TOKEN',
			'M365_E2E_TEAM_ID',
			'M365_E2E_TENANT_ID',
		]);
	});
});

describe('which tests a target skips', () => {
	const emulator: TestTarget = { kind: 'emulator' };
	const tenantAppOnly = readTestTarget(appOnly);
	const fullTenant = readTestTarget({ ...appOnly, M365_E2E_REFRESH_TOKEN: REFRESH_TOKEN, M365_E2E_TEAM_ID: 't', M365_E2E_CHANNEL_ID: 'c' });

	it('the emulator runs everything', () => {
		expect(skipReason([], emulator)).toBeUndefined();
		expect(skipReason(['clock', 'faults', 'tokens', 'seed', 'requests', 'state', 'signInPage', 'notifications'], emulator)).toBeUndefined();
		expect(skipReason(['integrationAccount', 'teamAndChannel'], emulator)).toBeUndefined();
	});

	it('a real tenant skips every test needing an emulator control, saying which', () => {
		expect(skipReason(['clock'], fullTenant)).toBe('emulator only: moves the emulator clock');
		expect(skipReason(['faults', 'requests'], fullTenant)).toBe(
			"emulator only: injects faults (throttling, dropped connections); counts requests in the emulator's log",
		);
		expect(skipReason(['tokens'], fullTenant)).toBe('emulator only: expires or revokes tokens at will');
		expect(skipReason(['seed', 'integrationAccount'], fullTenant)).toBe("emulator only: uses the emulator's seeded apps, users or ids");
	});

	it('a real tenant runs tests that need only a working tenant app', () => {
		expect(skipReason([], tenantAppOnly)).toBeUndefined();
	});

	it('a real tenant runs integration-account and team tests only when their variables are set, naming the missing ones', () => {
		expect(skipReason(['integrationAccount'], tenantAppOnly)).toBe('real tenant without M365_E2E_REFRESH_TOKEN');
		expect(skipReason(['integrationAccount', 'teamAndChannel'], tenantAppOnly)).toBe(
			'real tenant without M365_E2E_REFRESH_TOKEN, M365_E2E_TEAM_ID and M365_E2E_CHANNEL_ID',
		);
		expect(skipReason(['integrationAccount', 'teamAndChannel'], fullTenant)).toBeUndefined();
	});
});
