import { GraphError } from '../../emulator/graph/errors';
import { buildLink, collectionResponse, pageItems, selectProperties } from '../../emulator/odata/query';

const ctx = (qs: string) => ({ baseUrl: 'https://127.0.0.1:1/v1.0', requestPath: '/users', query: new URLSearchParams(qs) });

describe('paging', () => {
	const items = Array.from({ length: 25 }, (_, i) => i);

	it('pages with $top and an absolute nextLink that keeps the other options', () => {
		const first = pageItems(ctx('$top=10&$select=id'), items, { defaultTop: 100, maxTop: 999 });
		expect(first.value).toEqual(items.slice(0, 10));
		expect(first.nextLink).toMatch(/^https:\/\/127\.0\.0\.1:1\/v1\.0\/users\?\$top=10&\$select=id&\$skiptoken=/);
		const next = new URL(first.nextLink as string);
		const second = pageItems({ ...ctx(''), query: next.searchParams }, items, { defaultTop: 100, maxTop: 999 });
		expect(second.value).toEqual(items.slice(10, 20));
		const third = pageItems({ ...ctx(''), query: new URL(second.nextLink as string).searchParams }, items, { defaultTop: 100, maxTop: 999 });
		expect(third.value).toEqual(items.slice(20));
		expect(third.nextLink).toBeUndefined();
	});

	it('uses the default page size and refuses $top beyond the maximum', () => {
		expect(pageItems(ctx(''), items, { defaultTop: 20, maxTop: 50 }).value).toHaveLength(20);
		expect(() => pageItems(ctx('$top=1000'), items, { defaultTop: 100, maxTop: 999 })).toThrow(GraphError);
		expect(() => pageItems(ctx('$top=0'), items, { defaultTop: 100, maxTop: 999 })).toThrow("Invalid page size specified: '0'. Must be between 1 and 999 inclusive.");
	});

	it('refuses a forged skiptoken', () => {
		expect(() => pageItems(ctx('$skiptoken=garbage'), items, { defaultTop: 10, maxTop: 999 })).toThrow(GraphError);
	});

	it('honours a forced page size (Prefer: odata.maxpagesize)', () => {
		expect(pageItems(ctx('$top=3'), items, { defaultTop: 10, maxTop: 999, maxPageSize: 7 }).value).toHaveLength(7);
	});

	it('builds collection responses with context, count and nextLink', () => {
		const page = pageItems(ctx('$top=5&$select=id,mail'), items, { defaultTop: 100, maxTop: 999 });
		const body = collectionResponse(ctx('$top=5&$select=id,mail'), 'users', page, { count: true });
		expect(body['@odata.context']).toBe('https://127.0.0.1:1/v1.0/$metadata#users(id,mail)');
		expect(body['@odata.count']).toBe(25);
		expect(body['@odata.nextLink']).toBeDefined();
	});

	it('builds delta-style links replacing options', () => {
		expect(buildLink(ctx('$select=id&$skiptoken=x'), { $deltatoken: 'abc' }, ['$skiptoken'])).toBe('https://127.0.0.1:1/v1.0/users?$select=id&$deltatoken=abc');
	});
});

describe('$select', () => {
	const user = { '@odata.type': '#microsoft.graph.user', id: '1', displayName: 'A', mail: 'a@b.c', userType: 'Guest' };

	it('keeps only selected properties (case-insensitive) and annotations', () => {
		expect(selectProperties(user, new URLSearchParams('$select=MAIL,userType'))).toEqual({ '@odata.type': '#microsoft.graph.user', mail: 'a@b.c', userType: 'Guest' });
	});

	it('returns defaults without $select and null for selected properties the entity lacks', () => {
		expect(selectProperties(user, new URLSearchParams(''), ['id', 'displayName'])).toEqual({ '@odata.type': '#microsoft.graph.user', id: '1', displayName: 'A' });
		expect(selectProperties(user, new URLSearchParams('$select=jobTitle'))).toEqual({ '@odata.type': '#microsoft.graph.user', jobTitle: null });
	});
});
