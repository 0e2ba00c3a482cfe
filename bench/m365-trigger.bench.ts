/**
 * Trigger benchmark: five mailboxes receive two mails each per simulated hour for six hours (60 mails). Counted:
 * the Graph requests our webhook trigger makes (subscribe, read each new mail, unsubscribe), the requests our
 * polling trigger makes polling every 5 minutes (delta per mailbox), and the naive way: n8n's Outlook trigger
 * pattern, one list request per mailbox every minute (HTTP Request node style), against the same emulator.
 * Every mail must arrive exactly once on our side; the run fails otherwise.
 *
 * Run: node scripts/with-emulator-ca.js npx tsx bench/m365-trigger.bench.ts
 * Env: TRIGGER_BENCH_LATENCY_MS (default 5). Writes bench/results/m365-trigger.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IDataObject, INodeExecutionData, INodeParameters, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { activateWebhookTrigger, runPoll } from '../test/harness';
import { SEED_USERS, startEmulator, type Emulator } from '../test/emulator';
import { deliverMail } from '../test/emulator/graph/mail';
import { idleDeliveries } from '../test/emulator/graph/subscriptions';
import { closeRawClient, graphCounts, machineLoad, measure, naiveAppToken, rawCall, tenantAppCredentialData } from './support';

// tsx resolves 'X.node' to the codex file X.node.json, so the classes are required by their full names.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { M365Trigger } = require('../nodes/M365Trigger/M365Trigger.node.ts') as typeof import('../nodes/M365Trigger/M365Trigger.node');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { M365PollingTrigger } = require('../nodes/M365PollingTrigger/M365PollingTrigger.node.ts') as typeof import('../nodes/M365PollingTrigger/M365PollingTrigger.node');

const LATENCY_MS = Number(process.env.TRIGGER_BENCH_LATENCY_MS ?? 5);
const MAILBOXES = [SEED_USERS.support, SEED_USERS.salesDesk, SEED_USERS.adele, SEED_USERS.alex, SEED_USERS.diego].map((u) => u.upn);
const HOURS = 6;
const MAILS_PER_MAILBOX_PER_HOUR = 2;
const TOTAL_MAILS = HOURS * MAILBOXES.length * MAILS_PER_MAILBOX_PER_HOUR;

interface Side {
	graphRequests: number;
	subRequests: number;
	wallMs: number;
	peakRssMb: number;
	mailsSeen: number;
}

function parameters(): INodeParameters {
	return {
		authentication: 'm365TenantAppApi',
		event: 'newMail',
		mailboxes: { mailbox: MAILBOXES.map((value) => ({ mailbox: { __rl: true, mode: 'address', value } })) },
		mailFolder: 'inbox',
	};
}



function deliverHour(emulator: Emulator, hour: number): void {
	for (const mailbox of MAILBOXES) {
		deliverMail(emulator.state, {
			mailbox,
			messages: Array.from({ length: MAILS_PER_MAILBOX_PER_HOUR }, (_, i) => ({ subject: `h${hour} ${mailbox} #${i}` })),
		});
	}
}

async function webhookRun(emulator: Emulator): Promise<number> {
	const node = new M365Trigger();
	const working = new Set<Promise<unknown>>();
	const webhook = node.webhook;
	node.webhook = async function (this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const work = webhook.call(this);
		working.add(work);
		try {
			return await work;
		} finally {
			working.delete(work);
		}
	};
	const settled = async () => {
		while (working.size > 0 || (await idleDeliveries(emulator), working.size > 0)) await Promise.allSettled([...working]);
	};
	const trigger = await activateWebhookTrigger({
		nodeType: node,
		parameters: parameters(),
		credentials: { m365TenantAppApi: tenantAppCredentialData(emulator) } as never,
	});
	for (let hour = 1; hour <= HOURS; hour++) {
		// Mail arrives spread over the hour; notifications come as it arrives.
		for (let slice = 0; slice < 4; slice++) emulator.clock.advance(900);
		deliverHour(emulator, hour);
		await settled();
	}
	await settled();
	await trigger.deactivate();
	return trigger.emitted.flatMap((w) => w[0] ?? []).length;
}

async function pollingRun(emulator: Emulator): Promise<number> {
	let staticData: IDataObject = {};
	let seen = 0;
	const poll = async () => {
		const result = await runPoll({
			nodeType: new M365PollingTrigger(),
			parameters: parameters(),
			credentials: { m365TenantAppApi: tenantAppCredentialData(emulator) } as never,
			staticData,
		});
		if (result.error) throw result.error;
		staticData = result.staticData;
		seen += (result.items?.[0] ?? []).filter((item: INodeExecutionData) => item.json.subject).length;
	};
	await poll();
	for (let hour = 1; hour <= HOURS; hour++) {
		for (let minute = 5; minute <= 60; minute += 5) {
			emulator.clock.advance(300);
			if (minute === 30) deliverHour(emulator, hour);
			await poll();
		}
	}
	return seen;
}

// ----- the naive way: one list request per mailbox every minute (n8n's Outlook trigger pattern) -----



async function naiveRun(emulator: Emulator): Promise<number> {
	let accessToken = '';
	let tokenUntil = 0;
	const auth = async () => {
		if (emulator.clock.nowMs() > tokenUntil) {
			accessToken = await naiveAppToken(emulator);
			tokenUntil = emulator.clock.nowMs() + 50 * 60_000;
		}
		return { Authorization: `Bearer ${accessToken}` };
	};
	const seen = new Set<string>();
	let since = emulator.clock.now().toISOString();
	for (let hour = 1; hour <= HOURS; hour++) {
		for (let minute = 1; minute <= 60; minute++) {
			emulator.clock.advance(60);
			if (minute === 30) deliverHour(emulator, hour);
			const until = emulator.clock.now().toISOString();
			for (const mailbox of MAILBOXES) {
				const filter = encodeURIComponent(`receivedDateTime ge ${since} and receivedDateTime lt ${until}`);
				const answer = await rawCall('GET', `${emulator.graphUrl}/v1.0/users/${mailbox}/mailFolders/inbox/messages?$filter=${filter}&$top=100`, await auth());
				for (const message of (JSON.parse(answer.body) as { value?: Array<{ id: string }> }).value ?? []) seen.add(message.id);
			}
			since = until;
		}
	}
	return seen.size;
}

async function main(): Promise<void> {
	const emulator = await startEmulator({ latencyMs: LATENCY_MS });
	const side = async (run: (e: Emulator) => Promise<number>): Promise<Side> => {
		emulator.reset();
		const measured = await measure(() => run(emulator));
		return { ...graphCounts(emulator), wallMs: measured.ms, peakRssMb: measured.peakRssMb, mailsSeen: measured.result };
	};
	try {
		const webhook = await side(webhookRun);
		const polling = await side(pollingRun);
		const naive = await side(naiveRun);
		for (const [name, result] of Object.entries({ webhook, polling })) {
			if (result.mailsSeen !== TOTAL_MAILS) throw new Error(`${name} saw ${result.mailsSeen} of ${TOTAL_MAILS} mails`);
		}
		const report = {
			scenario: `${MAILBOXES.length} mailboxes, ${TOTAL_MAILS} mails over ${HOURS} simulated hours`,
			latencyMsPerRequest: LATENCY_MS,
			machine: machineLoad(),
			jobs: [
				{
					job: 'trigger: new mail, webhook',
					ours: webhook,
					naive,
					note: 'naive: one list request per mailbox per minute (n8n Outlook trigger pattern); ours: subscribe once, read each new mail',
				},
				{
					job: 'trigger: new mail, polling every 5 min',
					ours: polling,
					naive,
					note: 'ours: one delta request per mailbox per poll, new mails read in one $batch',
				},
			],
		};
		mkdirSync(join(__dirname, 'results'), { recursive: true });
		writeFileSync(join(__dirname, 'results', 'm365-trigger.json'), `${JSON.stringify(report, null, 2)}\n`);
		process.stdout.write(
			[
				`M365 trigger, ${report.scenario}, ${LATENCY_MS} ms latency per request`,
				`  webhook : ${webhook.graphRequests} Graph requests, ${webhook.wallMs} ms, peak RSS ${webhook.peakRssMb} MB, ${webhook.mailsSeen} mails`,
				`  polling : ${polling.graphRequests} Graph requests (${polling.subRequests} more in $batch), ${polling.wallMs} ms, peak RSS ${polling.peakRssMb} MB, ${polling.mailsSeen} mails`,
				`  naive   : ${naive.graphRequests} Graph requests, ${naive.wallMs} ms, peak RSS ${naive.peakRssMb} MB, ${naive.mailsSeen} mails`,
				'',
			].join('\n'),
		);
	} finally {
		closeRawClient();
		await emulator.close();
	}
}

main().catch((error: unknown) => {
	process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
	process.exit(1);
});
