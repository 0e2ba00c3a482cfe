/**
 * The foundation suite as a real-tenant run sees it, without a tenant: jest runs the suite in a child process with
 * made-up M365_E2E_* variables on a machine made offline (offlineDns.cjs: only loopback resolves). What this proves
 * is the switch: exactly the tests that need emulator controls (or an unset variable) are skipped, with the reason
 * in their title and printed; every other test runs and goes to Microsoft's hosts (which the offline machine cannot
 * resolve) instead of the emulator; a half configuration stops the suite naming the missing variables; and no
 * secret from the environment appears in anything the run prints.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

import { TARGET_VARIABLES } from '../../support/target';

const REPO = path.resolve(__dirname, '../../..');
const FOUNDATION = ['credentialTests', 'credentialTestRouting', 'transport'].map((name) => `test/integration/foundation/${name}.test.ts`);

const SECRET = 'Qx8~made-up-client-secret-for-the-offline-run';
const REFRESH_TOKEN = '0.AUIA-made-up-refresh-token-for-the-offline-run';
const APP_ONLY = {
	M365_E2E_TENANT_ID: '11111111-2222-4333-8444-555555555555',
	M365_E2E_CLIENT_ID: '66666666-7777-4888-9999-000000000000',
	M365_E2E_CLIENT_SECRET: SECRET,
};
const WITH_ACCOUNT = { ...APP_ONLY, M365_E2E_REFRESH_TOKEN: REFRESH_TOKEN, M365_E2E_INTEGRATION_UPN: 'integration@contoso.example' };

interface AssertionResult {
	ancestorTitles: string[];
	title: string;
	status: 'passed' | 'failed' | 'pending' | 'skipped' | 'todo';
	failureMessages: string[];
}

interface JestRun {
	results: { testResults: Array<{ name: string; message: string; assertionResults: AssertionResult[] }> };
	output: string;
}

async function runJest(env: Record<string, string>, files: string[]): Promise<JestRun> {
	const folder = mkdtempSync(path.join(tmpdir(), 'real-tenant-run-'));
	const outputFile = path.join(folder, 'results.json');
	const childEnv: NodeJS.ProcessEnv = { ...process.env };
	for (const name of Object.values(TARGET_VARIABLES)) delete childEnv[name];
	Object.assign(childEnv, env, {
		NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${path.join(__dirname, 'offlineDns.cjs')}`.trim(),
	});
	const args = [require.resolve('jest/bin/jest'), '--selectProjects', 'integration', '--runInBand', '--ci', '--json', '--outputFile', outputFile, ...files];
	const child = spawn(process.execPath, args, { cwd: REPO, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
	let output = '';
	child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
	child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
	await new Promise((resolve) => child.on('close', resolve));
	try {
		return { results: JSON.parse(readFileSync(outputFile, 'utf8')) as JestRun['results'], output };
	} finally {
		rmSync(folder, { recursive: true, force: true });
	}
}

const SKIP_SUFFIX = / \[skipped: ([^\]]+)\]$/;

interface Outcome {
	name: string;
	status: AssertionResult['status'];
	/** the reason in the skipped test's title, or in its skipped describe's title */
	reason?: string;
	failure: string;
}

function outcomes(run: JestRun): Outcome[] {
	return run.results.testResults.flatMap((file) =>
		file.assertionResults.map((test) => {
			const titles = [path.basename(file.name, '.test.ts'), ...test.ancestorTitles, test.title];
			const reason = titles.map((title) => SKIP_SUFFIX.exec(title)?.[1]).find(Boolean);
			return {
				name: titles.map((title) => title.replace(SKIP_SUFFIX, '')).join(' › '),
				status: test.status,
				reason,
				failure: test.failureMessages.join('\n'),
			};
		}),
	);
}

const EMULATOR_ONLY = [
	'credentialTests › tenant app credential test › passes with a certificate (SHA-1 and SHA-256 thumbprints)',
	'credentialTests › tenant app credential test › says the secret expired (AADSTS7000222)',
	'credentialTests › tenant app credential test › says admin consent is missing and gives the consent URL',
	'credentialTests › tenant app credential test › refuses a custom host the administrator did not list, before sending anything there',
	'credentialTests › integration account credential test › refreshes an expired access token to find out who is signed in',
	'credentialTests › integration account credential test › says the account is not signed in when the refresh token was revoked',
	'credentialTests › integration account credential test › says when the account has no Teams licence',
	"credentialTestRouting › the tenant app's Test button names missing admin consent, as only this package's test function can",
	"credentialTestRouting › the integration account's Test button calls only a custom Graph host M365_ALLOWED_CUSTOM_HOSTS lists",
	'transport › paging and reads › follows @odata.nextLink until every user is read',
	'transport › expired tokens › app-only: re-mints a token Graph refuses, and mints once per credential otherwise',
	'transport › expired tokens › app-only: survives the emulator clock moving past the token lifetime',
	'transport › expired tokens › delegated: refreshes when Graph answers 401 InvalidAuthenticationToken and saves the rotated refresh token',
	'transport › expired tokens › delegated: refreshes when Graph answers 403 InvalidAuthenticationToken and saves the rotated refresh token',
	'transport › expired tokens › delegated: a revoked sign-in says to connect again, naming the credential',
	'transport › throttling and lost answers › absorbs 429 with Retry-After',
	'transport › throttling and lost answers › retries a read whose connection dropped',
	'transport › throttling and lost answers › never repeats a write whose answer was lost when it cannot check',
	'transport › throttling and lost answers › checks before repeating a write whose answer was lost, and uses what it finds',
	'transport › throttling and lost answers › sends a write again only after checking that it did not happen',
	'transport › $batch › splits into batches of 20, retries throttled sub-requests, and answers in input order',
	'transport › errors › pairs Continue On Fail items',
	'transport › errors › a missing application permission names admin consent',
	'transport › errors › refuses a custom Graph host that is not loopback',
	'transport › one retry budget per operation, and paging that cannot loop › a request throttled without end stops after the budget and says so',
	'transport › one retry budget per operation, and paging that cannot loop › stops paging with an error naming the endpoint when a next-page link repeats',
	"transport › one retry budget per operation, and paging that cannot loop › the $batch calls' own retries and the batch rounds draw on the same budget",
];

const TENANT_APP_TESTS = [
	'credentialTests › tenant app credential test › passes with the client secret, proves Graph answers and lists the granted permissions',
	'credentialTests › tenant app credential test › names the cause and the fix for a wrong secret',
	'credentialTests › tenant app credential test › names the cause and the fix for an unknown tenant',
	'credentialTests › tenant app credential test › names the cause and the fix for a malformed tenant',
	'credentialTests › tenant app credential test › names the cause and the fix for an unknown client id',
	'credentialTests › tenant app credential test › says which fields are missing',
	'credentialTests › tenant app credential test › never shows the secret',
	"credentialTestRouting › the tenant app's Test button runs this package's test function",
	"transport › errors › carries Graph's code, message and request-id",
	'transport › secrets › no output, error or execution record contains a secret or a token',
];

const INTEGRATION_ACCOUNT_TESTS = [
	'credentialTests › integration account credential test › reports who is signed in, the tenant and the Teams licence',
	'credentialTests › integration account credential test › says the account was never connected',
	'transport › delegated calls › calls Graph as the integration account with the stored tokens',
];

/** Tests that need no network at all (they check the credential's fields or the output of the others). */
const OFFLINE_TESTS = new Set([
	'credentialTests › tenant app credential test › says which fields are missing',
	'credentialTests › tenant app credential test › never shows the secret',
	'credentialTests › integration account credential test › says the account was never connected',
	'transport › secrets › no output, error or execution record contains a secret or a token',
]);

const sorted = (names: string[]) => [...names].sort();

let withAccount: JestRun;
let appOnly: JestRun;
let halfConfigured: JestRun;

beforeAll(async () => {
	[withAccount, appOnly, halfConfigured] = await Promise.all([
		runJest(WITH_ACCOUNT, FOUNDATION),
		runJest(APP_ONLY, FOUNDATION),
		runJest({ M365_E2E_TENANT_ID: APP_ONLY.M365_E2E_TENANT_ID, M365_E2E_REFRESH_TOKEN: REFRESH_TOKEN }, [FOUNDATION[1]]),
	]);
}, 600_000);

describe('a real tenant with the tenant app and the integration account', () => {
	it('skips exactly the tests that need emulator controls, saying which control', () => {
		const skipped = outcomes(withAccount).filter((test) => test.status === 'pending');
		expect(sorted(skipped.map((test) => test.name))).toEqual(sorted(EMULATOR_ONLY));
		for (const test of skipped) expect(test.reason).toMatch(/^emulator only: /);
		expect(skipped.find((test) => test.name.endsWith('absorbs 429 with Retry-After'))?.reason).toBe(
			"emulator only: injects faults (throttling, dropped connections); counts requests in the emulator's log",
		);
		expect(withAccount.output).toContain('Skipped describe "expired tokens": emulator only: expires or revokes tokens at will; moves the emulator clock');
		expect(withAccount.output).toContain('Skipped test "passes with a certificate (SHA-1 and SHA-256 thumbprints)": emulator only: uses the emulator\'s seeded apps');
	});

	it('runs every other test, against Microsoft\'s hosts rather than the emulator', () => {
		const ran = outcomes(withAccount).filter((test) => test.status !== 'pending');
		expect(sorted(ran.map((test) => test.name))).toEqual(sorted([...TENANT_APP_TESTS, ...INTEGRATION_ACCOUNT_TESTS]));
		for (const test of ran.filter((candidate) => !OFFLINE_TESTS.has(candidate.name))) {
			// Offline, the only way these fail is by trying to reach Microsoft: the token request (its cause named in
			// words, as n8n would otherwise replace it), or the name lookup.
			expect({ name: test.name, failure: test.failure }).toEqual({
				name: test.name,
				failure: expect.stringMatching(/could not reach the sign-in host login\.microsoftonline\.com \(the host name was not found\)|ENOTFOUND/),
			});
		}
		const signIn = ran.find((test) => test.name.endsWith('reports who is signed in, the tenant and the Teams licence'));
		expect(signIn?.failure).toMatch(/ENOTFOUND login\.microsoftonline\.com/);
	});

	it('passes the tests that need no network', () => {
		for (const test of outcomes(withAccount).filter((candidate) => OFFLINE_TESTS.has(candidate.name))) {
			expect({ name: test.name, status: test.status, failure: test.failure }).toEqual({ name: test.name, status: 'passed', failure: '' });
		}
	});

	it('never prints the client secret or the refresh token', () => {
		const everything = withAccount.output + JSON.stringify(withAccount.results);
		expect(everything).not.toContain(SECRET);
		expect(everything).not.toContain(REFRESH_TOKEN);
	});
});

describe('a real tenant with only the tenant app', () => {
	it('also skips the integration-account tests, naming M365_E2E_REFRESH_TOKEN', () => {
		const skipped = outcomes(appOnly).filter((test) => test.status === 'pending');
		expect(sorted(skipped.map((test) => test.name))).toEqual(sorted([...EMULATOR_ONLY, ...INTEGRATION_ACCOUNT_TESTS]));
		for (const name of INTEGRATION_ACCOUNT_TESTS) {
			expect(skipped.find((test) => test.name === name)?.reason).toBe('real tenant without M365_E2E_REFRESH_TOKEN');
		}
		const ran = outcomes(appOnly).filter((test) => test.status !== 'pending');
		expect(sorted(ran.map((test) => test.name))).toEqual(sorted(TENANT_APP_TESTS));
	});
});

describe('a half-given configuration', () => {
	it('stops the suite, naming the missing variables and none of the values', () => {
		const [file] = halfConfigured.results.testResults;
		expect(file.assertionResults).toEqual([]);
		expect(file.message).toMatch(/M365_E2E_CLIENT_ID and M365_E2E_CLIENT_SECRET are not set: a real-tenant run needs M365_E2E_TENANT_ID, M365_E2E_CLIENT_ID and M365_E2E_CLIENT_SECRET \(set: M365_E2E_TENANT_ID, M365_E2E_REFRESH_TOKEN\)/);
		expect(halfConfigured.output + JSON.stringify(halfConfigured.results)).not.toContain(REFRESH_TOKEN);
	});
});
