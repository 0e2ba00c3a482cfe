import { createFaults, globToRegExp } from '../../emulator/faults';

const hit = (faults: ReturnType<typeof createFaults>, path: string, method = 'GET', inBatch = false) =>
	faults.match({ host: 'graph', method, path, rawPath: `/v1.0${path}`, inBatch }).map((f) => f.kind);

describe('faults', () => {
	it('matches globs: * is one segment, ** any depth', () => {
		expect(globToRegExp('/users/*/presence').test('/users/abc/presence')).toBe(true);
		expect(globToRegExp('/users/*/presence').test('/users/a/b/presence')).toBe(false);
		expect(globToRegExp('/teams/**').test('/teams/t/channels/c/messages')).toBe(true);
		expect(globToRegExp('/$batch').test('/$batch')).toBe(true);
	});

	it('filters by method, path and host, and honours times', () => {
		const faults = createFaults();
		faults.add({ kind: 'throttle', method: 'POST', path: '/chats/*/messages', times: 2 });
		expect(hit(faults, '/chats/x/messages', 'GET')).toEqual([]);
		expect(hit(faults, '/chats/x/messages', 'POST')).toEqual(['throttle']);
		expect(hit(faults, '/chats/x/messages', 'POST')).toEqual(['throttle']);
		expect(hit(faults, '/chats/x/messages', 'POST')).toEqual([]);
		expect(faults.list()).toHaveLength(0);
	});

	it('hits every Nth matching request', () => {
		const faults = createFaults();
		faults.add({ kind: 'status', status: 503, everyNth: 3 });
		expect([1, 2, 3, 4, 5, 6].map(() => hit(faults, '/users').length)).toEqual([0, 0, 1, 0, 0, 1]);
	});

	it('is deterministic with a probability and the same seed', () => {
		const run = () => {
			const faults = createFaults(42);
			faults.add({ kind: 'drop', probability: 0.5 });
			return Array.from({ length: 20 }, () => hit(faults, '/users').length);
		};
		const first = run();
		expect(run()).toEqual(first);
		expect(first.some((n) => n === 1)).toBe(true);
		expect(first.some((n) => n === 0)).toBe(true);
	});

	it('rateLimit admits `limit` requests per sliding window on the given clock, then 429s with the wait', () => {
		let now = 1_000_000;
		const faults = createFaults(1, () => now);
		faults.add({ kind: 'rateLimit', path: '/communications/getPresencesByUserId', limit: 2, windowSeconds: 30 });
		const run = () => faults.match({ host: 'graph', method: 'POST', path: '/communications/getPresencesByUserId', rawPath: '', inBatch: false });
		expect(run()).toEqual([]);
		now += 10_000;
		expect(run()).toEqual([]);
		const limited = run();
		expect(limited.map((f) => [f.kind, f.retryAfterNow])).toEqual([['rateLimit', 20]]);
		now += 20_001;
		expect(run()).toEqual([]);
	});

	it('can spare $batch sub-requests or top-level requests', () => {
		const faults = createFaults();
		faults.add({ kind: 'throttle', subRequests: false });
		expect(hit(faults, '/users', 'GET', true)).toEqual([]);
		expect(hit(faults, '/users', 'GET', false)).toEqual(['throttle']);
	});
});
