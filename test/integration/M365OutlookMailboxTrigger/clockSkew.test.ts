// Issue 15, clock skew: the mailbox trigger decides what was "already there at activation" by comparing Exchange's
// receivedDateTime with the activation time. n8n's clock and Exchange's differ (a host without time sync is minutes
// off), so the activation time is Graph's: the Date header Graph sends with its answers (the emulator sends its own
// clock there, shifted here against the test process's, which is n8n's clock in the harness).
import { deliverMail } from '../../emulator/graph/mail';
import type { Emulator } from '../../emulator';
import { jsonOf, mailboxParameters, Poller, startTenant, SUPPORT } from './setup';

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

// Twenty minutes: more than the 15 minutes the delta round starts before activation (DELIVERY_DELAY_SECONDS), so with
// n8n's clock mail would be taken for old (Graph ahead) or filtered out of the round for good (Graph behind).
describe.each([
	['ahead of', 20 * 60],
	['behind', -20 * 60],
])("mailbox trigger with Graph's clock %s n8n's by twenty minutes", (_, skewSeconds) => {
	let emulator: Emulator;
	beforeEach(async () => {
		emulator = await startTenant();
		emulator.clock.advance(skewSeconds);
	});
	afterEach(async () => {
		await emulator.close();
	});

	it('the emulator sends its own clock in the Date header, as Graph sends its own', async () => {
		const response = await fetch(`${emulator.graphUrl}/v1.0/users`);
		await response.arrayBuffer();
		const sent = Date.parse(response.headers.get('date') ?? '');
		expect(Math.abs(sent - emulator.clock.nowMs())).toBeLessThan(60_000);
		expect(Math.abs(sent - Date.now())).toBeGreaterThan(5 * 60_000);
	});

	it('emits mail received after activation by Graph\'s clock, and none that was already there', async () => {
		// In the inbox a minute before activation (Graph's time), so not new.
		deliverMail(emulator.state, { mailbox: SUPPORT, messages: [{ subject: 'already there', receivedDateTime: iso(emulator.clock.nowMs() - 60_000) }] });
		const poller = new Poller(emulator, mailboxParameters([SUPPORT]));
		expect(jsonOf(await poller.poll())).toEqual([]);
		emulator.clock.advance(5);
		deliverMail(emulator.state, { mailbox: SUPPORT, messages: [{ subject: 'after activation' }] });
		expect(jsonOf(await poller.poll()).map((item) => item.subject)).toEqual(['after activation']);
		expect(jsonOf(await poller.poll())).toEqual([]);
	});
});
