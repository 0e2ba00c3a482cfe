// `npm run demo`: the emulator tenant, a real n8n with this package, both credentials set up against the
// emulator (the integration account signed in through n8n's OAuth2 flow), the examples/ workflows imported, bound
// to the emulator tenant and active, and an outside world that makes them work: mail arrives, incidents open,
// agents change status, partners sign up. A live feed tells what the workflows did. Ctrl-C stops everything.
//
// Env: M365_DEMO_PORT (n8n's port; default 5678 when free, 0 = any free port).
import * as net from 'net';

import {
	connectOAuth2OverHttp,
	createBridgeTable,
	createEmulatorCredentials,
	DEFAULT_OWNER,
	ensureN8n,
	importExamples,
	oauthCallbackUrl,
	packPackage,
	registerRedirectUri,
	signInAsOwner,
	startEmulatorProcess,
	startN8n,
	startTlsFront,
	type EmulatorProcess,
	type N8nInstance,
	type TlsFront,
} from '../n8n-runtime';
import * as fs from 'fs';
import * as path from 'path';

import { demoSteps, startActivity } from './activity';
import { startBridgeConversation } from './bridgeConversation';
import { bindExample, DEMO_SCHEDULE_SECONDS, demoActivation } from './bindings';
import { startFeed } from './feed';
import { startStandIns, type StandIns } from './standIns';
import { signInTeamsUser } from './teamsUser';
import { approveProtectedApis, discoverDemoTenant, registerGuestSyncMarker, type DemoTenantFacts } from './tenant';

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

async function n8nPort(): Promise<number | undefined> {
	const wanted = process.env.M365_DEMO_PORT;
	if (wanted !== undefined) return Number(wanted) || undefined;
	return (await isFree(PREFERRED_PORT)) ? PREFERRED_PORT : undefined;
}

const running: {
	emulator?: EmulatorProcess;
	n8n?: N8nInstance;
	front?: TlsFront;
	standIns?: StandIns;
	stoppers: Array<{ stop(): void }>;
} = { stoppers: [] };
let stopping = false;
let stopped: Promise<never> | undefined;

/**
 * Stops everything once, however many signals arrive (Ctrl-C reaches both tsx and this process, and impatient
 * users press it twice): a second call waits for the first instead of exiting under it.
 */
async function stopAll(exitCode: number): Promise<never> {
	stopped ??= (async () => {
		stopping = true;
		say('\nStopping n8n and the emulator...');
		for (const stopper of running.stoppers) stopper.stop();
		await running.n8n?.stop().catch(() => undefined);
		await running.front?.close().catch(() => undefined);
		await running.standIns?.close().catch(() => undefined);
		await running.emulator?.stop().catch(() => undefined);
		// Exit once the last line is out: a piped stdout is written asynchronously.
		process.stdout.write('Stopped.\n', () => process.exit(exitCode));
		return await new Promise<never>(() => undefined);
	})();
	return await stopped;
}

function initialAgents(tenant: DemoTenantFacts, emulator: EmulatorProcess) {
	// Settled a minute ago, so the first sync takes them as they are.
	const changedAt = new Date(Date.now() - 60_000).toISOString();
	const { users } = emulator.info;
	return ['adele', 'alex', 'diego'].map((key) => ({
		email: tenant.upn[key],
		name: users[key].displayName ?? key,
		status: 'Ready',
		changedAt,
	}));
}

const INITIAL_PARTNERS = [
	{ id: 'p-1001', email: 'ada@northwind.example', name: 'Ada Lovelace', company: 'Northwind', title: 'Partner manager' },
	{ id: 'p-1002', email: 'grace@woodgrove.example', name: 'Grace Hopper', company: 'Woodgrove', title: 'Solution architect' },
	{ id: 'p-1003', email: 'alan@northwind.example', name: 'Alan Turing', company: 'Northwind', title: 'Support engineer' },
];

/** Sets n8n up; true when the two-way bridge example is active. */
async function setUp(emulator: EmulatorProcess, n8n: N8nInstance, standIns: StandIns, tenant: DemoTenantFacts): Promise<boolean> {
	const client = await signInAsOwner(n8n);
	const { info } = emulator;
	const credentials = await createEmulatorCredentials(client, {
		tenantId: info.tenantId,
		clientId: info.clientId,
		clientSecret: info.clientSecret,
		loginHost: info.loginHost,
		graphHost: info.graphHost,
	});
	say(`Credentials: "${credentials.tenantApp.name}" and "${credentials.integrationAccount.name}"`);

	const integrationUser = info.users.integration;
	try {
		await registerRedirectUri(emulator, info.clientId, oauthCallbackUrl(n8n.baseUrl));
		await connectOAuth2OverHttp(client, credentials.integrationAccount.id, {
			login: integrationUser.upn,
			password: integrationUser.password,
		});
		say(`  the integration account (${integrationUser.upn}) is signed in through n8n's OAuth2 flow`);
	} catch (error) {
		say(`  the integration account could not be connected: ${(error as Error).message}`);
		say(`  open the credential, click Connect and sign in as ${integrationUser.upn} / ${integrationUser.password}`);
	}

	// README, "Two-way bridges", steps 1 and 2: the Data table the bridge examples keep their id mapping in.
	let bridgeTable = false;
	try {
		await createBridgeTable(client);
		bridgeTable = true;
		say(`Data table "teams-bridge" created (the two-way bridges' id mapping; Overview > Data tables)`);
	} catch (error) {
		say(`  the Data table "teams-bridge" could not be created: ${(error as Error).message}`);
	}
	const examples = await importExamples(client, credentials.byType, {
		transform: (workflow) => bindExample(workflow, tenant, standIns.url),
		activate: demoActivation(bridgeTable),
	});
	say(`Workflows from examples/ (bound to the emulator tenant; schedules every ${DEMO_SCHEDULE_SECONDS} s, polls every minute): ${examples.length}`);
	for (const example of examples) {
		const state = example.active
			? 'active'
			: example.isTriggered
				? `not active: ${example.activationError ?? 'unknown reason'}`
				: 'run it from the editor';
		say(`  ${example.name}  (${state})`);
	}
	const names = new Map(Object.values(info.users).map((user) => [user.id, user.displayName ?? user.upn]));
	running.stoppers.push(startFeed(client, say, (id) => names.get(id) ?? id));
	return examples.some((example) => example.file === BRIDGE_EXAMPLE && example.active);
}

const BRIDGE_EXAMPLE = path.join('examples', 'contact-centre-chat-two-way-bridge.json');

/** The bridge's Teams trigger has its Graph subscription (before that, what the expert writes is not announced). */
async function bridgeTriggerSubscribed(emulator: EmulatorProcess): Promise<boolean> {
	const example = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', BRIDGE_EXAMPLE), 'utf8')) as { nodes: Array<{ type: string; webhookId?: string }> };
	const webhookId = example.nodes.find((node) => node.type.endsWith('.m365Trigger'))?.webhookId;
	const { value } = await emulator.control<{ value: Array<{ notificationUrl: string }> }>('GET', '/subscriptions');
	return webhookId !== undefined && value.some((subscription) => subscription.notificationUrl.includes(`/webhook/${webhookId}/`));
}

async function main(): Promise<void> {
	for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void stopAll(0));

	say('Preparing n8n (the first run on a machine installs Node 24 and n8n into ~/.cache: about 4 minutes of CPU, 17 minutes measured on a busy two-core machine; each step is reported as it goes)...');
	const [, packageTgz] = await Promise.all([ensureN8n(), packPackage()]);

	const emulator = (running.emulator = await startEmulatorProcess());
	say(`Emulator tenant ${emulator.info.tenantDomain}: Entra ${emulator.info.loginUrl}, Graph ${emulator.info.graphUrl}`);
	await registerGuestSyncMarker(emulator);
	await approveProtectedApis(emulator);
	const tenant = await discoverDemoTenant(emulator);
	const standIns = (running.standIns = await startStandIns({
		agents: initialAgents(tenant, emulator),
		partners: INITIAL_PARTNERS,
		say: (line) => say(`${new Date().toLocaleTimeString()}  ${line}`),
	}));
	// Graph delivers change notifications only to HTTPS: n8n's webhook URL is this front's.
	const front = (running.front = await startTlsFront());

	const n8n = (running.n8n = await startN8n({
		packageTgz,
		port: await n8nPort(),
		env: { N8N_WEBHOOK_URL: front.url },
		announce: true,
	}));
	front.setTarget(n8n.port);
	n8n.process.once('exit', (code) => {
		if (stopping) return;
		say(`n8n exited (${code}); see ${n8n.logFile}`);
		void stopAll(1);
	});
	const bridgeActive = await setUp(emulator, n8n, standIns, tenant);

	say();
	say(`n8n editor:  ${n8n.baseUrl}`);
	say(`Sign in:     ${DEFAULT_OWNER.email} / ${DEFAULT_OWNER.password}`);
	const admin = emulator.info.users.megan;
	say(`Tenant sign-in (emulator): ${admin.upn} / ${admin.password} (admin)`);
	say(`Emulator state: ${emulator.info.graphUrl}/_emulator/state`);
	say(`Stand-ins of the outside systems: ${standIns.url} (contact centre, helpdesk, chat, partner portal)`);
	say(`n8n log:     ${n8n.logFile}`);
	say('Press Ctrl-C to stop.');
	say();
	say('What happens now: mail arrives, incidents open, agents change status, partners sign up; the feed below');
	say('tells what the workflows did (also in the editor: Overview > Executions). A customer in the contact centre\'s');
	say('chat and Adele in Teams talk through the two-way bridge: posts, replies, edits and deletes, each way.');
	const timed = (line: string) => say(`${new Date().toLocaleTimeString()}  ${line}`);
	if (bridgeActive) {
		try {
			const expert = await signInTeamsUser(emulator, 'adele');
			running.stoppers.push(
				startBridgeConversation({
					n8n,
					standIns,
					expert,
					expertUpn: tenant.upn.adele,
					chatId: tenant.customerChatId,
					teamsTriggerReady: async () => await bridgeTriggerSubscribed(emulator),
					say: timed,
				}),
			);
		} catch (error) {
			say(`  Adele could not sign in to Teams, so the bridge conversation does not run: ${(error as Error).message}`);
		}
	}
	running.stoppers.push(
		startActivity(
			demoSteps(emulator, n8n, standIns, {
				supportMailbox: tenant.upn.support,
				salesDeskMailbox: tenant.upn.salesDesk,
				onCall: tenant.upn.adele,
				customerChatId: tenant.customerChatId,
				teamsUser: tenant.upn.diego,
			}),
			(line) => say(`${new Date().toLocaleTimeString()}  ${line}`),
		),
	);
}

main().catch((error: unknown) => {
	process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
	void stopAll(1);
});
