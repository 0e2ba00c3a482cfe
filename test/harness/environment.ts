// Process set-up the n8n-core engine needs before any of its services is created. Imported first by every
// harness module, so the settings below are in place when n8n-core's container builds its singletons lazily.
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// n8n-core keeps its instance settings (encryption key, host id) in the n8n user folder. A folder per test
// process keeps tests off the developer's ~/.n8n and lets parallel workers run without sharing a key file.
if (process.env.N8N_USER_FOLDER === undefined) {
	const userFolder = mkdtempSync(join(tmpdir(), 'm365-harness-n8n-'));
	process.env.N8N_USER_FOLDER = userFolder;
	process.on('exit', () => rmSync(userFolder, { recursive: true, force: true }));
}
process.env.N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS ??= 'false';
process.env.N8N_LOG_LEVEL ??= 'silent';
process.env.N8N_DIAGNOSTICS_ENABLED ??= 'false';
process.env.N8N_VERSION ??= '2.40.7';

// The package tree holds two copies of @n8n/di (0.16 at the top, 0.17 inside n8n-core). n8n-core registers its
// services in its own copy, so the harness must reach the container through n8n-core's resolution path.
const requireFromN8nCore = createRequire(require.resolve('n8n-core'));

/** The part of n8n-core's DI container the harness uses. */
interface ServiceContainer {
	get<T>(serviceClass: new (...args: never[]) => T): T;
}

export const n8nContainer = (requireFromN8nCore('@n8n/di') as { Container: ServiceContainer })
	.Container;
