import { odataIn, odataString } from '../../../nodes/shared/odata';
import { graphQueryString } from '../../../nodes/shared/transport/url';

// Graph's filter parser is the emulator's (it follows OData's ABNF for string literals: '' is one quote).
import { parseFilter } from '../../emulator/odata/filter';

const NASTY = "O'Brien & Sons #1 +10% ''";

describe('OData string literals', () => {
	it('wraps in single quotes and doubles every quote inside', () => {
		expect(odataString('plain')).toBe("'plain'");
		expect(odataString("O'Brien")).toBe("'O''Brien'");
		expect(odataString("''")).toBe("''''''");
		expect(odataString("'")).toBe("''''");
		expect(odataString('')).toBe("''");
	});

	it('leaves %, #, &, + and spaces to the one URL encoding (no double encoding)', () => {
		expect(odataString('a%20b #1 & c+d')).toBe("'a%20b #1 & c+d'");
	});

	it('builds in lists', () => {
		expect(odataIn('mail', ["a'b@x.example", 'c@x.example'])).toBe("mail in ('a''b@x.example','c@x.example')");
	});

	it('reads back as the same text after the query string is encoded and decoded as a server does', () => {
		const filter = `displayName eq ${odataString(NASTY)}`;
		const sent = graphQueryString({ $filter: filter });
		const received = new URLSearchParams(sent.slice(1)).get('$filter');
		expect(received).toBe(filter);
		expect(parseFilter(received ?? '')).toEqual({
			kind: 'compare',
			op: 'eq',
			left: { kind: 'path', segments: ['displayName'] },
			right: { kind: 'literal', value: NASTY },
		});
	});
});
