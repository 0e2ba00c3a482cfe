// The emulator's notion of "now". Tokens, refresh-token expiry, delta tokens, subscriptions and presence sessions all
// read this clock, so tests move time forward instead of waiting. It follows real time plus an offset, unless frozen.

export interface Clock {
	/** Current emulator time. */
	now(): Date;
	/** Current emulator time in epoch milliseconds. */
	nowMs(): number;
	/** Current emulator time in epoch seconds (what JWT iat/nbf/exp use). */
	nowSeconds(): number;
	/** Moves time forward (or backward with a negative number). */
	advance(seconds: number): void;
	/** Jumps to an absolute time. */
	set(iso: string): void;
	/** Stops time (at the current instant, or at `iso`) until unfreeze(). */
	freeze(iso?: string): void;
	unfreeze(): void;
	/** Listeners run after every advance/set (subscriptions use it to expire and send lifecycle notifications). */
	onChange(listener: (now: Date) => void): () => void;
}

export function createClock(start?: string): Clock {
	let offsetMs = start ? Date.parse(start) - Date.now() : 0;
	let frozenAtMs: number | undefined;
	const listeners = new Set<(now: Date) => void>();

	const nowMs = () => (frozenAtMs !== undefined ? frozenAtMs : Date.now() + offsetMs);
	const notify = () => {
		const now = new Date(nowMs());
		for (const listener of listeners) listener(now);
	};
	const parse = (iso: string) => {
		const ms = Date.parse(iso);
		if (Number.isNaN(ms)) throw new Error(`clock: not a date: ${iso}`);
		return ms;
	};

	return {
		now: () => new Date(nowMs()),
		nowMs,
		nowSeconds: () => Math.floor(nowMs() / 1000),
		advance(seconds) {
			if (frozenAtMs !== undefined) frozenAtMs += seconds * 1000;
			else offsetMs += seconds * 1000;
			notify();
		},
		set(iso) {
			const target = parse(iso);
			if (frozenAtMs !== undefined) frozenAtMs = target;
			else offsetMs = target - Date.now();
			notify();
		},
		freeze(iso) {
			frozenAtMs = iso ? parse(iso) : nowMs();
		},
		unfreeze() {
			if (frozenAtMs === undefined) return;
			offsetMs = frozenAtMs - Date.now();
			frozenAtMs = undefined;
		},
		onChange(listener) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
	};
}
