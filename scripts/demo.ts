// `npm run demo`: the emulator tenant, a real n8n with this package, both credentials set up against the
// emulator (the integration account signed in through n8n's OAuth2 flow), the examples/ workflows imported and
// the triggered ones active. Prints where to sign in; Ctrl-C stops everything.
import * as net from 'net';

import {
	connectOAuth2OverHttp,
	createEmulatorCredentials,
	DEFAULT_OWNER,
	emulatorCliExists,
	ensureN8n,
	importExamples,
	oauthCallbackUrl,
	packPackage,
	registerRedirectUri,
	signInAsOwner,
	startEmulatorProcess,
	startN8n,
	type EmulatorProcess,
	type N8nInstance,
} from './n8n-runtime';

const PREFERRED_PORT = 5678;
// The demo shows the package even while the tree has type errors (tsc still writes the JavaScript); `npm test`
// is the gate that refuses them.
process.env.M365_PACK_ALLOW_TYPE_ERRORS ??= '1';

function say(line = ''): void {
	process.stdout.write(`${line}\n`);
}

async function isFree(port: number): Promise<boolean> {
	return await new Promise((resolve) => {
		const server = net.createServer();
		server.once('error', () => resolve(false));
		server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
	});
}

let emulator: EmulatorProcess | undefined;
let n8n: N8nInstance | undefined;
let stopping = false;

async function stopAll(exitCode: number): Promise<never> {
	if (!stopping) {
		stopping = true;
		say('\nStopping n8n and the emulator...');
		await n8n?.stop().catch(() => undefined);
		await emulator?.stop().catch(() => undefined);
	}
	process.exit(exitCode);
}

async function setUpTenant(instance: N8nInstance, tenant: EmulatorProcess): Promise<void> {
	const client = await signInAsOwner(instance);
	const { info } = tenant;
	const emulatorTenant = {
		tenantId: info.tenantId,
		clientId: info.clientId,
		clientSecret: info.clientSecret,
		loginHost: info.loginHost,
		graphHost: info.graphHost,
	};
	const credentials = await createEmulatorCredentials(client, emulatorTenant);
	say(`Credentials: "${credentials.tenantApp.name}" and "${credentials.integrationAccount.name}"`);

	const integrationUser = info.users.integration;
	try {
		await registerRedirectUri(tenant, info.clientId, oauthCallbackUrl(instance.baseUrl));
		await connectOAuth2OverHttp(client, credentials.integrationAccount.id, {
			login: integrationUser.upn,
			password: integrationUser.password,
		});
		say(`  the integration account (${integrationUser.upn}) is signed in through n8n's OAuth2 flow`);
	} catch (error) {
		say(`  the integration account could not be connected: ${(error as Error).message}`);
		say(`  open the credential, click Connect and sign in as ${integrationUser.upn} / ${integrationUser.password}`);
	}

	const examples = await importExamples(client, credentials.byType);
	say(`Workflows from examples/: ${examples.length}`);
	for (const example of examples) {
		const state = example.active
			? 'active'
			: example.isTriggered
				? `NOT active: ${example.activationError ?? 'unknown reason'}`
				: 'run it from the editor';
		say(`  ${example.name}  (${state})`);
	}
}

async function main(): Promise<void> {
	for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void stopAll(0));

	say('Preparing n8n (the first run installs Node 24 and n8n into ~/.cache; that takes a few minutes)...');
	const [, packageTgz] = await Promise.all([ensureN8n(), packPackage()]);

	if (emulatorCliExists()) {
		emulator = await startEmulatorProcess();
		say(`Emulator tenant ${emulator.info.tenantDomain}: Entra ${emulator.info.loginUrl}, Graph ${emulator.info.graphUrl}`);
	} else {
		say('The emulator is not available yet (test/emulator/cli.ts is missing): n8n starts without a tenant.');
	}

	const port = (await isFree(PREFERRED_PORT)) ? PREFERRED_PORT : undefined;
	say('Starting n8n...');
	n8n = await startN8n({ packageTgz, port });
	if (emulator) await setUpTenant(n8n, emulator);
	else await signInAsOwner(n8n);

	say();
	say(`n8n editor:  ${n8n.baseUrl}`);
	say(`Sign in:     ${DEFAULT_OWNER.email} / ${DEFAULT_OWNER.password}`);
	if (emulator) {
		const admin = emulator.info.users.megan;
		say(`Tenant sign-in (emulator): ${admin.upn} / ${admin.password} (admin); Emulator state: ${emulator.info.graphUrl}/_emulator/state`);
	}
	say(`n8n log:     ${n8n.logFile}`);
	say('Press Ctrl-C to stop.');

	// Keep running until n8n stops on its own (then say so) or Ctrl-C.
	n8n.process.once('exit', (code) => {
		if (stopping) return;
		say(`n8n exited (${code}); see ${n8n?.logFile}`);
		void stopAll(1);
	});
}

main().catch((error: unknown) => {
	process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
	void stopAll(1);
});
