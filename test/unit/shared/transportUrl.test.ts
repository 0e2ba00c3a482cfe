import { chunkForBatch } from '../../../nodes/shared/transport/batch';
import { graphQueryString, graphUrl } from '../../../nodes/shared/transport/url';

describe('Graph URLs', () => {
	it('keeps $ in OData keys and encodes values with %20', () => {
		expect(graphQueryString({ $filter: "mail eq 'a+b@x.com'", $top: 5, empty: '' })).toBe("?$filter=mail%20eq%20'a%2Bb%40x.com'&$top=5");
	});

	it('builds version-rooted URLs', () => {
		expect(graphUrl('graph.microsoft.us', '/users', 'beta', { $select: 'id' })).toBe('https://graph.microsoft.us/beta/users?$select=id');
		expect(graphUrl('127.0.0.1:9', 'me')).toBe('https://127.0.0.1:9/v1.0/me');
	});

	it('follows absolute links only on the same Graph host, over https', () => {
		const link = 'https://graph.microsoft.com/v1.0/users?$skiptoken=abc';
		expect(graphUrl('graph.microsoft.com', link)).toBe(link);
		expect(() => graphUrl('graph.microsoft.com', 'https://attacker.example/v1.0/users')).toThrow(/Refusing to send Microsoft 365 credentials/);
		expect(() => graphUrl('graph.microsoft.com', 'http://graph.microsoft.com/v1.0/users')).toThrow(/Refusing/);
	});
});

describe('batch chunking', () => {
	const item = (id: string, dependsOn?: string[]) => ({ id, method: 'GET' as const, url: `/users/${id}`, dependsOn });

	it('fills batches of 20 in order', () => {
		const chunks = chunkForBatch(Array.from({ length: 45 }, (_, i) => item(String(i))));
		expect(chunks.map((c) => c.length)).toEqual([20, 20, 5]);
		expect(chunks[1][0].id).toBe('20');
	});

	it('keeps dependent requests with the request they depend on', () => {
		const items = Array.from({ length: 20 }, (_, i) => item(String(i)));
		items.push(item('21'));
		items.push(item('dep', ['0']));
		const chunks = chunkForBatch(items.slice(0, 19).concat([item('dep', ['0'])], items.slice(19, 21)));
		expect(chunks[0].map((c) => c.id)).toContain('dep');
		expect(chunks.every((c) => c.length <= 20)).toBe(true);
	});

	it('puts no more sub-requests on one chat, channel or team in a batch than its limit allows (1, 1, 4 per second; Graph counts each)', () => {
		const on = (id: string, url: string, method: 'GET' | 'POST' = 'GET') => ({ id, method, url });
		const items = [
			on('a1', '/chats/A/messages/1'),
			on('a2', '/chats/A/messages/2'),
			on('a3', '/me/chats/A/messages'),
			on('b1', '/chats/B/messages', 'POST'),
			on('b2', '/chats/B/messages/9'),
			...Array.from({ length: 5 }, (_, i) => on(`u${i}`, `/users/u${i}`)),
			...Array.from({ length: 6 }, (_, i) => on(`t${i}`, `/teams/T/channels/C${i}/messages/1`)),
		];
		const chunks = chunkForBatch(items).map((chunk) => chunk.map((entry) => entry.id));
		expect(chunks).toEqual([
			['a1', 'b1', 'u0', 'u1', 'u2', 'u3', 'u4', 't0', 't1', 't2', 't3'],
			['a2', 'b2', 't4', 't5'],
			['a3'],
		]);
	});
});
