/**
 * Guest sync benchmark: 5,000 source users of which 4,900 are already guests of this source, on the emulator with
 * a per-request latency, against the naive workflow (HTTP Request node: one lookup per user, one invitation per
 * missing user, one request after the other). Then the same sync again (zero writes expected), and a 50,000-user
 * input to show memory stays flat.
 *
 * Run: node scripts/with-emulator-ca.js npx tsx bench/guest-sync.bench.ts
 * Env: GUEST_SYNC_BENCH_LATENCY_MS (default 10), GUEST_SYNC_BENCH_LARGE (default 50000; 0 skips the large run).
 * Writes bench/results/guest-sync.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { runNode } from '../test/harness';
import { closeRawClient, measure, naiveAppToken, rawCall, tenantAppCredentialData } from './support';
import { defaultTenant, SEED_APPS, startEmulator, type Emulator, type TenantSeed } from '../test/emulator';
import { buildUser } from '../test/emulator/state/builders';
import { extensionName, registerExtensionProperty } from '../test/emulator/graph/extensionProperties';

// tsx resolves 'M365GuestSync.node' to the codex file M365GuestSync.node.json, so the class is required by its full name.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { M365GuestSync } = require('../nodes/M365GuestSync/M365GuestSync.node.ts') as typeof import('../nodes/M365GuestSync/M365GuestSync.node');

const LATENCY_MS = Number(process.env.GUEST_SYNC_BENCH_LATENCY_MS ?? 10);
const LARGE = Number(process.env.GUEST_SYNC_BENCH_LARGE ?? 50000);
const MARKER = extensionName(SEED_APPS.main.appId, 'm365GuestSyncSource');
const SOURCE = 'slack';

interface SourceUser {
	email: string;
	displayName: string;
}

function sourceUsers(count: number): SourceUser[] {
	return Array.from({ length: count }, (_, index) => ({ email: `user${index}@partner.example`, displayName: `Partner User ${index}` }));
}

/** The default tenant plus `existing` guests this sync created earlier (marked with the source). */
function seedWithGuests(users: SourceUser[], existing: number): TenantSeed {
	const seed = defaultTenant();
	for (const [index, user] of users.slice(0, existing).entries()) {
		const id = `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`;
		const record = buildUser({
			id,
			displayName: user.displayName,
			upn: `${user.email.replace('@', '_')}#EXT#@${seed.tenant.initialDomain}`,
			mail: user.email,
			otherMails: [user.email],
			kind: 'guest',
		});
		(record.user as unknown as Record<string, unknown>)[MARKER] = SOURCE;
		seed.users[id] = record;
	}
	return seed;
}

function resetTenant(emulator: Emulator, seed: TenantSeed): void {
	emulator.reset(seed);
	registerExtensionProperty(emulator.state, SEED_APPS.main.appId, 'm365GuestSyncSource');
}

interface Counts {
	httpRequests: number;
	subRequests: number;
	writes: number;
}

function counts(emulator: Emulator): Counts {
	const graph = emulator.requests.entries().filter((entry) => entry.host === 'graph');
	const isWrite = (method: string) => ['POST', 'PATCH', 'PUT', 'DELETE'].includes(method);
	return {
		httpRequests: graph.filter((entry) => !entry.batch).length,
		subRequests: graph.filter((entry) => entry.batch).length,
		writes: graph.filter((entry) => isWrite(entry.method) && !entry.path.endsWith('$batch')).length,
	};
}


async function runOurSync(emulator: Emulator, users: SourceUser[]) {
	const result = await runNode({
		nodeType: new M365GuestSync(),
		parameters: {
			resource: 'guest',
			operation: 'sync',
			sourceName: SOURCE,
			email: '={{ $json.email }}',
			displayName: '={{ $json.displayName }}',
		},
		credentials: { m365TenantAppApi: tenantAppCredentialData(emulator) },
		inputItems: users as never,
	});
	if (result.error) throw result.error;
	const summary = result.items[0].find((item) => item.json.type === 'summary')?.json;
	return summary;
}

// ----- the naive workflow: one lookup per user, one invitation per missing user, in sequence -----



async function naiveSync(emulator: Emulator, users: SourceUser[]): Promise<void> {
	const accessToken = await naiveAppToken(emulator);
	const auth = { Authorization: `Bearer ${accessToken}` };
	for (const user of users) {
		const filter = encodeURIComponent(`mail eq '${user.email}'`);
		const found = await rawCall('GET', `${emulator.graphUrl}/v1.0/users?$filter=${filter}&$select=id`, auth);
		const existing = (JSON.parse(found.body) as { value?: unknown[] }).value ?? [];
		if (existing.length > 0) continue;
		await rawCall(
			'POST',
			`${emulator.graphUrl}/v1.0/invitations`,
			{ ...auth, 'Content-Type': 'application/json' },
			JSON.stringify({ invitedUserEmailAddress: user.email, invitedUserDisplayName: user.displayName, inviteRedirectUrl: 'https://teams.microsoft.com', sendInvitationMessage: false }),
		);
	}
}

async function main(): Promise<void> {
	const emulator = await startEmulator({ latencyMs: LATENCY_MS });
	try {
		const users = sourceUsers(5000);
		const seed = seedWithGuests(users, 4900);

		resetTenant(emulator, seed);
		const ours = await measure(() => runOurSync(emulator, users));
		const oursCounts = counts(emulator);

		emulator.requests.reset();
		const again = await measure(() => runOurSync(emulator, users));
		const againCounts = counts(emulator);

		resetTenant(emulator, seed);
		const naive = await measure(() => naiveSync(emulator, users));
		const naiveCounts = counts(emulator);

		let large: { users: number; ms: number; peakRssMb: number; startRssMb: number; counts: Counts } | undefined;
		if (LARGE > 0) {
			const largeUsers = sourceUsers(LARGE);
			resetTenant(emulator, seedWithGuests(largeUsers, LARGE - Math.round(LARGE / 50)));
			emulator.latencyMs = 0;
			const run = await measure(() => runOurSync(emulator, largeUsers));
			large = { users: LARGE, ms: run.ms, peakRssMb: run.peakRssMb, startRssMb: run.startRssMb, counts: counts(emulator) };
		}

		const report = {
			scenario: '5,000 source users, 4,900 already guests of this source',
			latencyMsPerRequest: LATENCY_MS,
			note: 'The emulator runs in the benchmark process: startRssMb is the process (emulator with its seeded tenant included) just before the run, peakRssMb the highest RSS during it.',
			ours: { ...oursCounts, wallMs: ours.ms, startRssMb: ours.startRssMb, peakRssMb: ours.peakRssMb, summary: ours.result },
			secondRun: { ...againCounts, wallMs: again.ms, peakRssMb: again.peakRssMb },
			naive: { ...naiveCounts, wallMs: naive.ms, peakRssMb: naive.peakRssMb },
			requestRatio: Math.round((naiveCounts.httpRequests / oursCounts.httpRequests) * 10) / 10,
			large,
		};
		mkdirSync(join(__dirname, 'results'), { recursive: true });
		writeFileSync(join(__dirname, 'results', 'guest-sync.json'), `${JSON.stringify(report, null, 2)}\n`);
		process.stdout.write(
			[
				`guest sync, 5,000 users (4,900 existing), ${LATENCY_MS} ms latency per request`,
				`  ours      : ${oursCounts.httpRequests} HTTP requests (${oursCounts.subRequests} in $batch), ${oursCounts.writes} writes, ${ours.ms} ms, peak RSS ${ours.peakRssMb} MB`,
				`  second run: ${againCounts.httpRequests} HTTP requests, ${againCounts.writes} writes, ${again.ms} ms`,
				`  naive     : ${naiveCounts.httpRequests} HTTP requests, ${naiveCounts.writes} writes, ${naive.ms} ms, peak RSS ${naive.peakRssMb} MB`,
				`  ratio     : ${report.requestRatio}x fewer HTTP requests`,
				`  (RSS includes the in-process emulator: ${ours.startRssMb} MB before the 5,000-user run)`,
				large ? `  ${LARGE} users: ${large.counts.httpRequests} HTTP requests, ${large.counts.writes} writes, ${large.ms} ms, RSS ${large.startRssMb} MB before, peak ${large.peakRssMb} MB` : '',
				'',
			].join('\n'),
		);
	} finally {
		closeRawClient();
		await emulator.close();
	}
}

main().catch((error: unknown) => {
	process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
	process.exit(1);
});
