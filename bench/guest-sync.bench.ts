/**
 * Guest sync benchmark: 5,000 source users of which 4,900 are already guests of this source, on the emulator with
 * a per-request latency, against the naive workflow (HTTP Request node: one lookup per user, one invitation per
 * missing user, one request after the other). Then the same sync again (zero writes expected).
 *
 * Then memory, at 5,000 and at GUEST_SYNC_BENCH_LARGE users (98% already guests, no latency): how much of the process
 * is n8n holding the items, and how much is the node's own working set on top. The emulator runs in its own process
 * (test/emulator/cli.ts) so its tenant is not counted, and every memory figure comes from a fresh child process
 * (node --expose-gc), so no run inherits the heap of an earlier one:
 * - baseline: the same harness and input with a node that evaluates the same two expressions and emits one item of
 *   the sync's output shape per input item, without Graph (n8n's share: the items in and out);
 * - ours: the sync itself.
 * Each is run twice: once untouched for wall time and peak RSS, once with a full GC every few hundred milliseconds
 * for the peak live heap (V8 heap in use after GC), which is what the node keeps, garbage excluded.
 *
 * Run: node scripts/with-emulator-ca.js npx tsx bench/guest-sync.bench.ts
 * The sync runs a third time with V8's old space capped (--max-old-space-size): RSS follows how far V8 lets the heap
 * grow between collections, so the capped run shows what the process needs rather than what it was allowed to take.
 *
 * Env: GUEST_SYNC_BENCH_LATENCY_MS (default 10), GUEST_SYNC_BENCH_LARGE (default 50000; 0 skips the memory runs),
 * GUEST_SYNC_BENCH_HEAP_CAP_MB (default 120).
 * Writes bench/results/guest-sync.json.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NodeConnectionTypes } from 'n8n-workflow';
import type { ICredentialDataDecryptedObject, IDataObject, IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { runNode, type RunNodeResult } from '../test/harness';
import { closeRawClient, machineLoad, measure, naiveAppToken, rawCall, sampleLiveHeap, toMb, withCpuSplitRemote, type CpuSplit } from './support';
import { defaultTenant, SEED_APPS, TenantState, type TenantSeed } from '../test/emulator';
import { createClock } from '../test/emulator/clock';
import { createEvents } from '../test/emulator/events';
import { buildUser } from '../test/emulator/state/builders';
import { extensionName, registerExtensionProperty } from '../test/emulator/graph/extensionProperties';
import type { RequestLogEntry } from '../test/emulator/requestLog';
import { startEmulatorProcess, type EmulatorInfo, type EmulatorProcess } from '../scripts/n8n-runtime/emulatorProcess';
import { tenantAppCredentialData } from '../scripts/n8n-runtime/emulatorCredentials';

// tsx resolves 'M365GuestSync.node' to the codex file M365GuestSync.node.json, so the class is required by its full name.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { M365GuestSync } = require('../nodes/M365GuestSync/M365GuestSync.node.ts') as typeof import('../nodes/M365GuestSync/M365GuestSync.node');

const LATENCY_MS = Number(process.env.GUEST_SYNC_BENCH_LATENCY_MS ?? 10);
const LARGE = Number(process.env.GUEST_SYNC_BENCH_LARGE ?? 50000);
const HEAP_CAP_MB = Number(process.env.GUEST_SYNC_BENCH_HEAP_CAP_MB ?? 120);
const MARKER = extensionName(SEED_APPS.main.appId, 'm365GuestSyncSource');
const SOURCE = 'slack';
const MEMORY_CHILD_FLAG = '--memory-child';

interface SourceUser {
	email: string;
	displayName: string;
}

/**
 * The input as n8n gets it from a source, parsed from JSON. Strings built with templates would be V8 cons strings,
 * and the first read of each (the expression, the email check) flattens it in place: the input items would grow
 * during whichever run reads them, and that growth would be counted as the node's.
 */
function sourceUsers(count: number): SourceUser[] {
	const users = Array.from({ length: count }, (_, index) => ({ email: `user${index}@partner.example`, displayName: `Partner User ${index}` }));
	return JSON.parse(JSON.stringify(users)) as SourceUser[];
}

/** Guests already synced from the source: all but one in fifty. */
const existingOf = (users: number) => users - Math.round(users / 50);

/** The default tenant plus `existing` guests this sync created earlier (marked with the source), marker registered. */
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
	registerExtensionProperty(new TenantState(seed, createClock(), createEvents()), SEED_APPS.main.appId, 'm365GuestSyncSource');
	return seed;
}

/** Replaces the emulator's tenant (which also clears its request log). */
async function resetTenant(emulator: EmulatorProcess, seed: TenantSeed): Promise<void> {
	await emulator.control('POST', '/state', seed);
}

interface Counts {
	httpRequests: number;
	subRequests: number;
	writes: number;
	/** 429 answers (top-level and inside $batch). */
	throttled: number;
}

async function counts(emulator: EmulatorProcess): Promise<Counts> {
	const { entries } = await emulator.control<{ entries: RequestLogEntry[] }>('GET', '/requests');
	const graph = entries.filter((entry) => entry.host === 'graph');
	const isWrite = (method: string) => ['POST', 'PATCH', 'PUT', 'DELETE'].includes(method);
	return {
		httpRequests: graph.filter((entry) => !entry.batch).length,
		subRequests: graph.filter((entry) => entry.batch).length,
		writes: graph.filter((entry) => isWrite(entry.method) && !entry.path.endsWith('$batch')).length,
		throttled: graph.filter((entry) => entry.status === 429).length,
	};
}

async function runOurSync(info: EmulatorInfo, users: SourceUser[]): Promise<RunNodeResult> {
	const result = await runNode({
		nodeType: new M365GuestSync(),
		parameters: {
			resource: 'guest',
			operation: 'sync',
			sourceName: SOURCE,
			email: '={{ $json.email }}',
			displayName: '={{ $json.displayName }}',
		},
		credentials: { m365TenantAppApi: tenantAppCredentialData(info) as ICredentialDataDecryptedObject },
		inputItems: users as never,
	});
	if (result.error) throw result.error;
	return result;
}

function summaryOf(result: RunNodeResult) {
	return result.items[0].find((item) => item.json.type === 'summary')?.json;
}

// ----- the naive workflow: one lookup per user, one invitation per missing user, in sequence -----

async function naiveSync(info: EmulatorInfo, users: SourceUser[]): Promise<void> {
	const accessToken = await naiveAppToken(info);
	const auth = { Authorization: `Bearer ${accessToken}` };
	for (const user of users) {
		const filter = encodeURIComponent(`mail eq '${user.email}'`);
		const found = await rawCall('GET', `${info.graphUrl}/v1.0/users?$filter=${filter}&$select=id`, auth);
		const existing = (JSON.parse(found.body) as { value?: unknown[] }).value ?? [];
		if (existing.length > 0) continue;
		await rawCall(
			'POST',
			`${info.graphUrl}/v1.0/invitations`,
			{ ...auth, 'Content-Type': 'application/json' },
			JSON.stringify({ invitedUserEmailAddress: user.email, invitedUserDisplayName: user.displayName, inviteRedirectUrl: 'https://teams.microsoft.com', sendInvitationMessage: false }),
		);
	}
}

// ----- memory: the baseline node, and one measurement per child process -----

/**
 * What any node costs n8n when it turns N input items into N output items of the sync's shape: the same two
 * expressions evaluated per item, one small item out per item in, no Graph and no working set of its own.
 */
class BaselineNode implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Benchmark Baseline',
		name: 'benchBaseline',
		group: ['transform'],
		version: 1,
		description: 'One output item of the guest sync\'s shape per input item, nothing else',
		defaults: { name: 'Benchmark Baseline' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [
			{ displayName: 'Email', name: 'email', type: 'string', default: '' },
			{ displayName: 'Display Name', name: 'displayName', type: 'string', default: '' },
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const output: INodeExecutionData[] = [];
		const count = this.getInputData().length;
		for (let item = 0; item < count; item++) {
			const email = String(this.getNodeParameter('email', item)).toLowerCase();
			this.getNodeParameter('displayName', item);
			const userId = `00000000-0000-4000-8000-${String(item).padStart(12, '0')}`;
			output.push({ json: { type: 'user', email, action: 'unchanged', userId, dryRun: false }, pairedItem: { item } });
		}
		return [output];
	}
}

type MemoryNode = 'baseline' | 'ours';

interface MemorySpec {
	node: MemoryNode;
	users: number;
	/** Full GCs during the run for the live heap; wall time and RSS of such a run mean nothing. */
	sampleLiveHeap: boolean;
	/** --max-old-space-size for the child. */
	maxOldSpaceMb?: number;
	emulator?: EmulatorInfo;
}

interface MemoryRun {
	wallMs: number;
	/** RSS with the modules loaded and the input items built, just before the run. */
	startRssMb: number;
	peakRssMb: number;
	/** V8 heap after GC, n8n-core loaded, before the input items exist; the other heap figures are over this one. */
	idleHeapMb: number;
	/** The input items built. */
	inputHeapMb: number;
	/** Highest heap after GC during the run (sampled runs only). */
	peakLiveHeapMb?: number;
	/** Heap after GC once the run is over, its output still held. */
	retainedHeapMb: number;
	outputItems: number;
	summary?: unknown;
	/** CPU time (ms) of the child process during the run. */
	cpuMs?: number;
}

async function memoryChild(spec: MemorySpec): Promise<MemoryRun> {
	const gc = global.gc;
	if (!gc) throw new Error('the memory child needs --expose-gc');
	const heap = () => {
		gc();
		return process.memoryUsage().heapUsed;
	};
	// n8n-core and its expression engine are loaded and warmed up before the idle reading, so both nodes start alike.
	await runNode({ nodeType: new BaselineNode(), parameters: { email: '={{ $json.email }}' }, inputItems: sourceUsers(1) as never });
	const idle = heap();
	const users = sourceUsers(spec.users);
	const withInput = heap();
	const sampler = spec.sampleLiveHeap ? sampleLiveHeap() : undefined;
	const cpuStart = process.cpuUsage();
	const run = await measure(async () =>
		spec.node === 'baseline'
			? await runNode({
					nodeType: new BaselineNode(),
					parameters: { email: '={{ $json.email }}', displayName: '={{ $json.displayName }}' },
					inputItems: users as never,
				})
			: await runOurSync(spec.emulator!, users),
	);
	const cpu = process.cpuUsage(cpuStart);
	const peakLive = sampler?.stop();
	const retained = heap();
	return {
		cpuMs: Math.round((cpu.user + cpu.system) / 1000),
		wallMs: run.ms,
		startRssMb: run.startRssMb,
		peakRssMb: run.peakRssMb,
		idleHeapMb: toMb(idle),
		inputHeapMb: toMb(withInput - idle),
		peakLiveHeapMb: peakLive === undefined ? undefined : toMb(peakLive - idle),
		retainedHeapMb: toMb(retained - idle),
		outputItems: run.result.items[0]?.length ?? 0,
		summary: spec.node === 'ours' ? summaryOf(run.result) : undefined,
	};
}

/** Runs one memory measurement in a fresh `node --expose-gc` with the same loader as this process (tsx). */
async function inChild(spec: MemorySpec): Promise<MemoryRun> {
	const cap = spec.maxOldSpaceMb === undefined ? [] : [`--max-old-space-size=${spec.maxOldSpaceMb}`];
	const child = spawn(process.execPath, [...process.execArgv, '--expose-gc', ...cap, __filename, MEMORY_CHILD_FLAG, JSON.stringify(spec)], {
		stdio: ['ignore', 'pipe', spec.maxOldSpaceMb === undefined ? 'inherit' : 'ignore'],
		env: process.env,
	});
	let stdout = '';
	child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
	const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
	if (code !== 0) throw new Error(`memory child ${JSON.stringify({ ...spec, emulator: undefined })} exited with ${code}`);
	return JSON.parse(stdout.trim().split('\n').pop() as string) as MemoryRun;
}

interface MemoryScenario {
	users: number;
	existing: number;
	ours: Counts & { wallMs: number; startRssMb: number; peakRssMb: number; peakLiveHeapMb: number; retainedHeapMb: number; summary: unknown };
	baseline: { wallMs: number; startRssMb: number; peakRssMb: number; peakLiveHeapMb: number; retainedHeapMb: number };
	/** The sync again with V8's old space capped; `completed: false` when it ran out of heap. */
	oursHeapCapped: { maxOldSpaceMb: number; completed: boolean; wallMs?: number; peakRssMb?: number };
	/** Heap of the input items alone. */
	inputHeapMb: number;
	/** Baseline's peak live heap over the idle process: the items in and out, and n8n's record of the run. */
	n8nShareMb: number;
	/** Our peak live heap over the baseline's: what the sync keeps beyond the items. */
	oursExtraMb: number;
	note: string;
	cpu: CpuSplit;
}

async function emulatorCpuMs(emulator: EmulatorProcess): Promise<number> {
	const usage = await emulator.control<NodeJS.CpuUsage>('GET', '/cpu');
	return (usage.user + usage.system) / 1000;
}

/**
 * The least time Microsoft's limits allow (throttling-limits): the invitation manager's 150 requests per 5 s per
 * tenant, and the directory's write quota of 3,000 writes per 150 s per app and tenant (invitations count as writes):
 * past 3,000, each further 3,000 writes wait for the window.
 */
const INVITATIONS_PER_SECOND = 30;
const invitationFloor = (invitations: number, writes: number) => {
	const invitesMs = Math.round((invitations / INVITATIONS_PER_SECOND) * 1000);
	const quotaMs = Math.floor(Math.max(0, writes - 1) / 3000) * 150_000;
	return {
		ms: Math.max(invitesMs, quotaMs),
		basis:
			quotaMs > invitesMs
				? `${writes.toLocaleString('en-US')} directory writes (the ${invitations.toLocaleString('en-US')} invitations included) at 3,000 per 150 s per app and tenant`
				: `${invitations.toLocaleString('en-US')} invitations at 150 per 5 s per tenant (its ${writes.toLocaleString('en-US')} directory writes stay under 3,000 per 150 s)`,
	};
};

async function memoryScenario(emulator: EmulatorProcess, users: number): Promise<MemoryScenario> {
	const existing = existingOf(users);
	const seed = seedWithGuests(sourceUsers(users), existing);
	const baseline = await inChild({ node: 'baseline', users, sampleLiveHeap: false });
	const baselineLive = await inChild({ node: 'baseline', users, sampleLiveHeap: true });

	await resetTenant(emulator, seed);
	process.stderr.write(`guest-sync: ${users.toLocaleString('en-US')} source users (${(users - existing).toLocaleString('en-US')} new), the sync in a fresh process\n`);
	const emulatorCpu = await emulatorCpuMs(emulator);
	const ours = await inChild({ node: 'ours', users, sampleLiveHeap: false, emulator: emulator.info });
	const emulatorMs = (await emulatorCpuMs(emulator)) - emulatorCpu;
	const oursCounts = await counts(emulator);
	const cpu: CpuSplit = { emulatorMs, processMs: emulatorMs + (ours.cpuMs ?? 0), emulatorShare: emulatorMs / Math.max(1, emulatorMs + (ours.cpuMs ?? 0)), how: 'emulator process' };
	await resetTenant(emulator, seed);
	const oursLive = await inChild({ node: 'ours', users, sampleLiveHeap: true, emulator: emulator.info });
	await resetTenant(emulator, seed);
	const capped = await inChild({ node: 'ours', users, sampleLiveHeap: false, emulator: emulator.info, maxOldSpaceMb: HEAP_CAP_MB }).catch(() => undefined);
	const oursHeapCapped = { maxOldSpaceMb: HEAP_CAP_MB, completed: capped !== undefined, wallMs: capped?.wallMs, peakRssMb: capped?.peakRssMb };

	const peak = (run: MemoryRun) => Math.max(run.peakLiveHeapMb ?? 0, run.retainedHeapMb);
	const n8nShareMb = peak(baselineLive);
	const oursExtraMb = Math.round((peak(oursLive) - n8nShareMb) * 10) / 10;
	return {
		users,
		existing,
		cpu,
		ours: {
			...oursCounts,
			wallMs: ours.wallMs,
			startRssMb: ours.startRssMb,
			peakRssMb: ours.peakRssMb,
			peakLiveHeapMb: peak(oursLive),
			retainedHeapMb: oursLive.retainedHeapMb,
			summary: ours.summary,
		},
		baseline: {
			wallMs: baseline.wallMs,
			startRssMb: baseline.startRssMb,
			peakRssMb: baseline.peakRssMb,
			peakLiveHeapMb: peak(baselineLive),
			retainedHeapMb: baselineLive.retainedHeapMb,
		},
		oursHeapCapped,
		inputHeapMb: baselineLive.inputHeapMb,
		n8nShareMb,
		oursExtraMb,
		note:
			`${existing.toLocaleString('en-US')} already guests, emulator out of process, no latency; peak RSS ${ours.peakRssMb} MB (baseline node ${baseline.peakRssMb} MB); ` +
			`peak live heap over the idle process: n8n's share (the items in and out, baseline node) ${n8nShareMb} MB, the sync's own on top ${oursExtraMb} MB; ` +
			(capped
				? `with V8's old space capped at ${HEAP_CAP_MB} MB the sync completes, peak RSS ${capped.peakRssMb} MB`
				: `with V8's old space capped at ${HEAP_CAP_MB} MB the sync ran out of heap`),
	};
}

async function main(): Promise<void> {
	const emulator = await startEmulatorProcess(['--latency-ms', String(LATENCY_MS)]);
	const { info } = emulator;
	try {
		const users = sourceUsers(5000);
		const seed = seedWithGuests(users, 4900);

		await resetTenant(emulator, seed);
		process.stderr.write('guest-sync: 5,000 source users, 100 new (ours, again, then one call per user)\n');
		const { result: ours, cpu: oursCpu } = await withCpuSplitRemote(info.graphUrl, async () => await measure(async () => summaryOf(await runOurSync(info, users))));
		const oursCounts = await counts(emulator);

		// The next scheduled run comes after Entra has replicated the new guests (test/emulator/graph/replication.ts).
		await emulator.control('POST', '/clock/advance', { seconds: 10 });
		await emulator.control('POST', '/requests/reset');
		const again = await measure(() => runOurSync(info, users));
		const againCounts = await counts(emulator);

		await resetTenant(emulator, seed);
		const naive = await measure(() => naiveSync(info, users));
		const naiveCounts = await counts(emulator);

		const memory: Record<string, MemoryScenario> = {};
		let growth: { fromUsers: number; toUsers: number; n8nBytesPerUser: number; oursBytesPerUser: number } | undefined;
		if (LARGE > 0) {
			await emulator.control('POST', '/latency', { ms: 0 });
			const sizes = [...new Set([5000, LARGE])];
			const scenarios = [];
			for (const size of sizes) {
				const scenario = await memoryScenario(emulator, size);
				memory[`memory, ${size.toLocaleString('en-US')} users`] = scenario;
				scenarios.push(scenario);
			}
			if (scenarios.length === 2) {
				const [small, large] = scenarios;
				const perUser = (mb: (s: MemoryScenario) => number) => Math.round(((mb(large) - mb(small)) * 1024 * 1024) / (large.users - small.users));
				growth = {
					fromUsers: small.users,
					toUsers: large.users,
					n8nBytesPerUser: perUser((s) => s.n8nShareMb),
					oursBytesPerUser: perUser((s) => s.oursExtraMb),
				};
				large.note += `; each user beyond ${small.users.toLocaleString('en-US')} adds ${growth.n8nBytesPerUser} B to n8n's share and ${growth.oursBytesPerUser} B to the sync's`;
			}
		}

		const side = (c: Counts, wallMs: number, peakRssMb: number) => ({ graphRequests: c.httpRequests, subRequests: c.subRequests, wallMs, peakRssMb });
		const jobs: unknown[] = [
			{
				job: 'guest-sync: 5,000 source users, 100 new',
				ours: side(oursCounts, ours.ms, ours.peakRssMb),
				naive: side(naiveCounts, naive.ms, naive.peakRssMb),
				floor: invitationFloor(100, oursCounts.writes),
				throttled: oursCounts.throttled,
				cpu: oursCpu,
				note: `${LATENCY_MS} ms latency per request; ours ${oursCounts.writes} writes, naive ${naiveCounts.writes}`,
			},
			{ job: 'guest-sync: second run (no changes)', ours: side(againCounts, again.ms, again.peakRssMb), throttled: againCounts.throttled },
		];
		for (const [name, scenario] of Object.entries(memory)) {
			const perUserUs = Math.round((scenario.ours.wallMs * 1000) / scenario.users);
			const floor = invitationFloor(scenario.users - scenario.existing, scenario.ours.writes);
			const floorPerUserUs = Math.round((floor.ms * 1000) / scenario.users);
			jobs.push({
				job: `guest-sync: ${name} (${(scenario.users - scenario.existing).toLocaleString('en-US')} new, no latency)`,
				ours: { graphRequests: scenario.ours.httpRequests, subRequests: scenario.ours.subRequests, wallMs: scenario.ours.wallMs, peakRssMb: scenario.ours.peakRssMb },
				floor,
				throttled: scenario.ours.throttled,
				cpu: scenario.cpu,
				note: `${perUserUs} µs per user against a floor of ${floorPerUserUs} µs per user (${(perUserUs / Math.max(1, floorPerUserUs)).toFixed(2)}× the floor); ${scenario.note}`,
			});
		}
		const memoryRuns = Object.values(memory);
		let scalingReport: IDataObject | undefined;
		if (memoryRuns.length === 2) {
			const [small, large] = memoryRuns;
			const perUserUs = (s: MemoryScenario) => (s.ours.wallMs * 1000) / s.users;
			const floorPerUserUs = (s: MemoryScenario) => (invitationFloor(s.users - s.existing, s.ours.writes).ms * 1000) / s.users;
			const toFloor = (s: MemoryScenario) => perUserUs(s) / floorPerUserUs(s);
			const scaling = perUserUs(large) / perUserUs(small);
			const floorScaling = floorPerUserUs(large) / floorPerUserUs(small);
			const ratioGrowth = toFloor(large) / toFloor(small);
			scalingReport = {
				users: [small.users, large.users],
				perUserUs: [Math.round(perUserUs(small)), Math.round(perUserUs(large))],
				floorPerUserUs: [Math.round(floorPerUserUs(small)), Math.round(floorPerUserUs(large))],
				ratioToFloor: [Number(toFloor(small).toFixed(2)), Number(toFloor(large).toFixed(2))],
				perUserGrowth: Number(scaling.toFixed(2)),
				floorPerUserGrowth: Number(floorScaling.toFixed(2)),
				ratioToFloorGrowth: Number(ratioGrowth.toFixed(2)),
			};
			const at = (n: number) => n.toLocaleString('en-US');
			(jobs[jobs.length - 1] as { note: string }).note +=
				`; scaling: time per user ${Math.round(perUserUs(small))} µs at ${at(small.users)}, ${Math.round(perUserUs(large))} µs at ${at(large.users)} (${scaling.toFixed(2)}x; goal as written <= 1.3x: ${scaling <= 1.3 ? 'met' : 'missed'}), ` +
				(floorScaling > 1.3
					? `but Microsoft's floor per user is ${Math.round(floorPerUserUs(small))} µs and ${Math.round(floorPerUserUs(large))} µs (${floorScaling.toFixed(1)}x: past 3,000 writes the directory write quota binds), so that goal cannot hold at Microsoft's limits; the claim that can: `
					: `Microsoft's floor per user ${Math.round(floorPerUserUs(small))} µs and ${Math.round(floorPerUserUs(large))} µs; `) +
				`the ratio to the floor: ${toFloor(small).toFixed(2)}x at ${at(small.users)}, ${toFloor(large).toFixed(2)}x at ${at(large.users)} (${ratioGrowth.toFixed(2)}x that at ${at(small.users)}); ` +
				`the sync's own heap ${large.oursExtraMb} MB (goal < 20 MB: ${large.oursExtraMb < 20 ? 'met' : 'missed'})`;
		}
		const report = {
			scenario: '5,000 source users, 4,900 already guests of this source; then 5,000 and 50,000 (98% existing) for time per user and memory',
			latencyMsPerRequest: LATENCY_MS,
			machine: machineLoad(),
			jobs,
			note: 'The emulator runs in its own process: RSS is the benchmark process only (n8n-core, the node, the items).',
			ours: { ...oursCounts, wallMs: ours.ms, startRssMb: ours.startRssMb, peakRssMb: ours.peakRssMb, summary: ours.result },
			secondRun: { ...againCounts, wallMs: again.ms, peakRssMb: again.peakRssMb },
			naive: { ...naiveCounts, wallMs: naive.ms, peakRssMb: naive.peakRssMb },
			requestRatio: Math.round((naiveCounts.httpRequests / oursCounts.httpRequests) * 10) / 10,
			...memory,
			memoryGrowth: growth,
			scaling: scalingReport,
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
				...Object.entries(memory).map(
					([name, scenario]) =>
						`  ${name}: ${scenario.ours.httpRequests} HTTP requests, ${scenario.ours.writes} writes, ${scenario.ours.wallMs} ms; ${scenario.note}`,
				),
				'',
			].join('\n'),
		);
	} finally {
		closeRawClient();
		await emulator.stop();
	}
}

if (process.argv[2] === MEMORY_CHILD_FLAG) {
	memoryChild(JSON.parse(process.argv[3]) as MemorySpec)
		.then((run) => process.stdout.write(`${JSON.stringify(run)}\n`))
		.catch((error: unknown) => {
			process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
			process.exit(1);
		});
} else {
	main().catch((error: unknown) => {
		process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
		process.exit(1);
	});
}
