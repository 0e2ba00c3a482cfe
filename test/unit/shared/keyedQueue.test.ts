import { KeyedQueue, mapKeyed } from '../../../nodes/shared/keyedQueue';

/** A task that runs until the test ends it. */
function gate() {
	let open!: () => void;
	const opened = new Promise<void>((resolve) => (open = resolve));
	return { open, opened };
}

async function settle(): Promise<void> {
	for (let i = 0; i < 20; i++) await Promise.resolve();
}

describe('KeyedQueue', () => {
	it('runs different keys at once, the tasks of one key one after another in queued order, at most `limit` at a time', async () => {
		const queue = new KeyedQueue(2);
		const started: string[] = [];
		const gates = new Map<string, ReturnType<typeof gate>>();
		for (const name of ['a1', 'b1', 'a2', 'c1', 'b2']) {
			const g = gate();
			gates.set(name, g);
			queue.add(name[0], async () => {
				started.push(name);
				await g.opened;
			});
		}
		await settle();
		expect(started).toEqual(['a1', 'b1']);
		gates.get('a1')!.open();
		await settle();
		// a2 waited for a1; c1 waited for a slot (handed over in the order slots were asked for).
		expect(started).toEqual(['a1', 'b1', 'c1']);
		gates.get('b1')!.open();
		await settle();
		expect(started).toEqual(['a1', 'b1', 'c1', 'a2']);
		for (const g of gates.values()) g.open();
		await queue.idle();
		expect(started).toEqual(['a1', 'b1', 'c1', 'a2', 'b2']);
	});

	it('goes on with a key after one of its tasks failed', async () => {
		const queue = new KeyedQueue(1);
		const ran: number[] = [];
		queue.add('k', async () => {
			ran.push(1);
			throw new Error('boom');
		});
		queue.add('k', async () => {
			ran.push(2);
		});
		await queue.idle();
		expect(ran).toEqual([1, 2]);
	});
});

describe('mapKeyed', () => {
	it('returns the results in the items\' order whichever task ends first, one key\'s items one after another', async () => {
		const gates = [gate(), gate(), gate()];
		const started: number[] = [];
		const run = mapKeyed(['a', 'b', 'a'], (key) => key, 5, async (key, index) => {
			started.push(index);
			await gates[index].opened;
			return `${key}${index}`;
		});
		await settle();
		// Item 2 shares item 0's key: it waits for it.
		expect(started).toEqual([0, 1]);
		gates[1].open();
		await settle();
		gates[0].open();
		await settle();
		expect(started).toEqual([0, 1, 2]);
		gates[2].open();
		await expect(run).resolves.toEqual(['a0', 'b1', 'a2']);
	});

	it('starts nothing after a failure and throws it only once the running tasks ended', async () => {
		const slow = gate();
		const ran: number[] = [];
		let slowEnded = false;
		let settled = false;
		const run = mapKeyed([0, 1, 2], (item) => String(item), 2, async (item) => {
			ran.push(item);
			if (item === 0) {
				await slow.opened;
				slowEnded = true;
				return item;
			}
			throw new Error(`failed ${item}`);
		});
		void run.catch(() => undefined).finally(() => (settled = true));
		await settle();
		// Item 1 failed; item 2 (queued behind the limit) does not start; item 0 is still running.
		expect(ran).toEqual([0, 1]);
		expect(settled).toBe(false);
		slow.open();
		await expect(run).rejects.toThrow('failed 1');
		expect(slowEnded).toBe(true);
		expect(ran).toEqual([0, 1]);
	});
});
