/**
 * OData string literals, the one place a value from a user or another system is put into a `$filter` (or a
 * subscription's `resource` filter). Microsoft's rules (https://learn.microsoft.com/graph/query-parameters,
 * "Escaping single quotes" and "Encoding query parameters"):
 * - a string literal is the text in single quotes, each `'` inside it doubled (`'let''s meet for lunch?'`);
 * - query parameter values are percent-encoded as RFC 3986 asks. That is NOT done here: it happens once, where the
 *   URL is built (the transport's `graphQueryString` for `qs`, `encodeURIComponent` on a `$batch` sub-request's
 *   `$filter`), which encodes `%`, `#`, `&`, `+` and spaces. Encoding here as well would send `%25...` and Graph
 *   would compare against the encoded text.
 */

/** `O'Brien` → `'O''Brien'`. */
export function odataString(value: string): string {
	return `'${value.replace(/'/g, "''")}'`;
}

/** `property in ('a','b')`: each value an OData string literal. */
export function odataIn(property: string, values: readonly string[]): string {
	return `${property} in (${values.map(odataString).join(',')})`;
}
