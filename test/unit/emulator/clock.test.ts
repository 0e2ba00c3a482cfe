import { createClock } from '../../emulator/clock';

describe('emulator clock', () => {
	it('advances, jumps and notifies listeners', () => {
		const clock = createClock();
		clock.freeze('2026-01-01T00:00:00Z');
		const seen: string[] = [];
		const stop = clock.onChange((now) => seen.push(now.toISOString()));
		clock.advance(90);
		expect(clock.now().toISOString()).toBe('2026-01-01T00:01:30.000Z');
		expect(clock.nowSeconds()).toBe(Date.parse('2026-01-01T00:01:30Z') / 1000);
		clock.set('2027-06-01T12:00:00Z');
		stop();
		clock.advance(1);
		expect(seen).toEqual(['2026-01-01T00:01:30.000Z', '2027-06-01T12:00:00.000Z']);
	});

	it('follows real time with an offset when not frozen', () => {
		const clock = createClock();
		clock.advance(3600);
		expect(clock.nowMs()).toBeGreaterThanOrEqual(Date.now() + 3_599_000);
		clock.freeze();
		const frozen = clock.nowMs();
		clock.unfreeze();
		expect(clock.nowMs()).toBeGreaterThanOrEqual(frozen);
		expect(() => clock.set('not a date')).toThrow('clock: not a date');
	});
});
