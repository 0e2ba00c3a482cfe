import type { IExecuteFunctions } from 'n8n-workflow';

import { itemParameter } from '../../../nodes/shared/itemParameters';

/** A context whose getNodeParameter counts its calls and "evaluates" '=...' as the item's index. */
function context(parameters: Record<string, unknown>) {
	const calls: string[] = [];
	const ctx = {
		getNode: () => ({ parameters }),
		getNodeParameter: (name: string, itemIndex: number, fallback?: unknown) => {
			calls.push(name);
			const value = name.split('.').reduce<unknown>((v, part) => (v as Record<string, unknown> | undefined)?.[part], parameters);
			if (value === undefined) return fallback;
			return typeof value === 'string' && value.startsWith('=') ? `${value.slice(1)}#${itemIndex}` : value;
		},
	} as unknown as IExecuteFunctions;
	return { ctx, calls };
}

describe('itemParameter', () => {
	it('reads a parameter without an expression once per execution', () => {
		const { ctx, calls } = context({ email: 'a@b.c', options: { statusChangedAt: '2026-01-01' } });
		expect([0, 1, 2].map((i) => itemParameter(ctx, 'email', '')(i))).toEqual(['a@b.c', 'a@b.c', 'a@b.c']);
		expect([0, 1, 2].map((i) => itemParameter(ctx, 'options.statusChangedAt', '')(i))).toEqual(Array(3).fill('2026-01-01'));
		expect(calls).toEqual(['email', 'options.statusChangedAt']);
	});

	it('evaluates an expression, one nested in a collection, and a parameter left at its default per item', () => {
		const { ctx, calls } = context({ email: '=mail', attributes: { jobTitle: '=title' } });
		expect([0, 1].map((i) => itemParameter(ctx, 'email', '')(i))).toEqual(['mail#0', 'mail#1']);
		[0, 1].forEach((i) => itemParameter(ctx, 'attributes', {})(i));
		[0, 1].forEach((i) => itemParameter(ctx, 'displayName', '')(i));
		expect(calls).toEqual(['email', 'email', 'attributes', 'attributes', 'displayName', 'displayName']);
	});

	it('starts afresh for each execution context', () => {
		const first = context({ email: 'a@b.c' });
		const second = context({ email: 'x@y.z' });
		expect(itemParameter(first.ctx, 'email', '')(0)).toBe('a@b.c');
		expect(itemParameter(second.ctx, 'email', '')(0)).toBe('x@y.z');
	});
});
