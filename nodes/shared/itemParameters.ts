/**
 * Per-item parameters that are not expressions, read once per execution.
 *
 * n8n resolves a parameter on every `getNodeParameter(name, itemIndex)` call, expression or not; in a 50,000-item
 * guest sync that resolution was 22% of the CPU. A parameter whose stored value holds no expression (no string
 * starting with "=" anywhere in it) has the same value for every item, so it is read once (with n8n's own
 * resolution, for item 0) and reused; an expression, or a parameter left at its default (which may be one), is
 * still read per item.
 */
import type { IExecuteFunctions, NodeParameterValueType } from 'n8n-workflow';

type Reader = (itemIndex: number) => unknown;

const readers = new WeakMap<IExecuteFunctions, Map<string, Reader>>();

function storedValue(parameters: unknown, name: string): { found: boolean; value?: unknown } {
	let current: unknown = parameters;
	for (const part of name.split('.')) {
		if (current === null || typeof current !== 'object' || !(part in (current as Record<string, unknown>))) return { found: false };
		current = (current as Record<string, unknown>)[part];
	}
	return { found: true, value: current };
}

function holdsExpression(value: unknown): boolean {
	if (typeof value === 'string') return value.startsWith('=');
	if (Array.isArray(value)) return value.some(holdsExpression);
	if (value !== null && typeof value === 'object') return Object.values(value).some(holdsExpression);
	return false;
}

/**
 * `getNodeParameter(name, itemIndex, fallback)`, evaluated once per execution when the parameter holds no
 * expression. Call as `itemParameter(this, 'email', '')(itemIndex)` or keep the reader for a loop.
 */
export function itemParameter<T = unknown>(ctx: IExecuteFunctions, name: string, fallback?: T): (itemIndex: number) => T {
	let perContext = readers.get(ctx);
	if (!perContext) readers.set(ctx, (perContext = new Map()));
	const key = `${name}\u0000${JSON.stringify(fallback ?? null)}`;
	let reader = perContext.get(key);
	if (!reader) {
		const stored = storedValue(ctx.getNode().parameters, name);
		const read = (itemIndex: number) => (fallback === undefined ? ctx.getNodeParameter(name, itemIndex) : ctx.getNodeParameter(name, itemIndex, fallback as NodeParameterValueType));
		if (!stored.found || holdsExpression(stored.value)) {
			reader = read;
		} else {
			let once: { value: unknown } | undefined;
			reader = (itemIndex) => (once ??= { value: read(itemIndex) }).value;
		}
		perContext.set(key, reader);
	}
	return reader as (itemIndex: number) => T;
}
