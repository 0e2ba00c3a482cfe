// trigger.dedupKey on the mailbox trigger's items: the contract the Microsoft 365 Trigger and the Polling Trigger keep
// (docs/nodes/M365Trigger.md), one value per message and change, the same for every copy whichever activation or
// restart emitted it, so n8n's Remove Duplicates node on it passes a repeat on once. Restarts: restarts.test.ts.
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import type { Emulator } from '../../emulator';
import { SEED_USERS } from '../../emulator';
import { deliverMail } from '../../emulator/graph/mail';
import { activatePoller, type PollOutcome } from '../../harness';
import { M365OutlookMailboxTrigger } from '../../../nodes/M365OutlookMailboxTrigger/M365OutlookMailboxTrigger.node';
import { M365PollingTrigger } from '../../../nodes/M365PollingTrigger/M365PollingTrigger.node';
import { mailboxParameters, startTenant, tenantCredential } from './setup';

const LEE = SEED_USERS.lee.upn;
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function itemsOf(outcome: PollOutcome): IDataObject[] {
	if (outcome.error) throw outcome.error;
	return (outcome.items?.[0] ?? []).map((item) => item.json);
}

const keyOf = (item: IDataObject) => (item.trigger as { dedupKey?: unknown } | undefined)?.dedupKey;

describe('mailbox trigger: trigger.dedupKey', () => {
	let emulator: Emulator;
	beforeEach(async () => {
		emulator = await startTenant();
	});
	afterEach(async () => {
		await emulator.close();
	});

	/** A new activation of the workflow: static data as n8n starts it, nothing of an earlier activation. */
	const activate = async (nodeType: () => M365OutlookMailboxTrigger | M365PollingTrigger, parameters: INodeParameters) =>
		await activatePoller({ nodeType, parameters, credentials: { m365TenantAppApi: tenantCredential(emulator) } as never });

	it('is the same for one message in two activations of the same workflow, different for each message, in both outputs', async () => {
		const now = emulator.clock.nowMs();
		const old = deliverMail(emulator.state, {
			mailbox: LEE,
			// Two in the same second: the key must not be built from the time.
			messages: [0, 0, 5].map((offset, i) => ({ subject: `old ${i}`, receivedDateTime: iso(now - 3_600_000 + offset * 1000) })),
		});
		for (const output of ['simple', 'raw']) {
			const parameters = mailboxParameters([LEE], { startFrom: 'days', backfillDays: 1, output });
			const first = itemsOf((await activate(() => new M365OutlookMailboxTrigger(), parameters)).activation);
			const second = itemsOf((await activate(() => new M365OutlookMailboxTrigger(), parameters)).activation);
			// Keyed by subject: two messages of one second come in either order.
			const keys = (items: IDataObject[]) => Object.fromEntries(items.map((item) => [String(item.subject), keyOf(item)]));
			// The Microsoft 365 Trigger's mail key: the mailbox as configured (lower-cased), the folder, created, Graph's id.
			const expected = Object.fromEntries(old.map((message) => [message.subject, `mail:${LEE.toLowerCase()}:inbox|created|${String(message.id)}`]));
			expect(first).toHaveLength(3);
			expect(keys(first)).toEqual(expected);
			expect(second).toHaveLength(3);
			expect(keys(second)).toEqual(expected);
			expect(new Set(Object.values(expected)).size).toBe(3);
		}
	});

	it('for one mail, is the key the Microsoft 365 Polling Trigger gives it (one definition for both triggers)', async () => {
		const { poller: mailboxPoller } = await activate(() => new M365OutlookMailboxTrigger(), mailboxParameters([LEE]));
		const { poller: pollingPoller } = await activate(() => new M365PollingTrigger(), {
			authentication: 'm365TenantAppApi',
			event: 'newMail',
			mailboxes: { mailbox: [{ mailbox: { __rl: true, mode: 'address', value: LEE } }] },
			mailFolder: 'inbox',
		});
		emulator.clock.advance(30);
		deliverMail(emulator.state, { mailbox: LEE, messages: [{ subject: 'to both' }] });
		const [fromMailboxTrigger] = itemsOf(await mailboxPoller.poll());
		const [fromPollingTrigger] = itemsOf(await pollingPoller.poll());
		expect(fromMailboxTrigger.subject).toBe('to both');
		expect(fromPollingTrigger.subject).toBe('to both');
		expect(keyOf(fromMailboxTrigger)).toBe(`mail:${LEE.toLowerCase()}:inbox|created|${String(fromMailboxTrigger.id)}`);
		expect(keyOf(fromMailboxTrigger)).toBe(keyOf(fromPollingTrigger));
	});
});
