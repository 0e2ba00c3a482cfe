import {
	expirationFor,
	hasExpired,
	lifetimeMinutes,
	notificationUrlProblem,
	renewalDue,
} from '../../../nodes/M365Trigger/subscriptionPolicy';

const now = new Date('2026-11-23T12:00:00.000Z');
const minutesFromNow = (m: number) => new Date(now.getTime() + m * 60_000).toISOString();

describe('subscription lifetimes', () => {
	it('asks for just under Graph maximum: 7 days for mail, 3 days for Teams and presence', () => {
		expect(expirationFor('mail', now)).toBe(minutesFromNow(10080 - 15));
		expect(expirationFor('channelMessages', now)).toBe(minutesFromNow(4320 - 15));
		expect(expirationFor('presence', now)).toBe(minutesFromNow(4320 - 15));
	});

	it('renews once less than half the lifetime is left', () => {
		const half = lifetimeMinutes('chatMessages') / 2;
		expect(renewalDue('chatMessages', minutesFromNow(half + 1), now)).toBe(false);
		expect(renewalDue('chatMessages', minutesFromNow(half - 1), now)).toBe(true);
		expect(renewalDue('chatMessages', undefined, now)).toBe(true);
		expect(renewalDue('chatMessages', 'not a date', now)).toBe(true);
	});

	it('knows when a subscription has expired', () => {
		expect(hasExpired(minutesFromNow(1), now)).toBe(false);
		expect(hasExpired(minutesFromNow(0), now)).toBe(true);
		expect(hasExpired(undefined, now)).toBe(true);
	});
});

describe('notificationUrlProblem', () => {
	it('accepts HTTPS', () => {
		expect(notificationUrlProblem('https://n8n.example.com/webhook/abc/webhook')).toBeUndefined();
	});

	it('rejects HTTP with a fix that names the polling trigger', () => {
		expect(notificationUrlProblem('http://localhost:5678/webhook/abc/webhook')).toMatch(
			/HTTPS.*Microsoft 365 Polling Trigger/,
		);
	});

	it('rejects what is not a URL', () => {
		expect(notificationUrlProblem('localhost:5678')).toBeDefined();
		expect(notificationUrlProblem('::')).toMatch(/not a valid URL/);
	});
});
