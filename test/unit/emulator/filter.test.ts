import { applyFilter, filterProperties, FilterSyntaxError, parseFilter } from '../../emulator/odata/filter';

const users = [
	{ id: '11111111-1111-4111-a111-111111111111', displayName: 'Adele Vance', mail: 'AdeleV@contoso.com', userType: 'Member', otherMails: [], accountEnabled: true, createdDateTime: '2024-03-01T09:00:00Z', assignedLicenses: [{ skuId: '05e9a617-0261-4cee-bb44-138d3ef5d965' }] },
	{ id: '22222222-2222-4222-a222-222222222222', displayName: 'Jordan Miller', mail: 'jordan.miller@fabrikam.com', userType: 'Guest', otherMails: ['jm@fabrikam.com'], accountEnabled: true, createdDateTime: '2025-02-10T12:00:00Z', assignedLicenses: [] },
	{ id: '33333333-3333-4333-a333-333333333333', displayName: "Pat O'Brien", mail: null, userType: 'Member', otherMails: [], accountEnabled: false, createdDateTime: '2026-01-01T00:00:00Z', assignedLicenses: [] },
];
const names = (filter: string) => applyFilter(users, filter).map((u) => u.displayName);

describe('OData $filter evaluator', () => {
	it('compares strings case-insensitively with eq and ne', () => {
		expect(names("mail eq 'adelev@CONTOSO.com'")).toEqual(['Adele Vance']);
		expect(names("userType ne 'Guest'")).toEqual(['Adele Vance', "Pat O'Brien"]);
	});

	it('combines with and/or/not and parentheses', () => {
		expect(names("userType eq 'Guest' and mail eq 'jordan.miller@fabrikam.com'")).toEqual(['Jordan Miller']);
		expect(names("(userType eq 'Guest' or accountEnabled eq false) and not startswith(displayName,'Jordan')")).toEqual(["Pat O'Brien"]);
	});

	it('reads doubled quotes inside string literals', () => {
		expect(names("displayName eq 'Pat O''Brien'")).toEqual(["Pat O'Brien"]);
	});

	it('evaluates in (...) with unquoted GUIDs and quoted strings', () => {
		expect(names("id in ('11111111-1111-4111-a111-111111111111', '33333333-3333-4333-a333-333333333333')")).toEqual(['Adele Vance', "Pat O'Brien"]);
	});

	it('evaluates any() lambdas over primitive and object collections', () => {
		expect(names("otherMails/any(x:x eq 'JM@fabrikam.com')")).toEqual(['Jordan Miller']);
		expect(names('assignedLicenses/any(l:l/skuId eq 05e9a617-0261-4cee-bb44-138d3ef5d965)')).toEqual(['Adele Vance']);
		expect(names('assignedLicenses/any()')).toEqual(['Adele Vance']);
	});

	it('compares null, booleans and unquoted dates', () => {
		expect(names('mail eq null')).toEqual(["Pat O'Brien"]);
		expect(names('accountEnabled eq true')).toEqual(['Adele Vance', 'Jordan Miller']);
		expect(names('createdDateTime ge 2025-01-01T00:00:00Z and createdDateTime le 2025-12-31T23:59:59Z')).toEqual(['Jordan Miller']);
	});

	it('supports startswith, endswith and contains', () => {
		expect(names("startswith(displayName,'ad')")).toEqual(['Adele Vance']);
		expect(names("endswith(mail,'@fabrikam.com')")).toEqual(['Jordan Miller']);
		expect(names("contains(displayName,'brie')")).toEqual(["Pat O'Brien"]);
	});

	it('ignores type casts in paths', () => {
		const members = [{ userId: 'a' }, { userId: 'b' }];
		expect(applyFilter(members, "(microsoft.graph.aadUserConversationMember/userId eq 'b')")).toEqual([{ userId: 'b' }]);
	});

	it('rejects malformed filters', () => {
		expect(() => parseFilter("mail eq 'unterminated")).toThrow(FilterSyntaxError);
		expect(() => parseFilter('mail eq')).toThrow(FilterSyntaxError);
		expect(() => parseFilter("mail eq 'a' extra")).toThrow(FilterSyntaxError);
	});

	it('lists the properties a filter reads, not lambda variables', () => {
		expect(filterProperties(parseFilter("userType eq 'Guest' and otherMails/any(x:x eq 'a')"))).toEqual(['userType', 'otherMails']);
	});
});
