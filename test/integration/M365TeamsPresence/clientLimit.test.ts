// Graph allows 1,500 presence requests per 30 seconds per app and tenant (throttling-limits, Cloud communication
// service limits). The transport's client-side limiter holds every presence call, and each presence sub-request
// of a $batch, to that window, so a large sync runs at the limit instead of collecting 429s.
import { limitsOf, limitsOfBatch } from '../../../nodes/shared/transport/limiter';

const presence = (method: string, url: string) => limitsOf(method, url).rates.filter((rule) => rule.key === 'presence');

describe('client-side presence limit', () => {
	it('counts every presence call against 1,500 per 30 s', () => {
		for (const [method, url] of [
			['GET', '/users/U/presence'],
			['GET', '/me/presence'],
			['GET', '/communications/presences/U'],
			['POST', '/communications/getPresencesByUserId'],
			['POST', '/users/U/presence/setPresence'],
			['POST', 'https://graph.microsoft.com/v1.0/users/U/presence/clearPresence'],
			['POST', '/users/U/presence/setUserPreferredPresence'],
			['POST', '/users/U/presence/clearUserPreferredPresence'],
		]) {
			expect(presence(method, url)).toEqual([{ key: 'presence', limit: 1500, windowMs: 30_000, count: 1 }]);
		}
		expect(presence('GET', '/users/U')).toEqual([]);
		expect(presence('GET', '/users?$filter=presence')).toEqual([]);
	});

	it('takes one slot per presence sub-request of a $batch', () => {
		const writes = Array.from({ length: 20 }, (_, i) => ({ method: 'POST', url: `/users/u${i}/presence/setPresence` }));
		expect(limitsOfBatch(writes).rates).toEqual([{ key: 'presence', limit: 1500, windowMs: 30_000, count: 20 }]);
	});
});
