// Debian's packages the e2e suite needs beside n8n (chromium, redis-server): installed with apt-get when their
// binary is missing, as a progress step, with one `apt-get update` when a fresh machine has no package lists yet.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { step } from './progress';
import { run } from './run';

export async function ensureDebianPackage(binary: string, debianPackage: string): Promise<string> {
	if (fs.existsSync(binary)) return binary;
	const logFile = path.join(os.tmpdir(), `m365-e2e-${debianPackage}-install.log`);
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	const install = async () =>
		await run('apt-get', ['install', '-y', '--no-install-recommends', debianPackage], { cwd: os.tmpdir(), env, logFile });
	await step(`installing Debian's ${debianPackage} with apt-get (log: ${logFile})`, async () => {
		try {
			await install();
		} catch {
			// A fresh machine may not have package lists yet.
			await run('apt-get', ['update'], { cwd: os.tmpdir(), env, logFile });
			await install();
		}
	});
	return binary;
}
