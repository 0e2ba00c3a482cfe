// Paging, $select and @odata.context, the way Graph shapes collection and entity responses.
import { GraphError } from '../graph/errors';

/** What the helpers need from a request context. */
export interface QueryContext {
	/** https://host:port/v1.0 (or /beta): absolute, so nextLinks are absolute like Graph's. */
	baseUrl: string;
	/** Path relative to the version root, as the client asked for it (e.g. /users or /me/messages). */
	requestPath: string;
	query: URLSearchParams;
}

export interface PageOptions {
	/** Page size when the client sends no $top (Graph: users 100, messages 10, channel messages 20). */
	defaultTop: number;
	/** Largest $top accepted. */
	maxTop: number;
	/** Page size forced by `Prefer: odata.maxpagesize` (delta); overrides $top. */
	maxPageSize?: number;
	/** Error raised for $top beyond maxTop; defaults to the directory's wording. */
	topError?: (top: string) => GraphError;
}

export interface Page<T> {
	value: T[];
	nextLink?: string;
	/** Total before paging (for @odata.count). */
	total: number;
}

interface SkipToken {
	offset: number;
}

export function encodeSkipToken(token: SkipToken): string {
	// Opaque like Graph's: clients must follow nextLink verbatim, never build it.
	return 'RFNwdAIAAQAAA' + Buffer.from(JSON.stringify(token)).toString('base64url');
}

export function decodeSkipToken(raw: string): SkipToken {
	try {
		const parsed = JSON.parse(Buffer.from(raw.replace(/^RFNwdAIAAQAAA/, ''), 'base64url').toString('utf8')) as SkipToken;
		if (typeof parsed.offset !== 'number' || parsed.offset < 0) throw new Error('bad');
		return parsed;
	} catch {
		throw new GraphError(400, 'Request_UnsupportedQuery', "Unrecognized '$skiptoken' value.");
	}
}

export function parseTop(ctx: QueryContext, options: PageOptions): number {
	if (options.maxPageSize) return options.maxPageSize;
	const raw = ctx.query.get('$top');
	if (raw === null) return options.defaultTop;
	const top = Number(raw);
	if (!Number.isInteger(top) || top < 1 || top > options.maxTop) {
		throw options.topError?.(raw) ??
			new GraphError(400, 'Request_UnsupportedQuery', `Invalid page size specified: '${raw}'. Must be between 1 and ${options.maxTop} inclusive.`);
	}
	return top;
}

/** Pages an in-memory list with $top and an opaque $skiptoken; nextLink keeps every other query option. */
export function pageItems<T>(ctx: QueryContext, items: T[], options: PageOptions): Page<T> {
	const top = parseTop(ctx, options);
	const skipToken = ctx.query.get('$skiptoken');
	const offset = skipToken ? decodeSkipToken(skipToken).offset : Number(ctx.query.get('$skip') ?? 0) || 0;
	const value = items.slice(offset, offset + top);
	const page: Page<T> = { value, total: items.length };
	if (offset + top < items.length) page.nextLink = buildLink(ctx, { $skiptoken: encodeSkipToken({ offset: offset + top }) }, ['$skip']);
	return page;
}

/** An absolute URL to the same resource with some query options replaced (and some removed). */
export function buildLink(ctx: QueryContext, set: Record<string, string>, remove: string[] = []): string {
	const query = new URLSearchParams(ctx.query);
	for (const name of [...remove, ...Object.keys(set)]) query.delete(name);
	for (const [name, value] of Object.entries(set)) query.set(name, value);
	const qs = query.toString().replace(/%24/g, '$').replace(/%2C/gi, ',');
	return `${ctx.baseUrl}${ctx.requestPath}${qs ? `?${qs}` : ''}`;
}

/** The names in $select (empty when absent). */
export function selectedProperties(query: URLSearchParams): string[] {
	const raw = query.get('$select');
	return raw ? raw.split(',').map((s) => s.trim()).filter(Boolean) : [];
}

/**
 * Applies $select to one entity: only the named properties (matched case-insensitively, named as in the entity),
 * plus any @odata annotations. Without $select, `defaults` (when given) decides which properties Graph returns.
 */
export function selectProperties<T extends object>(entity: T, query: URLSearchParams, defaults?: readonly string[]): Partial<T> {
	return propertySelector<T>(query, defaults)(entity);
}

/**
 * {@link selectProperties} with the query read once, for a page of entities: a page of 1,000 messages reads
 * `$select` once, not a thousand times.
 */
export function propertySelector<T extends object>(query: URLSearchParams, defaults?: readonly string[]): (entity: T) => Partial<T> {
	const selected = selectedProperties(query);
	const names = selected.length > 0 ? selected : defaults;
	if (!names || names.includes('*')) return (entity) => entity;
	const wanted = new Set(names.map((n) => n.toLowerCase()));
	// A selected property the entity lacks is returned as null, as Graph does (unset directory extensions are omitted).
	const nullable = selected.filter((name) => !/^extension_/i.test(name));
	return (entity) => {
		const result: Record<string, unknown> = {};
		const present = new Set<string>();
		for (const key of Object.keys(entity)) {
			const lower = key.toLowerCase();
			if (key.startsWith('@odata.') || wanted.has(lower)) {
				result[key] = (entity as Record<string, unknown>)[key];
				present.add(lower);
			}
		}
		for (const name of nullable) if (!present.has(name.toLowerCase())) result[name] = null;
		return result as Partial<T>;
	};
}

/** `https://host/v1.0/$metadata#users` (+ `(a,b)` for $select, + `/$entity` for one entity). */
export function odataContext(ctx: QueryContext, entitySet: string, options: { entity?: boolean } = {}): string {
	const selected = selectedProperties(ctx.query);
	const select = selected.length > 0 ? `(${selected.join(',')})` : '';
	return `${ctx.baseUrl}/$metadata#${entitySet}${select}${options.entity ? '/$entity' : ''}`;
}

/** A collection response: @odata.context, optional @odata.count, value, optional @odata.nextLink. */
export function collectionResponse<T>(ctx: QueryContext, entitySet: string, page: Page<T>, options: { count?: boolean } = {}): Record<string, unknown> {
	return {
		'@odata.context': odataContext(ctx, entitySet),
		...(options.count ? { '@odata.count': page.total } : {}),
		...(page.nextLink ? { '@odata.nextLink': page.nextLink } : {}),
		value: page.value,
	};
}
