/**
 * Facts that hold for a whole node run (who the integration account is, a team's name and members) are asked
 * of Graph once per run, not once per item: memoised per execution context.
 */
const memos = new WeakMap<object, Map<string, Promise<unknown>>>();

export async function memoized<T>(context: object, key: string, compute: () => Promise<T>): Promise<T> {
	let perContext = memos.get(context);
	if (!perContext) {
		perContext = new Map();
		memos.set(context, perContext);
	}
	let pending = perContext.get(key) as Promise<T> | undefined;
	if (!pending) {
		pending = compute();
		perContext.set(key, pending);
		// A failure is not remembered: the next item asks again.
		pending.catch(() => perContext.delete(key));
	}
	return await pending;
}
