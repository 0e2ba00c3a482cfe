// `npm test` runs this before the e2e suite: everything the real-n8n tests need that takes minutes on a fresh
// machine (Node 24 and n8n, the packed package, Debian's chromium, redis-server and postgresql), each as a progress step, so
// a first run says what it is doing instead of sitting silent inside jest.
import { ensureChromium } from './chromium';
import { ensureN8n } from './install';
import { packPackage } from './pack';
import { formatElapsed, progress } from './progress';
import { ensurePostgres } from './postgres';
import { ensureRedis } from './redis';

async function main(): Promise<void> {
	const started = Date.now();
	progress('Preparing the end-to-end suite (the first run on a machine installs; later runs find everything cached)');
	await ensureN8n();
	await packPackage();
	await ensureChromium();
	await ensureRedis();
	await ensurePostgres();
	progress(`Ready for the end-to-end suite (${formatElapsed(Date.now() - started)})`);
}

main().catch((error: unknown) => {
	process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
	process.exit(1);
});
