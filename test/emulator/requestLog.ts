// Every request either listener answered, and every $batch sub-request, so tests and benchmarks can count calls
// per endpoint.

export interface RequestLogEntry {
	/** Control API calls (/_emulator/) are not logged. */
	host: 'graph' | 'login';
	method: string;
	/** Path as requested, without query. */
	path: string;
	/** The query string as sent, without `?` (still percent-encoded): `new URLSearchParams(entry.query)` reads it.
	 * Empty when there was none. Lets a test see each poll's filter window and paging. */
	query: string;
	/** Route template (`GET /users/:userId/presence`), or undefined when nothing matched. */
	route?: string;
	status: number;
	/** Calling app (from the token or the token request). */
	appId?: string;
	/** True for a $batch sub-request; the $batch call itself is logged as a top-level request. */
	batch: boolean;
	/** Emulator-clock ISO time. */
	time: string;
	/** Fault kinds that hit this request. */
	faults?: string[];
	/** Top-level Graph requests: the log's event counter when the request arrived and when it was answered (not
	 * times: `peakInFlight` counts how many overlapped, whatever the machine's speed). */
	arrivedSeq?: number;
	answeredSeq?: number;
}

export type RequestFilter = Partial<Pick<RequestLogEntry, 'host' | 'method' | 'route' | 'status' | 'appId' | 'batch'>> & {
	/** Matches `path` exactly, or tests it when a RegExp. */
	path?: string | RegExp;
	/** Query parameters that must be present with these (decoded) values; a RegExp tests the decoded value. */
	query?: Record<string, string | RegExp>;
};

/** The decoded query parameters of a logged request. */
export function queryOf(entry: Pick<RequestLogEntry, 'query'>): Record<string, string> {
	return Object.fromEntries(new URLSearchParams(entry.query ?? ''));
}

export interface RequestLog {
	entries(): RequestLogEntry[];
	/** Requests matching every given field. Without a filter: all requests (top-level and sub-requests). */
	count(filter?: RequestFilter): number;
	/** Route template -> count. By default top-level requests only; `{ batch: true }` for sub-requests only, `{ batch: 'all' }` for both. */
	byEndpoint(options?: { batch?: boolean | 'all'; host?: RequestLogEntry['host'] }): Record<string, number>;
	/** The most requests matching the filter that were in flight (arrived, not yet answered) at once. */
	peakInFlight(filter?: RequestFilter): number;
	reset(): void;
	/** Called when a request arrives; pass the result as `arrivedSeq` to `record`, which stamps `answeredSeq`. */
	arrive(): number;
	record(entry: RequestLogEntry): void;
}

export function matchesRequest(entry: RequestLogEntry, filter: RequestFilter): boolean {
	for (const [key, expected] of Object.entries(filter)) {
		if (expected === undefined) continue;
		const actual = entry[key as keyof RequestLogEntry];
		if (key === 'query') {
			const actualQuery = queryOf(entry);
			for (const [name, value] of Object.entries(expected as Record<string, string | RegExp>)) {
				const got = actualQuery[name];
				if (got === undefined) return false;
				if (value instanceof RegExp ? !value.test(got) : got !== value) return false;
			}
		} else if (key === 'path' && expected instanceof RegExp) {
			if (!expected.test(entry.path)) return false;
		} else if (actual !== expected) return false;
	}
	return true;
}

export function createRequestLog(): RequestLog {
	let entries: RequestLogEntry[] = [];
	let sequence = 0;
	return {
		entries: () => [...entries],
		count: (filter = {}) => entries.filter((e) => matchesRequest(e, filter)).length,
		byEndpoint(options = {}) {
			const batch = options.batch ?? false;
			const result: Record<string, number> = {};
			for (const e of entries) {
				if (batch !== 'all' && e.batch !== batch) continue;
				if (options.host && e.host !== options.host) continue;
				const key = e.route ?? `${e.method} ${e.path} (unmatched)`;
				result[key] = (result[key] ?? 0) + 1;
			}
			return result;
		},
		peakInFlight(filter = {}) {
			const events: Array<[number, number]> = [];
			for (const e of entries) {
				if (e.arrivedSeq === undefined || e.answeredSeq === undefined || !matchesRequest(e, filter)) continue;
				events.push([e.arrivedSeq, 1], [e.answeredSeq, -1]);
			}
			events.sort((a, b) => a[0] - b[0]);
			let now = 0;
			let peak = 0;
			for (const [, change] of events) peak = Math.max(peak, (now += change));
			return peak;
		},
		reset() {
			entries = [];
		},
		arrive() {
			return ++sequence;
		},
		record(entry) {
			entries.push(entry.arrivedSeq === undefined ? entry : { ...entry, answeredSeq: ++sequence });
		},
	};
}
