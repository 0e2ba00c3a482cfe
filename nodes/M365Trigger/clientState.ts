// The shared secret Graph echoes in every notification of a subscription. Random per subscription, kept in the
// workflow's static data, compared in constant time: a caller who does not know it cannot start the workflow.
import { randomBytes, timingSafeEqual } from 'crypto';

/** 32 random bytes, base64url: 43 characters, inside Graph's 128-character limit. */
export function newClientState(): string {
	return randomBytes(32).toString('base64url');
}

export function clientStateMatches(expected: string, received: unknown): boolean {
	if (typeof received !== 'string' || expected.length === 0) return false;
	const a = Buffer.from(expected, 'utf8');
	const b = Buffer.from(received, 'utf8');
	return a.length === b.length && timingSafeEqual(a, b);
}
