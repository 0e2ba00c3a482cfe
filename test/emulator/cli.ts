// Standalone emulator for the demo, the e2e suite and benchmarks:
//   node scripts/with-emulator-ca.js tsx test/emulator/cli.ts [--login-port N] [--graph-port N] [--seed default|large:5000]
// Prints one JSON line (urls, tenant, seed credentials) to stdout and runs until SIGINT/SIGTERM.
import { startEmulator } from './emulator';
import { seedFrom } from './graph/control';
import { SEED_APPS, SEED_GUESTS, SEED_TENANT, SEED_USERS } from './state/seed';

function option(name: string): string | undefined {
	const index = process.argv.indexOf(`--${name}`);
	if (index >= 0) return process.argv[index + 1];
	const inline = process.argv.find((a) => a.startsWith(`--${name}=`));
	return inline?.slice(name.length + 3);
}

async function main(): Promise<void> {
	const port = (name: string) => {
		const value = option(name);
		return value === undefined ? undefined : Number(value);
	};
	const emulator = await startEmulator({
		seed: seedFrom(option('seed') ?? 'default'),
		loginPort: port('login-port'),
		graphPort: port('graph-port'),
		latencyMs: port('latency-ms'),
	});
	const { main: mainApp } = SEED_APPS;
	process.stdout.write(
		JSON.stringify({
			loginUrl: emulator.loginUrl,
			graphUrl: emulator.graphUrl,
			loginHost: emulator.loginHost,
			graphHost: emulator.graphHost,
			tenantId: emulator.tenantId,
			tenantDomain: SEED_TENANT.initialDomain,
			caCertPath: process.env.M365_EMULATOR_CA_CERT ?? process.env.NODE_EXTRA_CA_CERTS,
			clientId: mainApp.appId,
			clientSecret: mainApp.secret,
			certificateThumbprint: mainApp.thumbprint,
			certificatePrivateKey: mainApp.privateKeyPem,
			apps: SEED_APPS,
			users: SEED_USERS,
			guests: SEED_GUESTS,
		}) + '\n',
	);
	const stop = () => {
		void emulator.close().then(() => process.exit(0));
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
	process.stderr.write(`emulator failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
	process.exit(1);
});
