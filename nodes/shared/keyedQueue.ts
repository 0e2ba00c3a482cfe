/**
 * Runs tasks at once across keys and one after another within a key, in the order they were queued, with at most
 * `limit` tasks running at a time. The router uses it so a node posting to many conversations posts to them at once
 * while the messages of each conversation keep their input order.
 */
export class KeyedQueue {
	private readonly tails = new Map<string, Promise<void>>();
	private readonly pending = new Set<Promise<void>>();
	private readonly waiting: Array<() => void> = [];
	private running = 0;

	constructor(private readonly limit: number) {
		if (!(limit >= 1)) throw new Error(`KeyedQueue: limit must be at least 1, got ${limit}`);
	}

	/** Queues `task` behind every task queued earlier under `key`. `task` must not throw (it reports its own failure). */
	add(key: string, task: () => Promise<void>): void {
		const previous = this.tails.get(key) ?? Promise.resolve();
		const next = previous.then(async () => {
			await this.slot();
			try {
				await task();
			} finally {
				this.release();
			}
		});
		const settled = next.catch(() => undefined);
		this.tails.set(key, settled);
		this.pending.add(settled);
		void settled.then(() => {
			this.pending.delete(settled);
			if (this.tails.get(key) === settled) this.tails.delete(key);
		});
	}

	/** Resolves when every task queued so far (and any queued while waiting) has ended. */
	async idle(): Promise<void> {
		while (this.pending.size > 0) await Promise.all([...this.pending]);
	}

	private async slot(): Promise<void> {
		if (this.running < this.limit) {
			this.running++;
			return;
		}
		// The slot is handed over by release(), so `running` stays counted.
		await new Promise<void>((resolve) => this.waiting.push(resolve));
	}

	private release(): void {
		const next = this.waiting.shift();
		if (next) next();
		else this.running--;
	}
}

/**
 * Graph reads one poll keeps in flight at most (a trigger's targets, or $batch calls of 20 folders). Microsoft's
 * limits are keyed per mailbox, team, channel or tenant and held by the transport's limiter
 * (nodes/shared/transport/limiter.ts) whatever this allows; this only bounds the sockets and pending answers of one
 * poll of thousands of targets. Our choice, not Microsoft's.
 */
export const POLL_READS_IN_FLIGHT = 50;

/**
 * Runs `task` for every item through a {@link KeyedQueue}: items of different keys at once, items of one key one
 * after another in their order, at most `limit` at a time. The results come back in the items' order, whichever
 * task ended first. After a task fails no further task starts; the ones running end, then the first failure is
 * thrown (so nothing of the failed run is still at work when the caller handles it).
 */
export async function mapKeyed<T, R>(
	items: readonly T[],
	keyOf: (item: T, index: number) => string,
	limit: number,
	task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
	const queue = new KeyedQueue(limit);
	const results = new Array<R>(items.length);
	let failed: { error: unknown } | undefined;
	items.forEach((item, index) =>
		queue.add(keyOf(item, index), async () => {
			if (failed) return;
			try {
				results[index] = await task(item, index);
			} catch (error) {
				failed ??= { error };
			}
		}),
	);
	await queue.idle();
	if (failed) throw failed.error;
	return results;
}
