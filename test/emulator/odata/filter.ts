// A small OData $filter evaluator covering what Graph accepts on the resources the emulator serves:
// eq ne gt ge lt le, in (...), and/or/not, parentheses, startswith/endswith/contains, any()/all() lambdas on
// collections (otherMails/any(x:x eq 'a'), assignedLicenses/any(l:l/skuId eq <guid>)), null, booleans, numbers,
// unquoted ISO dates and GUIDs, type casts in paths (microsoft.graph.aadUserConversationMember/userId).
// String comparisons are case-insensitive, as in Graph's directory and Outlook filters.

export class FilterSyntaxError extends Error {}

type Literal = string | number | boolean | null | { date: number; text: string };

export type FilterNode =
	| { kind: 'literal'; value: Literal }
	| { kind: 'path'; segments: string[] }
	| { kind: 'compare'; op: 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le'; left: FilterNode; right: FilterNode }
	| { kind: 'in'; left: FilterNode; list: FilterNode[] }
	| { kind: 'and' | 'or'; left: FilterNode; right: FilterNode }
	| { kind: 'not'; operand: FilterNode }
	| { kind: 'call'; name: string; args: FilterNode[] }
	| { kind: 'lambda'; quantifier: 'any' | 'all'; collection: FilterNode; variable?: string; body?: FilterNode };

type Token = { type: 'string' | 'word' | 'punct'; text: string; pos: number };

function tokenize(input: string): Token[] {
	const tokens: Token[] = [];
	let i = 0;
	while (i < input.length) {
		const ch = input[i];
		if (/\s/.test(ch)) {
			i++;
			continue;
		}
		if (ch === "'") {
			let value = '';
			let j = i + 1;
			for (;;) {
				if (j >= input.length) throw new FilterSyntaxError(`Unterminated string literal at position ${i}`);
				if (input[j] === "'") {
					if (input[j + 1] === "'") {
						value += "'";
						j += 2;
						continue;
					}
					break;
				}
				value += input[j++];
			}
			tokens.push({ type: 'string', text: value, pos: i });
			i = j + 1;
			continue;
		}
		if ('(),:/'.includes(ch)) {
			tokens.push({ type: 'punct', text: ch, pos: i });
			i++;
			continue;
		}
		const match = /^[A-Za-z0-9_.$@#+\-:]+/.exec(input.slice(i));
		if (!match) throw new FilterSyntaxError(`Syntax error at position ${i} in '${input}'.`);
		// A word may contain ':' only inside dates (2024-01-01T00:00:00Z); a lambda's 'x:' is split off.
		let word = match[0];
		if (!/^\d{4}-\d{2}-\d{2}T/.test(word) && word.includes(':')) word = word.slice(0, word.indexOf(':'));
		tokens.push({ type: 'word', text: word, pos: i });
		i += word.length;
	}
	return tokens;
}

const COMPARISONS = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);
const FUNCTIONS = new Set(['startswith', 'endswith', 'contains']);

class Parser {
	private index = 0;
	constructor(
		private readonly tokens: Token[],
		private readonly source: string,
	) {}

	parse(): FilterNode {
		const node = this.parseOr();
		if (this.index < this.tokens.length) this.fail(this.tokens[this.index]);
		return node;
	}

	private peek(): Token | undefined {
		return this.tokens[this.index];
	}
	private isWord(text: string): boolean {
		const t = this.peek();
		return t?.type === 'word' && t.text.toLowerCase() === text;
	}
	private isPunct(text: string): boolean {
		const t = this.peek();
		return t?.type === 'punct' && t.text === text;
	}
	private expectPunct(text: string): void {
		if (!this.isPunct(text)) this.fail(this.peek());
		this.index++;
	}
	private fail(token?: Token): never {
		throw new FilterSyntaxError(
			token ? `Syntax error: character '${token.text}' is not valid at position ${token.pos} in '${this.source}'.` : `Syntax error at the end of '${this.source}'.`,
		);
	}

	private parseOr(): FilterNode {
		let left = this.parseAnd();
		while (this.isWord('or')) {
			this.index++;
			left = { kind: 'or', left, right: this.parseAnd() };
		}
		return left;
	}
	private parseAnd(): FilterNode {
		let left = this.parseNot();
		while (this.isWord('and')) {
			this.index++;
			left = { kind: 'and', left, right: this.parseNot() };
		}
		return left;
	}
	private parseNot(): FilterNode {
		if (this.isWord('not')) {
			this.index++;
			return { kind: 'not', operand: this.parseNot() };
		}
		return this.parseComparison();
	}
	private parseComparison(): FilterNode {
		const left = this.parseOperand();
		const t = this.peek();
		if (t?.type === 'word' && COMPARISONS.has(t.text.toLowerCase())) {
			this.index++;
			return { kind: 'compare', op: t.text.toLowerCase() as 'eq', left, right: this.parseOperand() };
		}
		if (this.isWord('in')) {
			this.index++;
			this.expectPunct('(');
			const list: FilterNode[] = [];
			if (!this.isPunct(')')) {
				list.push(this.parseOperand());
				while (this.isPunct(',')) {
					this.index++;
					list.push(this.parseOperand());
				}
			}
			this.expectPunct(')');
			return { kind: 'in', left, list };
		}
		return left;
	}
	private parseOperand(): FilterNode {
		const t = this.peek();
		if (!t) this.fail();
		if (t.type === 'punct' && t.text === '(') {
			this.index++;
			const inner = this.parseOr();
			this.expectPunct(')');
			return inner;
		}
		if (t.type === 'string') {
			this.index++;
			return { kind: 'literal', value: t.text };
		}
		if (t.type !== 'word') this.fail(t);
		const lower = t.text.toLowerCase();
		if (FUNCTIONS.has(lower) && this.tokens[this.index + 1]?.text === '(') {
			this.index += 2;
			const args = [this.parseOperand()];
			while (this.isPunct(',')) {
				this.index++;
				args.push(this.parseOperand());
			}
			this.expectPunct(')');
			return { kind: 'call', name: lower, args };
		}
		const literal = parseBareLiteral(t.text);
		if (literal !== undefined) {
			this.index++;
			return { kind: 'literal', value: literal };
		}
		return this.parsePath();
	}
	private parsePath(): FilterNode {
		const segments: string[] = [];
		for (;;) {
			const t = this.peek();
			if (t?.type !== 'word') this.fail(t);
			this.index++;
			const lower = t.text.toLowerCase();
			if ((lower === 'any' || lower === 'all') && this.isPunct('(') && segments.length > 0) {
				this.index++;
				let variable: string | undefined;
				let body: FilterNode | undefined;
				if (!this.isPunct(')')) {
					const v = this.peek();
					if (v?.type !== 'word') this.fail(v);
					variable = v.text;
					this.index++;
					this.expectPunct(':');
					body = this.parseOr();
				}
				this.expectPunct(')');
				return { kind: 'lambda', quantifier: lower, collection: { kind: 'path', segments }, variable, body };
			}
			// Type casts (microsoft.graph.user) narrow nothing here: every record is already of one type.
			if (!/^microsoft\.graph\./i.test(t.text)) segments.push(t.text);
			if (!this.isPunct('/')) break;
			this.index++;
		}
		return { kind: 'path', segments };
	}
}

function parseBareLiteral(text: string): Literal | undefined {
	const lower = text.toLowerCase();
	if (lower === 'null') return null;
	if (lower === 'true') return true;
	if (lower === 'false') return false;
	if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
	if (/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2})?)?$/.test(text)) return { date: Date.parse(text), text };
	if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(text)) return text;
	return undefined;
}

export function parseFilter(filter: string): FilterNode {
	return new Parser(tokenize(filter), filter).parse();
}

// Evaluation allocates nothing per item: a lambda binds its variable in one reused binding, not a copied map, and
// property names are matched without building key lists (this runs once per user of the tenant on a scan).
type Binding = { name: string; value: unknown; next?: Binding };
type Scope = { root: unknown; bindings?: Binding };

function getProperty(target: unknown, name: string): unknown {
	if (target === null || typeof target !== 'object') return undefined;
	const record = target as Record<string, unknown>;
	if (name in record) return record[name];
	const lower = name.toLowerCase();
	for (const key in record) if (key.length === name.length && key.toLowerCase() === lower) return record[key];
	return undefined;
}

function binding(scope: Scope, name: string): Binding | undefined {
	for (let b = scope.bindings; b; b = b.next) if (b.name === name) return b;
	return undefined;
}

function resolvePath(segments: string[], scope: Scope): unknown {
	const bound = binding(scope, segments[0]);
	let current = bound ? bound.value : scope.root;
	for (let i = bound ? 1 : 0; i < segments.length; i++) current = getProperty(current, segments[i]);
	return current;
}

function value(node: FilterNode, scope: Scope): unknown {
	switch (node.kind) {
		case 'literal':
			return node.value;
		case 'path':
			return resolvePath(node.segments, scope);
		case 'call': {
			const a = value(node.args[0], scope);
			const b = node.args[1] === undefined ? undefined : value(node.args[1], scope);
			if (typeof a !== 'string' || typeof b !== 'string') return false;
			const [x, y] = [a.toLowerCase(), b.toLowerCase()];
			if (node.name === 'startswith') return x.startsWith(y);
			if (node.name === 'endswith') return x.endsWith(y);
			return x.includes(y);
		}
		default:
			return test(node, scope);
	}
}

function normalise(v: unknown): unknown {
	if (v && typeof v === 'object' && 'date' in (v as object)) return (v as { date: number }).date;
	return v;
}

function compare(op: string, leftRaw: unknown, rightRaw: unknown): boolean {
	let left = normalise(leftRaw);
	let right = normalise(rightRaw);
	// A date literal compared with a stored ISO string compares instants.
	if (typeof left === 'number' && typeof right === 'string' && rightRaw && typeof rightRaw === 'string' && isNaN(Number(right))) right = Date.parse(right);
	if (typeof right === 'number' && typeof left === 'string' && isNaN(Number(left))) left = Date.parse(left);
	if (typeof left === 'string' && typeof right === 'string') {
		left = left.toLowerCase();
		right = right.toLowerCase();
	}
	if (left === undefined) left = null;
	if (right === undefined) right = null;
	switch (op) {
		case 'eq':
			return left === right;
		case 'ne':
			return left !== right;
	}
	if (left === null || right === null) return false;
	const l = left as number | string;
	const r = right as number | string;
	switch (op) {
		case 'gt':
			return l > r;
		case 'ge':
			return l >= r;
		case 'lt':
			return l < r;
		default:
			return l <= r;
	}
}

function test(node: FilterNode, scope: Scope): boolean {
	switch (node.kind) {
		case 'and':
			return test(node.left, scope) && test(node.right, scope);
		case 'or':
			return test(node.left, scope) || test(node.right, scope);
		case 'not':
			return !test(node.operand, scope);
		case 'compare':
			return compare(node.op, value(node.left, scope), value(node.right, scope));
		case 'in': {
			const left = value(node.left, scope);
			for (const item of node.list) if (compare('eq', left, value(item, scope))) return true;
			return false;
		}
		case 'lambda': {
			const collection = value(node.collection, scope);
			const items: unknown[] = Array.isArray(collection) ? collection : [];
			if (!node.body || !node.variable) return node.quantifier === 'any' ? items.length > 0 : true;
			const bound: Binding = { name: node.variable, value: undefined, next: scope.bindings };
			const inner: Scope = { root: scope.root, bindings: bound };
			const any = node.quantifier === 'any';
			for (const item of items) {
				bound.value = item;
				if (test(node.body, inner) === any) return any;
			}
			return !any;
		}
		default:
			return value(node, scope) === true;
	}
}

/** True when `item` satisfies the filter. */
export function matchesFilter(node: FilterNode, item: unknown): boolean {
	return test(node, { root: item });
}

/** Parses once and filters a list. Throws FilterSyntaxError for a filter Graph would reject as malformed. */
export function applyFilter<T>(items: T[], filter: string | null | undefined): T[] {
	if (!filter) return items;
	const node = parseFilter(filter);
	const scope: Scope = { root: undefined };
	const matching: T[] = [];
	for (const item of items) {
		scope.root = item;
		if (test(node, scope)) matching.push(item);
	}
	return matching;
}

/** The property paths a filter reads (handlers use it to refuse properties Graph cannot filter on). */
export function filterProperties(node: FilterNode): string[] {
	const found: string[] = [];
	const walk = (n: FilterNode, variables: Set<string>) => {
		switch (n.kind) {
			case 'path':
				if (!variables.has(n.segments[0])) found.push(n.segments.join('/'));
				break;
			case 'compare':
			case 'and':
			case 'or':
				walk(n.left, variables);
				walk(n.right, variables);
				break;
			case 'in':
				walk(n.left, variables);
				n.list.forEach((item) => walk(item, variables));
				break;
			case 'not':
				walk(n.operand, variables);
				break;
			case 'call':
				n.args.forEach((arg) => walk(arg, variables));
				break;
			case 'lambda':
				walk(n.collection, variables);
				if (n.body && n.variable) walk(n.body, new Set([...variables, n.variable]));
				break;
		}
	};
	walk(node, new Set());
	return found;
}
