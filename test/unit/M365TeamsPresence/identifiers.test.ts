import { chunk } from '../../../nodes/shared/chunk';
import { classifyIdentifier, splitIdentifiers } from '../../../nodes/M365TeamsPresence/helpers/identifiers';
import { IN_CLAUSE_LIMIT, lookupUrls } from '../../../nodes/M365TeamsPresence/helpers/userDirectory';
import { listUsersRequest } from '../../../nodes/M365TeamsPresence/actions/presence/getAll.operation';

describe('user identifiers', () => {
	it('splits lists given as text, arrays or resource locator values', () => {
		expect(splitIdentifiers('a@x.com, b@x.com;c@x.com\nd@x.com')).toEqual(['a@x.com', 'b@x.com', 'c@x.com', 'd@x.com']);
		expect(splitIdentifiers(['a@x.com', ' ', { value: 'b@x.com' }])).toEqual(['a@x.com', 'b@x.com']);
		expect(splitIdentifiers(undefined)).toEqual([]);
	});

	it('tells object ids from addresses and rejects anything else', () => {
		expect(classifyIdentifier(' 7E2F1174-E8EE-4859-B8B1-A8D1CC63D276 ')).toEqual({ kind: 'id', value: '7e2f1174-e8ee-4859-b8b1-a8d1cc63d276' });
		expect(classifyIdentifier('jane@contoso.com')).toEqual({ kind: 'address', value: 'jane@contoso.com' });
		expect(classifyIdentifier('Jane Doe').kind).toBe('invalid');
	});

	it('chunks 5,000 ids into 8 presence calls of at most 650', () => {
		const chunks = chunk(Array.from({ length: 5000 }, (_, i) => i), 650);
		expect(chunks).toHaveLength(8);
		expect(chunks.every((c) => c.length <= 650)).toBe(true);
	});
});

describe('directory lookups', () => {
	it('puts at most 15 addresses in one in-clause, quotes doubled', () => {
		const addresses = Array.from({ length: 31 }, (_, i) => `user${i}@contoso.com`);
		addresses[0] = "o'brien@contoso.com";
		const urls = lookupUrls('userPrincipalName', addresses);
		expect(urls).toHaveLength(3);
		const filter = decodeURIComponent(new URL(`https://graph${urls[0]}`).searchParams.get('$filter') ?? '');
		expect(filter.startsWith("userPrincipalName in ('o''brien@contoso.com','user1@contoso.com'")).toBe(true);
		expect(filter.split(',')).toHaveLength(IN_CLAUSE_LIMIT);
	});

	it('lists licensed Teams users with an advanced query on assignedPlans', () => {
		expect(listUsersRequest(true, 999)).toEqual({
			qs: {
				$select: 'id,displayName,userPrincipalName,mail,jobTitle,department,businessPhones,mobilePhone',
				$top: '999',
				$filter: "assignedPlans/any(x:x/servicePlanId eq 57ff2da0-773e-42df-b2af-ffb7a2317929 and x/capabilityStatus eq 'Enabled')",
				$count: 'true',
			},
			headers: { ConsistencyLevel: 'eventual' },
		});
		expect(listUsersRequest(false, 50).headers).toBeUndefined();
	});
});
