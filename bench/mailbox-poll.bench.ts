/**
 * Outlook mailbox polling benchmark on the emulator, with a per-request latency standing in for the network:
 *  1. an idle poll of 50 mailboxes: our trigger (delta links, 20 per $batch) against n8n-style time-window polling
 *     (one GET /users/{id}/mailFolders/inbox/messages?$filter=receivedDateTime ge {last} and lt {now} per mailbox and
 *     folder, as one Outlook trigger per mailbox makes them);
 *  2. a poll with 1,000 new messages spread over the 50 mailboxes, same two ways.
 *
 * Run: node scripts/with-emulator-ca.js npx tsx bench/mailbox-poll.bench.ts
 * Env: MAILBOX_BENCH_LATENCY_MS (default 10), MAILBOX_BENCH_MAILBOXES (default 50), MAILBOX_BENCH_MESSAGES (default 1000).
 * Writes bench/results/mailbox-poll.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { IDataObject } from 'n8n-workflow';

import { runPoll } from '../test/harness';
import { closeRawClient, measureSide, naiveAppToken, rawCall, tenantAppCredentialData, type BenchSide } from './support';
import { generateLargeTenant, SEED_USERS, startEmulator, type Emulator } from '../test/emulator';
import { deliverMail } from '../test/emulator/graph/mail';

// tsx resolves '.node' to the codex file .node.json, so the class is required by its full name.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { M365OutlookMailboxTrigger } = require('../nodes/M365OutlookMailboxTrigger/M365OutlookMailboxTrigger.node.ts') as typeof import('../nodes/M365OutlookMailboxTrigger/M365OutlookMailboxTrigger.node');

const LATENCY_MS = Number(process.env.MAILBOX_BENCH_LATENCY_MS ?? 10);
const MAILBOXES = Number(process.env.MAILBOX_BENCH_MAILBOXES ?? 50);
const MESSAGES = Number(process.env.MAILBOX_BENCH_MESSAGES ?? 1000);





async function ourPoll(emulator: Emulator, mailboxes: string[], staticData: IDataObject): Promise<{ staticData: IDataObject; items: number }> {
	const result = await runPoll({
		nodeType: new M365OutlookMailboxTrigger(),
		parameters: {
			authentication: 'm365TenantAppApi',
			mailboxScope: 'list',
			mailboxes: { mailbox: mailboxes.map((value) => ({ mailbox: { __rl: true, mode: 'address', value } })) },
			maxItemsPerPoll: MESSAGES + 100,
		},
		credentials: { m365TenantAppApi: tenantAppCredentialData(emulator) },
		staticData,
	});
	if (result.error) throw result.error;
	return { staticData: result.staticData, items: result.items?.[0]?.length ?? 0 };
}

// ----- n8n-style time-window polling: one request (plus pages) per mailbox and folder, in sequence -----




async function naiveWindowPoll(emulator: Emulator, mailboxes: string[], from: string, until: string): Promise<number> {
	const auth = { Authorization: `Bearer ${await naiveAppToken(emulator)}` };
	let items = 0;
	for (const mailbox of mailboxes) {
		const filter = encodeURIComponent(`receivedDateTime ge ${from} and receivedDateTime lt ${until}`);
		let url: string | undefined = `${emulator.graphUrl}/v1.0/users/${mailbox}/mailFolders/inbox/messages?$filter=${filter}&$top=100`;
		while (url) {
			const response = await rawCall('GET', url, auth);
			if (response.status !== 200) throw new Error(`naive poll: HTTP ${response.status} ${response.body}`);
			const page = JSON.parse(response.body) as { value: unknown[]; '@odata.nextLink'?: string };
			items += page.value.length;
			url = page['@odata.nextLink'];
		}
	}
	return items;
}

const graphTime = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

async function main(): Promise<void> {
	const tenant = generateLargeTenant(MAILBOXES + 30);
	const seeded = new Set<string>(Object.values(SEED_USERS).map((user) => user.id));
	const emulator = await startEmulator({ seed: tenant, latencyMs: LATENCY_MS });
	try {
		const mailboxes = emulator.state
			.users()
			.filter((record) => record.hasMailbox && !seeded.has(record.user.id))
			.map((record) => record.user.userPrincipalName)
			.slice(0, MAILBOXES);
		if (mailboxes.length < MAILBOXES) throw new Error(`only ${mailboxes.length} mailboxes in the generated tenant`);

		// Activation (and warm-up: n8n's engine and msal load once, so the timings below are the work).
		let state = (await ourPoll(emulator, mailboxes, {})).staticData;
		await naiveWindowPoll(emulator, mailboxes.slice(0, 1), graphTime(emulator.clock.nowMs() - 60_000), graphTime(emulator.clock.nowMs()));

		let idleItems = -1;
		const oursIdle = await measureSide(emulator, async () => ({ staticData: state, items: idleItems } = await ourPoll(emulator, mailboxes, state)));
		const windowStart = emulator.clock.nowMs() - 60_000;
		let naiveIdleItems = -1;
		const naiveIdle = await measureSide(emulator, async () => (naiveIdleItems = await naiveWindowPoll(emulator, mailboxes, graphTime(windowStart), graphTime(emulator.clock.nowMs()))));

		emulator.clock.advance(60);
		const perMailbox = Math.ceil(MESSAGES / mailboxes.length);
		let delivered = 0;
		for (const mailbox of mailboxes) {
			const count = Math.min(perMailbox, MESSAGES - delivered);
			if (count > 0) delivered += deliverMail(emulator.state, { mailbox, count, subjectPrefix: 'bench' }).length;
		}
		emulator.clock.advance(1);
		let burstItems = -1;
		const oursBurst = await measureSide(emulator, async () => ({ staticData: state, items: burstItems } = await ourPoll(emulator, mailboxes, state)));
		let naiveBurstItems = -1;
		const naiveBurst = await measureSide(emulator, async () => (naiveBurstItems = await naiveWindowPoll(emulator, mailboxes, graphTime(windowStart), graphTime(emulator.clock.nowMs()))));

		const ratio = (naive: number, ours: number) => Math.round((naive / Math.max(1, ours)) * 10) / 10;
		const report = {
			scenario: `${MAILBOXES} mailboxes (inbox): idle poll and a poll with ${delivered.toLocaleString('en-US')} new messages`,
			latencyMsPerRequest: LATENCY_MS,
			jobs: [
				{ job: `idle poll of ${MAILBOXES} mailboxes`, ours: oursIdle, naive: naiveIdle, note: `${Math.max(0, idleItems)} / ${naiveIdleItems} items; target at most 3 requests: ${oursIdle.graphRequests <= 3 ? 'met' : 'missed'}` },
				{ job: `poll with ${delivered} new messages`, ours: oursBurst, naive: naiveBurst, note: `${burstItems} / ${naiveBurstItems} items; wall-time ratio ${ratio(naiveBurst.wallMs, oursBurst.wallMs)}×` },
			],
		};
		mkdirSync(join(__dirname, 'results'), { recursive: true });
		writeFileSync(join(__dirname, 'results', 'mailbox-poll.json'), `${JSON.stringify(report, null, 2)}\n`);
		const line = (job: string, ours: BenchSide, naive: BenchSide) =>
			`${job.padEnd(36)} ours ${String(ours.graphRequests).padStart(5)} req ${String(ours.wallMs).padStart(7)} ms ${String(ours.peakRssMb).padStart(5)} MB` +
			` | time-window ${String(naive.graphRequests).padStart(5)} req ${String(naive.wallMs).padStart(7)} ms ${String(naive.peakRssMb).padStart(5)} MB | ${ratio(naive.graphRequests, ours.graphRequests)}× requests, ${ratio(naive.wallMs, ours.wallMs)}× time`;
		process.stdout.write(
			[
				`Outlook mailbox polling benchmark (${LATENCY_MS} ms latency per request)`,
				line(`idle poll of ${MAILBOXES} mailboxes`, oursIdle, naiveIdle),
				line(`poll with ${delivered} new messages`, oursBurst, naiveBurst),
				'',
			].join('\n'),
		);
	} finally {
		closeRawClient();
		await emulator.close();
	}
}

main().catch((error: unknown) => {
	process.stderr.write(`${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
	process.exit(1);
});
