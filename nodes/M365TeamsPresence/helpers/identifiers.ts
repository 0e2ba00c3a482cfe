// Users as a workflow names them: object ids, user principal names or email addresses, one or many per item.
// Pure: splitting, classifying and chunking, so the bulk Graph calls can be planned and tested without I/O.

import { ADDRESS, GUID } from '../../shared/identifiers';

export type UserIdentifier = { kind: 'id'; value: string } | { kind: 'address'; value: string } | { kind: 'invalid'; value: string };

export function classifyIdentifier(raw: string): UserIdentifier {
	const value = raw.trim();
	if (GUID.test(value)) return { kind: 'id', value: value.toLowerCase() };
	if (ADDRESS.test(value)) return { kind: 'address', value };
	return { kind: 'invalid', value };
}

/** A parameter holding one identifier, a comma/semicolon/newline separated list, or an array (from an expression). */
export function splitIdentifiers(value: unknown): string[] {
	const parts: string[] = [];
	const add = (entry: unknown) => {
		if (typeof entry === 'string') parts.push(...entry.split(/[,;\n\r]+/));
		else if (typeof entry === 'object' && entry !== null && 'value' in entry) add((entry as { value: unknown }).value);
		else if (entry !== undefined && entry !== null) parts.push(String(entry));
	};
	if (Array.isArray(value)) value.forEach(add);
	else add(value);
	return parts.map((part) => part.trim()).filter((part) => part !== '');
}

export function isGuid(value: string): boolean {
	return GUID.test(value.trim());
}
