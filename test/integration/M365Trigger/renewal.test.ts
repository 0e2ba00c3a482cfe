// Seven simulated days: the emulator clock and the node's clock (Date, faked alone) move together hour by hour,
// as they would in a week of real time. Nothing is waited for: each step ends when the notification is handled.
import type { Emulator } from '../../emulator';
import { deliverMail } from '../../emulator/graph/mail';
import { subscriptionRuntime } from '../../emulator/graph/subscriptions';
import { activate, allItems, liveSubscriptions, mailParameters, settled, startTenant, SUPPORT } from './setup';

const HOUR_MS = 3_600_000;

function advanceOneHour(emulator: Emulator): void {
	jest.setSystemTime(Date.now() + HOUR_MS);
	// The emulator's clock follows Date; advancing by 0 runs its listeners (expiry, reauthorizationRequired).
	emulator.clock.advance(0);
}

describe('M365 Trigger (webhook): staying subscribed for seven days', () => {
	let emulator: Emulator;
	beforeEach(async () => {
		jest.useFakeTimers({
			doNotFake: [
				'hrtime',
				'nextTick',
				'performance',
				'queueMicrotask',
				'requestAnimationFrame',
				'cancelAnimationFrame',
				'requestIdleCallback',
				'cancelIdleCallback',
				'setImmediate',
				'clearImmediate',
				'setInterval',
				'clearInterval',
				'setTimeout',
				'clearTimeout',
			],
			now: Date.now(),
		});
		emulator = await startTenant();
	});
	afterEach(async () => {
		await emulator.close();
		jest.useRealTimers();
	});

	it('delivers a mail every hour for seven days without missing one, renewing the same subscription', async () => {
		const trigger = await activate(emulator, mailParameters([SUPPORT]));
		try {
			const [subscription] = liveSubscriptions(emulator);
			const expected: string[] = [];
			for (let hour = 1; hour <= 7 * 24; hour++) {
				advanceOneHour(emulator);
				deliverMail(emulator.state, { mailbox: SUPPORT, messages: [{ subject: `Hour ${hour}` }] });
				expected.push(`Hour ${hour}`);
				await settled(emulator);
			}
			expect(allItems(trigger).map((i) => i.subject)).toEqual(expected);
			const live = liveSubscriptions(emulator);
			expect(live.map((s) => s.id)).toEqual([subscription.id]);
			expect(emulator.requests.count({ method: 'PATCH', status: 200 })).toBeGreaterThanOrEqual(2);
			expect(Date.parse(live[0].expirationDateTime)).toBeGreaterThan(emulator.clock.nowMs() + 3 * 24 * HOUR_MS);
		} finally {
			await settled(emulator);
			await trigger.deactivate();
		}
	}, 300_000);

	it('keeps a quiet mailbox subscribed through reauthorizationRequired alone, then delivers on day eight', async () => {
		const trigger = await activate(emulator, mailParameters([SUPPORT]));
		try {
			const [subscription] = liveSubscriptions(emulator);
			for (let hour = 1; hour <= 8 * 24; hour++) {
				advanceOneHour(emulator);
				await settled(emulator);
			}
			expect(liveSubscriptions(emulator).map((s) => s.id)).toEqual([subscription.id]);
			const lifecycleEvents = subscriptionRuntime(emulator).log.map(
				(d) => (d.body as { value: Array<{ lifecycleEvent?: string }> }).value[0].lifecycleEvent,
			);
			expect(lifecycleEvents.filter((e) => e === 'reauthorizationRequired').length).toBeGreaterThanOrEqual(1);
			expect(emulator.requests.count({ method: 'PATCH', status: 200 })).toBeGreaterThanOrEqual(1);
			deliverMail(emulator.state, { mailbox: SUPPORT, messages: [{ subject: 'Day eight' }] });
			await settled(emulator);
			expect(allItems(trigger).map((i) => i.subject)).toEqual(['Day eight']);
		} finally {
			await settled(emulator);
			await trigger.deactivate();
		}
	}, 300_000);
});
