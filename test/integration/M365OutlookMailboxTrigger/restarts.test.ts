// Issue 15 item 3: restarts of n8n under both polling triggers. n8n 2.40.7 (durable poll cursors off, its default)
// writes a polling trigger's static data to its database only at activation and when a poll emits, and then only
// if it saw the static data change (its observed object marks assignments); what idle polls change lives in memory
// until then. After a restart the trigger continues from the last saved static data. The harness's activatePoller
// keeps one workflow in memory across polls and saves where n8n saves; restart() starts from what was saved, with
// the node's modules loaded afresh (a new process: the in-memory emission ledger starts empty).
import type { INodeParameters, INodeType } from 'n8n-workflow';

import type { Emulator } from '../../emulator';
import { SEED_USERS } from '../../emulator';
import { deliverMail, invalidateDeltaTokens } from '../../emulator/graph/mail';
import { activatePoller, type ActivePoller, type PollOutcome } from '../../harness';
import { mailboxParameters, startTenant, tenantCredential } from './setup';

const LEE = SEED_USERS.lee.upn;
const SUPPORT = SEED_USERS.support.upn;
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** A node class loaded in a module registry of its own: what a newly started n8n process has in memory. */
function inNewProcess<T>(load: () => T): T {
	let loaded: T | undefined;
	jest.isolateModules(() => {
		loaded = load();
	});
	return loaded as T;
}
/* eslint-disable @typescript-eslint/no-require-imports */
const mailboxTrigger = (): INodeType =>
	inNewProcess(() => {
		const { M365OutlookMailboxTrigger } = require('../../../nodes/M365OutlookMailboxTrigger/M365OutlookMailboxTrigger.node') as typeof import('../../../nodes/M365OutlookMailboxTrigger/M365OutlookMailboxTrigger.node');
		return new M365OutlookMailboxTrigger();
	});
const pollingTrigger = (): INodeType =>
	inNewProcess(() => {
		const { M365PollingTrigger } = require('../../../nodes/M365PollingTrigger/M365PollingTrigger.node') as typeof import('../../../nodes/M365PollingTrigger/M365PollingTrigger.node');
		return new M365PollingTrigger();
	});
/* eslint-enable @typescript-eslint/no-require-imports */

/** The subjects a poll emitted; a failed poll fails the test. */
function subjects(outcome: PollOutcome): string[] {
	if (outcome.error) throw outcome.error;
	return (outcome.items?.[0] ?? []).map((item) => String(item.json.subject));
}

/** One active workflow in n8n: static data in memory, and the copy n8n saved to its database. */
class RestartablePoller {
	/** subject -> the trigger.dedupKey of every item emitted with it, in emission order. */
	readonly dedupKeys = new Map<string, unknown[]>();

	private constructor(private readonly active: ActivePoller) {}

	private subjects(outcome: PollOutcome): string[] {
		for (const item of outcome.items?.[0] ?? []) {
			const subject = String(item.json.subject);
			this.dedupKeys.set(subject, [...(this.dedupKeys.get(subject) ?? []), (item.json.trigger as { dedupKey?: unknown } | undefined)?.dedupKey]);
		}
		return subjects(outcome);
	}

	/** Activates the workflow; resolves with the poller and what the activation poll emitted. */
	static async activate(emulator: Emulator, nodeType: () => INodeType, parameters: INodeParameters): Promise<[RestartablePoller, string[]]> {
		const { poller, activation } = await activatePoller({
			nodeType,
			parameters,
			credentials: { m365TenantAppApi: tenantCredential(emulator) } as never,
		});
		const restartable = new RestartablePoller(poller);
		return [restartable, restartable.subjects(activation)];
	}

	async poll(): Promise<string[]> {
		return this.subjects(await this.active.poll());
	}

	get memory() {
		return this.active.memory();
	}

	get saved() {
		return this.active.saved();
	}

	set saved(staticData) {
		this.active.setSaved(staticData);
	}

	/** n8n stops (cleanly or not) and starts again: memory is gone, the saved static data is read back. */
	async restart(): Promise<string[]> {
		return this.subjects(await this.active.restart());
	}
}

describe('restarts of n8n under the polling triggers (static data saved only when a poll emits)', () => {
	let emulator: Emulator;
	beforeEach(async () => {
		emulator = await startTenant();
	});
	afterEach(async () => {
		await emulator.close();
	});


	it('mailbox trigger: a restart after many idle polls loses and repeats nothing', async () => {
		const [poller, atActivation] = await RestartablePoller.activate(emulator, mailboxTrigger, mailboxParameters([LEE]));
		expect(atActivation).toEqual([]);
		emulator.clock.advance(30);
		deliverMail(emulator.state, { mailbox: LEE, messages: [{ subject: 'first' }] });
		expect(await poller.poll()).toEqual(['first']);
		// Idle polls move the delta link on (each one a new sync-state generation), unsaved.
		for (let i = 0; i < 8; i++) expect(await poller.poll()).toEqual([]);
		expect(JSON.stringify(poller.memory)).not.toBe(JSON.stringify(poller.saved));
		emulator.clock.advance(30);
		deliverMail(emulator.state, { mailbox: LEE, messages: [{ subject: 'while n8n was down' }] });
		expect([...(await poller.restart()), ...(await poller.poll())]).toEqual(['while n8n was down']);
		expect(await poller.poll()).toEqual([]);
		emulator.clock.advance(30);
		deliverMail(emulator.state, { mailbox: LEE, messages: [{ subject: 'after' }] });
		expect(await poller.poll()).toEqual(['after']);
	});

	it('mailbox trigger: a restart in the middle of a backfill continues it, once', async () => {
		const now = emulator.clock.nowMs();
		const old = Array.from({ length: 25 }, (_, i) => ({ subject: `old ${String(i).padStart(2, '0')}`, receivedDateTime: iso(now - 86_400_000 + Math.floor(i / 4) * 1000) }));
		deliverMail(emulator.state, { mailbox: LEE, messages: old });
		const [poller, emitted] = await RestartablePoller.activate(emulator, mailboxTrigger, mailboxParameters([LEE], { startFrom: 'days', backfillDays: 2, maxItemsPerPoll: 10 }));
		emitted.push(...(await poller.poll()));
		emitted.push(...(await poller.restart()));
		for (let i = 0; i < 4; i++) emitted.push(...(await poller.poll()));
		expect(emitted.sort()).toEqual(old.map((message) => message.subject));
	});

	it('mailbox trigger: an unclean stop whose last save was lost repeats that poll\'s mail at most, and loses nothing', async () => {
		const [poller] = await RestartablePoller.activate(emulator, mailboxTrigger, mailboxParameters([LEE]));
		emulator.clock.advance(30);
		deliverMail(emulator.state, { mailbox: LEE, messages: [{ subject: 'a' }] });
		expect(await poller.poll()).toEqual(['a']);
		const beforeB = structuredClone(poller.saved);
		emulator.clock.advance(30);
		deliverMail(emulator.state, { mailbox: LEE, messages: [{ subject: 'b' }] });
		expect(await poller.poll()).toEqual(['b']);
		// n8n writes static data without waiting, then starts the execution: killed in between, the write is lost.
		poller.saved = beforeB;
		invalidateDeltaTokens(emulator.state, LEE);
		emulator.clock.advance(30);
		deliverMail(emulator.state, { mailbox: LEE, messages: [{ subject: 'c' }] });
		expect([...(await poller.restart()), ...(await poller.poll())]).toEqual(['b', 'c']);
		expect(await poller.poll()).toEqual([]);
		// The repeat carries the key of its first copy (n8n's Remove Duplicates on it passes it on once); each mail its own.
		const [firstB, repeatedB] = poller.dedupKeys.get('b') ?? [];
		expect(firstB).toEqual(expect.stringMatching(new RegExp(`^mail:${LEE.toLowerCase().replace(/\./g, '\\.')}:inbox\\|created\\|.`)));
		expect(repeatedB).toBe(firstB);
		expect(new Set([poller.dedupKeys.get('a')?.[0], firstB, poller.dedupKeys.get('c')?.[0]]).size).toBe(3);
	});

	const pollingParameters: INodeParameters = {
		authentication: 'm365TenantAppApi',
		event: 'newMail',
		mailboxes: { mailbox: [{ mailbox: { __rl: true, mode: 'address', value: SUPPORT } }] },
		mailFolder: 'inbox',
	};

	it('Microsoft 365 Polling Trigger (mail): a restart after many idle polls loses and repeats nothing', async () => {
		const [poller, atActivation] = await RestartablePoller.activate(emulator, pollingTrigger, pollingParameters);
		expect(atActivation).toEqual([]);
		emulator.clock.advance(30);
		deliverMail(emulator.state, { mailbox: SUPPORT, messages: [{ subject: 'first' }] });
		expect(await poller.poll()).toEqual(['first']);
		for (let i = 0; i < 8; i++) expect(await poller.poll()).toEqual([]);
		emulator.clock.advance(30);
		deliverMail(emulator.state, { mailbox: SUPPORT, messages: [{ subject: 'while n8n was down' }] });
		expect([...(await poller.restart()), ...(await poller.poll())]).toEqual(['while n8n was down']);
		expect(await poller.poll()).toEqual([]);
	});

	it("Microsoft 365 Polling Trigger (mail): an emitting poll's state is saved with its items, also on the activation's first workflow object", async () => {
		const { poller } = await activatePoller({
			nodeType: pollingTrigger,
			parameters: pollingParameters,
			credentials: { m365TenantAppApi: tenantCredential(emulator) } as never,
		});
		emulator.clock.advance(30);
		deliverMail(emulator.state, { mailbox: SUPPORT, messages: [{ subject: 'first' }] });
		expect(subjects(await poller.poll())).toEqual(['first']);
		// n8n saved what the poll emitted: the database's copy is the one in memory.
		expect(poller.saved()).toEqual(poller.memory());
	});

	it('Microsoft 365 Polling Trigger (mail): killed between its unawaited save and the execution, the mail comes again with the same trigger.dedupKey; nothing lost', async () => {
		const { poller } = await activatePoller({
			nodeType: pollingTrigger,
			parameters: pollingParameters,
			credentials: { m365TenantAppApi: tenantCredential(emulator) } as never,
		});
		const items = async (outcome: Promise<PollOutcome>) => {
			const { items: emitted, error } = await outcome;
			if (error) throw error;
			return (emitted?.[0] ?? []).map((item) => ({ subject: String(item.json.subject), dedupKey: (item.json.trigger as { dedupKey?: string }).dedupKey }));
		};
		emulator.clock.advance(30);
		deliverMail(emulator.state, { mailbox: SUPPORT, messages: [{ subject: 'a' }] });
		expect((await items(poller.poll())).map((item) => item.subject)).toEqual(['a']);
		const beforeB = poller.saved();
		emulator.clock.advance(30);
		deliverMail(emulator.state, { mailbox: SUPPORT, messages: [{ subject: 'b' }] });
		const [b] = await items(poller.poll());
		expect(b.subject).toBe('b');
		expect(b.dedupKey).toMatch(/^mail:support@contoso\.onmicrosoft\.com:inbox\|created\|/);
		// n8n 2.40.7 starts the save without waiting for it and runs the execution: killed in between, it never lands.
		poller.setSaved(beforeB);
		emulator.clock.advance(30);
		deliverMail(emulator.state, { mailbox: SUPPORT, messages: [{ subject: 'c' }] });
		const after = [...(await items(poller.restart())), ...(await items(poller.poll()))];
		expect(after.map((item) => item.subject)).toEqual(['b', 'c']);
		// The repeat carries the key the first copy carried: n8n's Remove Duplicates (or Redis) on it drops it.
		expect(after[0].dedupKey).toBe(b.dedupKey);
		expect(await items(poller.poll())).toEqual([]);
	});
});
