import { emissionLedger, forgetEmissionLedger } from '../../../nodes/M365Trigger/emissionLedger';

describe('the emission ledger shared by overlapping webhook calls of one process', () => {
	let instance = 0;
	const fresh = (now?: () => number) => emissionLedger(`test-${++instance}`, now);

	it('lets one call claim an id; the others drop it until the claim is given back', () => {
		const ledger = fresh();
		expect(ledger.claim('mailbox:a', 'm1')).toBe(true);
		expect(ledger.claim('mailbox:a', 'm1')).toBe(false);
		expect(ledger.claim('mailbox:b', 'm1')).toBe(true);
		ledger.release('mailbox:a', 'm1');
		expect(ledger.claim('mailbox:a', 'm1')).toBe(true);
	});

	it('keeps emitted ids (a release no longer frees them) and lists them per target, oldest first', () => {
		const ledger = fresh();
		for (const id of ['m1', 'm2', 'm3']) ledger.claim('t', id);
		ledger.markEmitted('t', ['m1', 'm3']);
		ledger.release('t', 'm1');
		ledger.release('t', 'm2');
		expect(ledger.emitted('t')).toEqual(['m1', 'm3']);
		expect(ledger.claim('t', 'm1')).toBe(false);
		expect(ledger.claim('t', 'm2')).toBe(true);
	});

	it('is the same ledger for the same instance id, and a new one after it is forgotten', () => {
		const id = `test-${++instance}`;
		emissionLedger(id).markEmitted('t', ['m1']);
		expect(emissionLedger(id).emitted('t')).toEqual(['m1']);
		forgetEmissionLedger(id);
		expect(emissionLedger(id).emitted('t')).toEqual([]);
	});

	it('forgets ids after six hours (Graph stops retrying after four)', () => {
		let now = 0;
		const ledger = fresh(() => now);
		ledger.claim('t', 'old');
		ledger.markEmitted('t', ['old']);
		now += 6 * 60 * 60 * 1000 + 1;
		expect(ledger.claim('t', 'new')).toBe(true);
		expect(ledger.emitted('t')).toEqual([]);
	});

	it('says a presence changed once per new state, starting from the stored one, and when it recorded it', () => {
		const ledger = fresh();
		expect(ledger.presenceChanged('p', 'u1', 'Busy/InACall', 'Busy/InACall', 't1')).toBe(false);
		expect(ledger.presenceChanged('p', 'u1', 'Away/Away', 'Busy/InACall', 't2')).toBe(true);
		// An overlapping call with an older copy of the static data does not emit it again.
		expect(ledger.presenceChanged('p', 'u1', 'Away/Away', 'Busy/InACall', 't3')).toBe(false);
		expect(ledger.presenceChanged('p', 'u1', 'Busy/InACall', 'Busy/InACall', 't4')).toBe(true);
		expect(ledger.lastPresence('p')).toEqual({ u1: 'Busy/InACall' });
		expect(ledger.lastPresenceAt('p')).toEqual({ u1: 't4' });
	});
});
