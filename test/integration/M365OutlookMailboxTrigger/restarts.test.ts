// Issue 15 item 3: restarts of n8n under both polling triggers. n8n 2.40.7 (durable poll cursors off, its default)
// writes a polling trigger's static data to its database only when a poll emits, and at activation; what idle polls
// change lives in memory until then. After a restart the trigger continues from the last saved static data. These
// tests keep the two copies apart, as n8n does (runPoll's staticDataSaved), and restart from the saved one.
import type { IDataObject, INodeExecutionData, INodeParameters, INodeType } from 'n8n-workflow';

import type { Emulator } from '../../emulator';
import { SEED_USERS } from '../../emulator';
import { deliverMail, invalidateDeltaTokens } from '../../emulator/graph/mail';
import { runPoll } from '../../harness';
import { M365OutlookMailboxTrigger } from '../../../nodes/M365OutlookMailboxTrigger/M365OutlookMailboxTrigger.node';
import { M365PollingTrigger } from '../../../nodes/M365PollingTrigger/M365PollingTrigger.node';
import { mailboxParameters, startTenant, tenantCredential } from './setup';

const LEE = SEED_USERS.lee.upn;
const SUPPORT = SEED_USERS.support.upn;
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** One active workflow in n8n: static data in memory, and the copy n8n saved to its database. */
class RestartablePoller {
	memory: IDataObject = {};

	saved: IDataObject = {};

	constructor(
		private readonly emulator: Emulator,
		private readonly nodeType: () => INodeType,
		private readonly parameters: INodeParameters,
	) {}

	async poll(activation: 'activate' | 'init' = 'init'): Promise<string[]> {
		const result = await runPoll({
			nodeType: this.nodeType(),
			parameters: this.parameters,
			credentials: { m365TenantAppApi: tenantCredential(this.emulator) } as never,
			staticData: this.memory,
			activation,
		});
		if (result.error) throw result.error;
		this.memory = result.staticData;
		// n8n saves at activation and when a poll emits.
		if (result.staticDataSaved || activation === 'activate') this.saved = structuredClone(result.staticData);
		return (result.items?.[0] ?? []).map((item: INodeExecutionData) => String(item.json.subject));
	}

	/** n8n stops (cleanly or not) and starts again: memory is gone, the saved static data is read back. */
	restart(): void {
		this.memory = structuredClone(this.saved);
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

	const mailboxTrigger = () => new M365OutlookMailboxTrigger();

	it('mailbox trigger: a restart after many idle polls loses and repeats nothing', async () => {
		const poller = new RestartablePoller(emulator, mailboxTrigger, mailboxParameters([LEE]));
		expect(await poller.poll('activate')).toEqual([]);
		emulator.clock.advance(30);
		deliverMail(emulator.state, { mailbox: LEE, messages: [{ subject: 'first' }] });
		expect(await poller.poll()).toEqual(['first']);
		// Idle polls move the delta link on (each one a new sync-state generation), unsaved.
		for (let i = 0; i < 8; i++) expect(await poller.poll()).toEqual([]);
		expect(JSON.stringify(poller.memory)).not.toBe(JSON.stringify(poller.saved));
		emulator.clock.advance(30);
		deliverMail(emulator.state, { mailbox: LEE, messages: [{ subject: 'while n8n was down' }] });
		poller.restart();
		expect(await poller.poll()).toEqual(['while n8n was down']);
		expect(await poller.poll()).toEqual([]);
		emulator.clock.advance(30);
		deliverMail(emulator.state, { mailbox: LEE, messages: [{ subject: 'after' }] });
		expect(await poller.poll()).toEqual(['after']);
	});

	it('mailbox trigger: a restart in the middle of a backfill continues it, once', async () => {
		const now = emulator.clock.nowMs();
		const old = Array.from({ length: 25 }, (_, i) => ({ subject: `old ${String(i).padStart(2, '0')}`, receivedDateTime: iso(now - 86_400_000 + Math.floor(i / 4) * 1000) }));
		deliverMail(emulator.state, { mailbox: LEE, messages: old });
		const poller = new RestartablePoller(emulator, mailboxTrigger, mailboxParameters([LEE], { startFrom: 'days', backfillDays: 2, maxItemsPerPoll: 10 }));
		const emitted = await poller.poll('activate');
		emitted.push(...(await poller.poll()));
		poller.restart();
		for (let i = 0; i < 4; i++) emitted.push(...(await poller.poll()));
		expect(emitted.sort()).toEqual(old.map((message) => message.subject));
	});

	it('mailbox trigger: an unclean stop whose last save was lost repeats that poll\'s mail at most, and loses nothing', async () => {
		const poller = new RestartablePoller(emulator, mailboxTrigger, mailboxParameters([LEE]));
		await poller.poll('activate');
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
		poller.restart();
		expect(await poller.poll()).toEqual(['b', 'c']);
		expect(await poller.poll()).toEqual([]);
	});

	it('Microsoft 365 Polling Trigger (mail): a restart after many idle polls loses and repeats nothing', async () => {
		const parameters: INodeParameters = {
			authentication: 'm365TenantAppApi',
			event: 'newMail',
			mailboxes: { mailbox: [{ mailbox: { __rl: true, mode: 'address', value: SUPPORT } }] },
			mailFolder: 'inbox',
		};
		const poller = new RestartablePoller(emulator, () => new M365PollingTrigger(), parameters);
		expect(await poller.poll('activate')).toEqual([]);
		emulator.clock.advance(30);
		deliverMail(emulator.state, { mailbox: SUPPORT, messages: [{ subject: 'first' }] });
		expect(await poller.poll()).toEqual(['first']);
		for (let i = 0; i < 8; i++) expect(await poller.poll()).toEqual([]);
		emulator.clock.advance(30);
		deliverMail(emulator.state, { mailbox: SUPPORT, messages: [{ subject: 'while n8n was down' }] });
		poller.restart();
		expect(await poller.poll()).toEqual(['while n8n was down']);
		expect(await poller.poll()).toEqual([]);
	});
});
