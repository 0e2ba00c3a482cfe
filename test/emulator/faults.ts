// Injected failures: throttling, 5xx, dropped connections (before or after the write is applied), latency, and
// requests held until a test releases them (a slow call without a timing: 'hold').
// Probabilities use a seeded PRNG so a run is reproducible.

export type FaultKind = 'throttle' | 'status' | 'drop' | 'dropAfterApply' | 'latency' | 'rateLimit' | 'repeatNextLink' | 'hold';

export interface FaultSpec {
	kind: FaultKind;
	/** HTTP method (any when absent). */
	method?: string;
	/**
	 * Path pattern, matched against the path without the version prefix (`/users/abc/presence`), and against the
	 * full path (`/v1.0/users/...`, login host paths). A string is a glob: `*` = one segment, `**` = any depth,
	 * `$batch` literal. A RegExp is tested as is. Any path when absent.
	 */
	path?: string | RegExp;
	/** Which listener: 'graph' (default) or 'login' or 'any'. */
	host?: 'graph' | 'login' | 'any';
	/** For 'status' (default 503). */
	status?: number;
	/** Retry-After seconds for 'throttle' (default 2) and optionally for 'status'. */
	retryAfterSeconds?: number;
	/** Chance 0..1 a matching request is hit (default 1), drawn from the seeded PRNG. */
	probability?: number;
	/** Remove the fault after it hit this many times. */
	times?: number;
	/** Hit only every Nth matching request (the Nth, 2Nth, ...). */
	everyNth?: number;
	/** For 'latency': extra delay before the handler runs. */
	latencyMs?: number;
	/** For 'rateLimit': matching requests allowed per window; the rest get 429 until the window frees a slot. */
	limit?: number;
	/** For 'rateLimit': window length in emulator-clock seconds (default 30). */
	windowSeconds?: number;
	/** Graph error code/message override for 'status', 'throttle' and 'rateLimit'. */
	code?: string;
	message?: string;
	/** Apply to $batch sub-requests (default true) and/or top-level requests (default true). */
	subRequests?: boolean;
	topLevel?: boolean;
}

export interface ActiveFault extends FaultSpec {
	id: string;
	hits: number;
	matched: number;
	/** For 'rateLimit' hits: seconds until the window has room again (the Retry-After). */
	retryAfterNow?: number;
}

export interface FaultMatchInput {
	host: 'graph' | 'login';
	method: string;
	/** Version-less path for Graph (`/users/x`), raw path for login. */
	path: string;
	/** Raw path as requested. */
	rawPath: string;
	inBatch: boolean;
}

export interface Faults {
	add(spec: FaultSpec): string;
	remove(id: string): boolean;
	clear(): void;
	list(): ActiveFault[];
	/** Re-seeds the PRNG used for `probability`. */
	seed(seed: number): void;
	/** Faults that hit this request (each hit counted). */
	match(input: FaultMatchInput): ActiveFault[];
	/** For a 'hold' hit: resolves when the test releases the fault's held requests (or clears the faults). */
	hold(id: string): Promise<void>;
	/** Requests held now, per fault id. */
	held(): Record<string, number>;
	/** Lets the held requests of one fault (or of all) go on; returns how many. */
	release(id?: string): number;
}

/** Glob to RegExp: `*` one segment, `**` any number of segments. */
export function globToRegExp(glob: string): RegExp {
	const escaped = glob
		.split('**')
		.map((part) => part.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*'))
		.join('.*');
	return new RegExp(`^${escaped}/?$`, 'i');
}

/** mulberry32: tiny, deterministic. */
function prng(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** `nowMs` is the emulator clock (rate-limit windows follow it). */
export function createFaults(seed = 1, nowMs: () => number = Date.now): Faults {
	let faults: Array<ActiveFault & { pattern?: RegExp; admitted?: number[] }> = [];
	let random = prng(seed);
	let counter = 0;
	const waiting = new Map<string, Array<() => void>>();
	const release = (id?: string): number => {
		let released = 0;
		for (const [faultId, resolvers] of [...waiting]) {
			if (id !== undefined && faultId !== id) continue;
			waiting.delete(faultId);
			for (const resolve of resolvers) resolve();
			released += resolvers.length;
		}
		return released;
	};

	return {
		add(spec) {
			const id = `fault-${++counter}`;
			const pattern = spec.path === undefined ? undefined : spec.path instanceof RegExp ? spec.path : globToRegExp(spec.path);
			faults.push({ ...spec, id, hits: 0, matched: 0, pattern });
			return id;
		},
		remove(id) {
			const before = faults.length;
			faults = faults.filter((f) => f.id !== id);
			release(id);
			return faults.length < before;
		},
		clear() {
			faults = [];
			release();
		},
		hold(id) {
			return new Promise<void>((resolve) => {
				const resolvers = waiting.get(id) ?? [];
				resolvers.push(resolve);
				waiting.set(id, resolvers);
			});
		},
		held() {
			return Object.fromEntries([...waiting].map(([id, resolvers]) => [id, resolvers.length]));
		},
		release,
		list() {
			return faults.map(({ pattern: _pattern, admitted: _admitted, ...fault }) => ({ ...fault, path: fault.path instanceof RegExp ? fault.path.toString() : fault.path }) as ActiveFault);
		},
		seed(value) {
			random = prng(value);
		},
		match(input) {
			const hits: ActiveFault[] = [];
			for (const fault of faults) {
				const host = fault.host ?? 'graph';
				if (host !== 'any' && host !== input.host) continue;
				if (fault.method && fault.method.toUpperCase() !== input.method.toUpperCase()) continue;
				if (input.inBatch ? fault.subRequests === false : fault.topLevel === false) continue;
				if (fault.pattern && !fault.pattern.test(input.path) && !fault.pattern.test(input.rawPath)) continue;
				fault.matched++;
				if (fault.kind === 'rateLimit') {
					// Sliding window: admitted requests pass; beyond the limit, 429 until the oldest leaves the window.
					const windowMs = (fault.windowSeconds ?? 30) * 1000;
					const now = nowMs();
					fault.admitted = (fault.admitted ?? []).filter((t) => t > now - windowMs);
					if (fault.admitted.length < (fault.limit ?? 1)) {
						fault.admitted.push(now);
						continue;
					}
					fault.hits++;
					hits.push({ ...fault, retryAfterNow: Math.max(1, Math.ceil((fault.admitted[0] + windowMs - now) / 1000)) });
					continue;
				}
				if (fault.everyNth && fault.matched % fault.everyNth !== 0) continue;
				if (fault.probability !== undefined && random() >= fault.probability) continue;
				fault.hits++;
				hits.push(fault);
			}
			faults = faults.filter((f) => f.times === undefined || f.hits < f.times);
			return hits;
		},
	};
}
