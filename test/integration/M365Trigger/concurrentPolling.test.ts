// The Polling Trigger reads its targets at once, not one after another: a poll of many mailboxes costs about one
// round trip, not one per mailbox. Microsoft's limits stay the transport's (Outlook: 4 concurrent requests per app
// per mailbox), items come out in target order whichever read ends first, and a poll stays all or nothing when one
// target fails while the others are still being read. Overlap is counted by the emulator (requests it holds at
// once, its per-mailbox concurrency peaks), never timed.
import type { IDataObject } from 'n8n-workflow';

import { generateLargeTenant, SEED_TEAMS, SEED_USERS, startEmulator, type Emulator } from '../../emulator';
import { deliverMail } from '../../emulator/graph/mail';
import { buildChannel, buildChatMessage } from '../../emulator/state/builders';
import { extraMailboxes } from '../../support/extraMailboxes';
import { approveProtectedApis, DAILY, mailParameters, Poller } from './setup';

const TARGETS = 12;

async function until(condition: () => boolean): Promise<void> {
	while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

function escaped(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The inbox delta reads of these mailboxes (the first round and its delta links alike). */
function deltaReadsOf(mailboxes: string[]): RegExp {
	return new RegExp(`/users/(${mailboxes.map(escaped).join('|')})/mailFolders/inbox/messages/delta$`, 'i');
}

/** Reads of one message of a mailbox (as $batch sub-requests or alone). */
function messageReadsOf(mailbox: string): RegExp {
	return new RegExp(`/users/${escaped(mailbox)}/messages/[^/]+$`, 'i');
}

function subjects(items: IDataObject[]): string[] {
	return items.map((item) => String(item.subject));
}

describe('Polling Trigger: targets read at once, within Microsoft\'s limits', () => {
	let emulator: Emulator;
	beforeAll(async () => {
		emulator = await startEmulator({ seed: generateLargeTenant(60) });
		// Every request holds its mailbox slot for a while, as Graph's do.
		emulator.latencyMs = 20;
	});
	afterAll(async () => {
		await emulator.close();
	});
	afterEach(() => {
		emulator.faults.clear();
	});

	it('reads 12 mailboxes at once, at most 4 requests on one mailbox, and emits in target order whichever read ends first', async () => {
		const mailboxes = extraMailboxes(emulator, TARGETS);
		expect(mailboxes).toHaveLength(TARGETS);
		const poller = new Poller(emulator, mailParameters(mailboxes));
		expect(await poller.poll()).toEqual([]);

		// Six mails each (one $batch of six reads per mailbox: Graph runs 4 of them at a time), the last mailbox's
		// first, so neither delivery time nor the order reads end in is the target order.
		const delivered = new Map<string, string[]>();
		for (const mailbox of [...mailboxes].reverse()) {
			emulator.clock.advance(60);
			delivered.set(mailbox, deliverMail(emulator.state, { mailbox, count: 6, subjectPrefix: `${mailbox} mail` }).map((m) => String(m.subject)));
		}
		emulator.requests.reset();
		emulator.mailboxConcurrency.reset();

		// Each mailbox's delta read waits in Graph until released: the poll must have sent all twelve.
		const holds = mailboxes.map((mailbox) => emulator.faults.add({ kind: 'hold', method: 'GET', path: deltaReadsOf([mailbox]) }));
		const run = poller.poll();
		await until(() => holds.every((hold) => (emulator.faults.held()[hold] ?? 0) === 1));
		expect(emulator.mailboxConcurrency.peaks().mailboxesAtOnce).toBe(TARGETS);

		// Released last target first, each mailbox read to its end (its six mails read) before the next is let go.
		for (let index = TARGETS - 1; index >= 0; index--) {
			emulator.faults.remove(holds[index]);
			const reads = messageReadsOf(mailboxes[index]);
			await until(() => emulator.requests.entries().filter((entry) => reads.test(entry.path) && entry.status === 200).length >= 6);
		}
		const items = await run;

		expect(subjects(items)).toEqual(mailboxes.flatMap((mailbox) => delivered.get(mailbox) ?? []));
		expect(items.map((item) => (item.trigger as IDataObject).mailbox)).toEqual(mailboxes.flatMap((mailbox) => Array(6).fill(mailbox)));
		const peaks = emulator.mailboxConcurrency.peaks();
		expect(Object.keys(peaks.perMailbox)).toHaveLength(TARGETS);
		expect(Math.max(...Object.values(peaks.perMailbox))).toBeLessThanOrEqual(4);
		expect(emulator.requests.count({ host: 'graph', status: 429 })).toBe(0);

		expect(await poller.poll()).toEqual([]);
	});

	it('emits nothing and moves no cursor when one target fails while the others are read; the next poll emits everything once', async () => {
		const mailboxes = extraMailboxes(emulator, TARGETS, TARGETS);
		expect(mailboxes).toHaveLength(TARGETS);
		const poller = new Poller(emulator, mailParameters(mailboxes));
		expect(await poller.poll()).toEqual([]);
		emulator.clock.advance(60);
		for (const mailbox of mailboxes) deliverMail(emulator.state, { mailbox, count: 2, subjectPrefix: `${mailbox} mail` });
		const before = JSON.stringify(poller.staticData);

		// The first mailbox's read fails (a 500 is not retried) while the other eleven are in Graph; they are let go
		// only then, so they end (and would claim their mails) after the failure.
		const failing = emulator.faults.add({ kind: 'status', status: 500, method: 'GET', path: deltaReadsOf(mailboxes.slice(0, 1)) });
		const hold = emulator.faults.add({ kind: 'hold', method: 'GET', path: deltaReadsOf(mailboxes.slice(1)) });
		let ended = false;
		const run = poller.poll().finally(() => (ended = true));
		const outcome = run.then(
			() => undefined,
			(error: unknown) => error as Error,
		);
		await until(() => ended || (emulator.faults.held()[hold] ?? 0) === TARGETS - 1);
		const heldAtOnce = emulator.faults.held()[hold] ?? 0;
		emulator.faults.remove(hold);
		const error = await outcome;

		expect(heldAtOnce).toBe(TARGETS - 1);
		expect(error?.message).toBeDefined();
		expect(JSON.stringify(poller.staticData)).toBe(before);

		emulator.faults.remove(failing);
		const next = await poller.poll();
		expect(subjects(next)).toEqual(mailboxes.flatMap((mailbox) => [`${mailbox} mail 1`, `${mailbox} mail 2`]));
		expect(await poller.poll()).toEqual([]);
		expect(emulator.requests.count({ host: 'graph', status: 429 })).toBe(0);
	});
});

describe('Polling Trigger: the channels of a team read at once, within the team\'s 4 requests per second', () => {
	let emulator: Emulator;
	beforeAll(async () => {
		// An hour behind real time: the node places cursors by Graph's clock, messages are stamped by the emulator's.
		emulator = await startEmulator({ clockStart: new Date(Date.now() - 3600_000).toISOString() });
		await approveProtectedApis(emulator);
	});
	afterAll(async () => {
		await emulator.close();
	});

	it('has four channel reads in Graph at once (the team\'s limit), draws no 429, and emits each new message once', async () => {
		const team = emulator.state.team(SEED_TEAMS.sales.id)!;
		for (let index = 1; index <= 8; index++) {
			const record = buildChannel(team, `Region ${index}`, 'standard', emulator.state.tenantId);
			emulator.state.data.channels[record.channel.id] = record;
		}
		const channels = emulator.state.channelsOf(team.team.id).filter((channel) => channel.channel.membershipType === 'standard');
		expect(channels.length).toBeGreaterThanOrEqual(10);
		const poller = new Poller(emulator, {
			authentication: 'm365TenantAppApi',
			event: 'newChannelMessage',
			channelScope: 'team',
			teamId: { __rl: true, mode: 'id', value: team.team.id },
			pollTimes: DAILY,
		});
		expect(await poller.poll()).toEqual([]);

		emulator.clock.advance(24 * 3600);
		const adele = emulator.state.user(SEED_USERS.adele.id)!;
		const posted = channels.map((channel, index) =>
			emulator.state.addChannelMessage(
				team.team.id,
				channel.channel.id,
				buildChatMessage({
					createdDateTime: emulator.clock.now().toISOString(),
					from: adele,
					content: `news ${index}`,
					channel: { teamId: team.team.id, channelId: channel.channel.id },
					sequence: 1000 + index,
				}),
			),
		);
		emulator.requests.reset();
		// Every channel's delta read waits in Graph until released: four of them arrive together (the transport keeps
		// the team within 4 requests per second, so the rest wait for room on our side).
		const hold = emulator.faults.add({ kind: 'hold', method: 'GET', path: /\/channels\/[^/]+\/messages\/delta$/ });
		const run = poller.poll();
		await until(() => (emulator.faults.held()[hold] ?? 0) === 4);
		emulator.faults.remove(hold);
		const items = await run;

		expect(items.map((item) => item.id).sort()).toEqual(posted.map((message) => message.id).sort());
		expect(emulator.requests.count({ host: 'graph', status: 429 })).toBe(0);
		expect(await poller.poll()).toEqual([]);
	});
});
