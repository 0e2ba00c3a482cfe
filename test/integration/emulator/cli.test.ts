// The standalone emulator process (demo, e2e, benchmarks): one JSON line on stdout, serves, stops on SIGTERM.
import { type ChildProcess, spawn } from 'child_process';
import { join } from 'path';
import { createInterface } from 'readline';

import { SEED_APPS, SEED_TENANT } from '../../emulator';
import { emulatorRequest } from '../../emulator/testClient';

const root = join(__dirname, '..', '..', '..');

function startCli(args: string[]): { child: ChildProcess; info: Promise<Record<string, unknown>> } {
	const child = spawn(process.execPath, [join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(root, 'test', 'emulator', 'cli.ts'), ...args], {
		cwd: root,
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	const info = new Promise<Record<string, unknown>>((resolve, reject) => {
		const lines = createInterface({ input: child.stdout! });
		lines.once('line', (line) => resolve(JSON.parse(line) as Record<string, unknown>));
		child.once('exit', (code) => reject(new Error(`emulator exited with ${code}`)));
	});
	return { child, info };
}

function exited(child: ChildProcess): Promise<number | null> {
	return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describe('emulator CLI', () => {
	it('prints its addresses and the seed credentials, serves, and stops on SIGTERM', async () => {
		const { child, info } = startCli(['--seed', 'large:20']);
		const printed = await info;
		try {
			expect(printed).toMatchObject({ tenantId: SEED_TENANT.id, clientId: SEED_APPS.main.appId, clientSecret: SEED_APPS.main.secret });
			expect(String(printed.graphUrl)).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
			expect(String(printed.loginHost)).toMatch(/^127\.0\.0\.1:\d+$/);
			const state = await emulatorRequest(`${printed.graphUrl}/_emulator/info`);
			expect(state.json.tenantId).toBe(SEED_TENANT.id);
			const token = await emulatorRequest(`${printed.loginUrl}/${SEED_TENANT.id}/oauth2/v2.0/token`, {
				form: { client_id: SEED_APPS.main.appId, client_secret: SEED_APPS.main.secret, grant_type: 'client_credentials', scope: 'https://graph.microsoft.com/.default' },
			});
			const users = await emulatorRequest(`${printed.graphUrl}/v1.0/users?$top=999&$select=id`, { token: token.json.access_token });
			expect(users.json.value.length).toBeGreaterThan(20);
		} finally {
			const done = exited(child);
			child.kill('SIGTERM');
			expect(await done).toBe(0);
		}
		// Starting a TypeScript process takes a few seconds on a loaded machine.
	}, 30_000);
});
