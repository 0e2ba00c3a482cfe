// A simulated day on the emulator: 50 mailboxes, mail in bursts (many in the same second), throttling, 5xx,
// dropped connections, Graph dropping delta sync states, and n8n restarting mid-way (a poll whose result was never
// saved, then polls from the last saved static data). Asserted: every delivered message is emitted exactly once.
import type { Emulator } from '../../emulator';
import { deliverMail, invalidateDeltaTokens } from '../../emulator/graph/mail';
import { extraMailboxes, mailboxParameters, Poller, startTenant } from './setup';

/** Small deterministic PRNG (mulberry32), so the day is the same on every run. */
function prng(seed: number): () => number {
	let a = seed;
	return () => {
		a = (a + 0x6d2b79f5) | 0;
		let t = Math.imul(a ^ (a >>> 15), 1 | a);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

describe('M365 Outlook Mailbox Trigger: a reliability day', () => {
	let emulator: Emulator;
	beforeAll(async () => {
		emulator = await startTenant({ extraUsers: 70 });
	});
	afterAll(async () => {
		await emulator.close();
	});

	it('emits every message of 50 mailboxes exactly once through bursts, faults, sync-state loss and a restart', async () => {
		const mailboxes = extraMailboxes(emulator, 50);
		expect(mailboxes).toHaveLength(50);
		const random = prng(7);
		const poller = new Poller(emulator, mailboxParameters(mailboxes, { maxItemsPerPoll: 150 }));
		expect((await poller.poll()).error).toBeUndefined();

		emulator.faults.add({ kind: 'throttle', path: '/users/**/delta', retryAfterSeconds: 1, everyNth: 311, topLevel: false });
		emulator.faults.add({ kind: 'status', status: 503, path: '/users/**/delta', retryAfterSeconds: 1, everyNth: 347, topLevel: false });
		emulator.faults.add({ kind: 'status', status: 500, path: '/users/**/delta', everyNth: 67, topLevel: false });
		emulator.faults.add({ kind: 'drop', method: 'POST', path: '/$batch', everyNth: 29, subRequests: false });
		emulator.faults.add({ kind: 'dropAfterApply', method: 'POST', path: '/$batch', everyNth: 37, subRequests: false });

		const delivered = new Map<string, string>();
		const emitted = new Map<string, number>();
		const record = (items: Array<{ json: { id?: unknown; mailbox?: unknown } }> | undefined) => {
			for (const item of items ?? []) {
				const id = String(item.json.id);
				emitted.set(id, (emitted.get(id) ?? 0) + 1);
				expect(delivered.get(id)).toBe(item.json.mailbox);
			}
		};

		const hours = 24;
		const pollsPerHour = 2;
		for (let step = 0; step < hours * pollsPerHour; step++) {
			emulator.clock.advance(3600 / pollsPerHour);
			// A burst: several mailboxes get many messages within the same emulator second.
			const burstMailboxes = 1 + Math.floor(random() * 4);
			for (let b = 0; b < burstMailboxes; b++) {
				const mailbox = mailboxes[Math.floor(random() * mailboxes.length)];
				for (const message of deliverMail(emulator.state, { mailbox, count: 1 + Math.floor(random() * 25), subjectPrefix: `burst ${step}` })) {
					delivered.set(message.id, mailbox);
				}
			}
			// Steady trickle.
			for (let t = 0; t < 5; t++) {
				const mailbox = mailboxes[Math.floor(random() * mailboxes.length)];
				for (const message of deliverMail(emulator.state, { mailbox, count: 1, subjectPrefix: `mail ${step}` })) delivered.set(message.id, mailbox);
			}
			if (step === 17) invalidateDeltaTokens(emulator.state, mailboxes[3]);
			if (step === 30) invalidateDeltaTokens(emulator.state);

			if (step === 24) {
				// n8n dies during a poll: its items never reach an execution and its cursor is never saved.
				const saved = structuredClone(poller.staticData);
				await poller.poll();
				poller.staticData = saved;
				// ...and restarts: a fresh node instance polls from the last saved static data.
				continue;
			}
			const result = await poller.poll();
			if (result.error) continue; // a failed poll saves nothing; the next one repeats it
			record(result.items?.[0]);
		}

		// The faults stop; the backlog drains.
		emulator.faults.clear();
		for (let i = 0; i < 30; i++) {
			const result = await poller.poll();
			expect(result.error).toBeUndefined();
			if (!result.items) break;
			record(result.items[0]);
		}

		const duplicates = [...emitted].filter(([, count]) => count > 1);
		const missing = [...delivered.keys()].filter((id) => !emitted.has(id));
		expect(delivered.size).toBeGreaterThan(1000);
		expect(duplicates).toEqual([]);
		expect(missing).toEqual([]);
		expect(emitted.size).toBe(delivered.size);
		// The faults did happen.
		expect(emulator.requests.count({ host: 'graph', status: 410 })).toBeGreaterThan(0);
	}, 300_000);
});
