// What the directory indexes, so one lookup costs the same in a tenant of 50 users and of 50,000 (Graph answers
// `mail eq`, `userPrincipalName in (...)`, `otherMails/any(...)` and extension-attribute filters from its indexes,
// which is why it accepts only such filters without ConsistencyLevel: eventual).
//
// Keys (all lower-cased, as directory string comparisons are case-insensitive): id, userPrincipalName, mail, each
// of otherMails, userType, and every directory extension attribute (extension_<appId>_<name>, e.g. the guest sync's
// source marker). The index follows TenantState's user mutations (add, update, delete, replace); a property written
// straight into a record from outside TenantState is not indexed until the next replace.
//
// `candidates(filter)` narrows a parsed $filter to the users it can match, in directory order; the caller still
// evaluates the whole filter on them, so the answer is exactly the one a full scan gives.
import type { FilterNode } from '../odata/filter';
import type { UserRecord } from './types';

type Key = string;

function indexedProperty(name: string): Key | undefined {
	const lower = name.toLowerCase();
	if (lower === 'id' || lower === 'userprincipalname' || lower === 'mail' || lower === 'othermails' || lower === 'usertype') return lower;
	return lower.startsWith('extension_') ? lower : undefined;
}

/** The indexed (property, value) pairs of one user. */
function keysOf(record: UserRecord): Array<[Key, string]> {
	const keys: Array<[Key, string]> = [];
	for (const [name, value] of Object.entries(record.user)) {
		const property = indexedProperty(name);
		if (!property) continue;
		if (typeof value === 'string') keys.push([property, value.toLowerCase()]);
		else if (Array.isArray(value)) for (const item of value) if (typeof item === 'string') keys.push([property, item.toLowerCase()]);
	}
	return keys;
}

export class UserIndex {
	private readonly byKey = new Map<Key, Map<string, Set<string>>>();
	/** Directory order (insertion), so narrowed answers list users as a full scan does. */
	private readonly order = new Map<string, number>();
	private readonly indexed = new Map<string, Array<[Key, string]>>();
	private sequence = 0;

	constructor(private readonly users: Record<string, UserRecord>) {
		for (const record of Object.values(users)) this.add(record);
	}

	add(record: UserRecord): void {
		const id = record.user.id;
		if (!this.order.has(id)) this.order.set(id, this.sequence++);
		this.reindex(record);
	}

	/** After any change to an indexed property of this user. */
	reindex(record: UserRecord): void {
		const id = record.user.id;
		this.unindex(id);
		const keys = keysOf(record);
		for (const [property, value] of keys) {
			let values = this.byKey.get(property);
			if (!values) this.byKey.set(property, (values = new Map()));
			let ids = values.get(value);
			if (!ids) values.set(value, (ids = new Set()));
			ids.add(id);
		}
		this.indexed.set(id, keys);
	}

	remove(id: string): void {
		this.unindex(id);
		this.order.delete(id);
	}

	/** Ids of the users whose property equals the value (case-insensitive), or contains it for a collection. */
	idsWhere(property: string, value: string): Set<string> {
		return this.byKey.get(property.toLowerCase())?.get(value.toLowerCase()) ?? new Set();
	}

	/** The users answering to an address: mail, userPrincipalName or one of otherMails. */
	byAddress(address: string): UserRecord[] {
		const ids = new Set([...this.idsWhere('mail', address), ...this.idsWhere('userprincipalname', address), ...this.idsWhere('othermails', address)]);
		return this.records(ids);
	}

	/**
	 * The users a filter can match, in directory order; undefined when the index cannot narrow it (the caller
	 * scans). Always a superset of the matches: evaluate the filter on the result.
	 */
	candidates(filter: FilterNode): UserRecord[] | undefined {
		const ids = this.narrow(filter);
		return ids ? this.records(ids) : undefined;
	}

	private records(ids: Set<string>): UserRecord[] {
		return [...ids]
			.filter((id) => this.users[id] !== undefined)
			.sort((a, b) => (this.order.get(a) ?? 0) - (this.order.get(b) ?? 0))
			.map((id) => this.users[id]);
	}

	private unindex(id: string): void {
		for (const [property, value] of this.indexed.get(id) ?? []) {
			const values = this.byKey.get(property);
			const ids = values?.get(value);
			ids?.delete(id);
			if (ids && ids.size === 0) values?.delete(value);
		}
		this.indexed.delete(id);
	}

	private narrow(node: FilterNode): Set<string> | undefined {
		switch (node.kind) {
			case 'compare': {
				if (node.op !== 'eq') return undefined;
				const [path, literal] = node.left.kind === 'path' ? [node.left, node.right] : [node.right, node.left];
				return this.lookup(path, literal);
			}
			case 'in': {
				const found = new Set<string>();
				for (const item of node.list) {
					const ids = this.lookup(node.left, item);
					if (!ids) return undefined;
					for (const id of ids) found.add(id);
				}
				return found;
			}
			case 'or': {
				const left = this.narrow(node.left);
				const right = left && this.narrow(node.right);
				return left && right ? new Set([...left, ...right]) : undefined;
			}
			case 'and': {
				const left = this.narrow(node.left);
				const right = this.narrow(node.right);
				if (!left || !right) return left ?? right;
				return left.size <= right.size ? left : right;
			}
			case 'lambda': {
				// otherMails/any(x:x eq 'a'): the collection's own index.
				if (node.quantifier !== 'any' || node.collection.kind !== 'path' || !node.body || !node.variable) return undefined;
				const body = node.body;
				if (body.kind !== 'compare' || body.op !== 'eq') return undefined;
				const [variable, literal] = body.left.kind === 'path' ? [body.left, body.right] : [body.right, body.left];
				if (variable.kind !== 'path' || variable.segments.length !== 1 || variable.segments[0] !== node.variable) return undefined;
				return this.lookup(node.collection, literal);
			}
			default:
				return undefined;
		}
	}

	private lookup(path: FilterNode, literal: FilterNode): Set<string> | undefined {
		if (path.kind !== 'path' || path.segments.length !== 1 || literal.kind !== 'literal' || typeof literal.value !== 'string') return undefined;
		const property = indexedProperty(path.segments[0]);
		return property ? this.idsWhere(property, literal.value) : undefined;
	}
}
