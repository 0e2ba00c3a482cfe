import type { Logger } from 'n8n-workflow';

import {
	forgetWebhookGuard,
	LIFECYCLE_INTERVAL_MS,
	LOOKUP_WINDOW_MS,
	LOOKUPS_PER_WINDOW,
	WARNING_INTERVAL_MS,
	webhookGuard,
} from '../../../nodes/M365Trigger/webhookGuards';

function clock(start = 1_000_000) {
	let now = start;
	return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('webhook guard', () => {
	afterEach(() => forgetWebhookGuard('instance'));

	it('budgets subscription lookups per window and remembers ids Graph did not know', () => {
		const time = clock();
		const guard = webhookGuard('instance', time.now);
		const allowed = Array.from({ length: LOOKUPS_PER_WINDOW + 5 }, (_, i) => guard.mayLookUp(`id-${i}`)).filter(Boolean);
		expect(allowed).toHaveLength(LOOKUPS_PER_WINDOW);
		time.advance(LOOKUP_WINDOW_MS);
		expect(guard.mayLookUp('id-a')).toBe(true);
		guard.rememberNotFound('id-a');
		time.advance(LOOKUP_WINDOW_MS);
		expect(guard.mayLookUp('id-a')).toBe(false);
		expect(guard.mayLookUp('id-b')).toBe(true);
	});

	it('logs refusals as a sample, counting the ones left out', () => {
		const time = clock();
		const lines: string[] = [];
		const logger = { warn: (message: string) => lines.push(message) } as unknown as Logger;
		const guard = webhookGuard('instance', time.now);
		for (let i = 0; i < 50; i++) guard.refused(logger, 'refused a notification POST (403)');
		expect(lines).toEqual(['refused a notification POST (403)']);
		time.advance(WARNING_INTERVAL_MS);
		guard.refused(logger, 'refused a notification POST (403)');
		expect(lines[1]).toBe('refused a notification POST (403) (and 49 more refused since the last such warning)');
	});

	it('lets a lifecycle event act on a target once per interval after an action Graph accepted', () => {
		const time = clock();
		const guard = webhookGuard('instance', time.now);
		expect(guard.mayActOnLifecycle('mail:a')).toBe(true);
		// A refused renewal is not recorded: the next event tries again.
		expect(guard.mayActOnLifecycle('mail:a')).toBe(true);
		guard.actedOnLifecycle('mail:a');
		expect(guard.mayActOnLifecycle('mail:a')).toBe(false);
		expect(guard.mayActOnLifecycle('mail:b')).toBe(true);
		time.advance(LIFECYCLE_INTERVAL_MS);
		expect(guard.mayActOnLifecycle('mail:a')).toBe(true);
	});

	it('keeps one guard per activation', () => {
		const time = clock();
		webhookGuard('instance', time.now).actedOnLifecycle('mail:a');
		expect(webhookGuard('instance', time.now).mayActOnLifecycle('mail:a')).toBe(false);
		expect(webhookGuard('other', time.now).mayActOnLifecycle('mail:a')).toBe(true);
		forgetWebhookGuard('other');
	});
});
