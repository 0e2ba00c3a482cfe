/**
 * Server-driven paging: follow @odata.nextLink verbatim until it is gone; the last page of a delta round carries
 * @odata.deltaLink instead. Links are never parsed, only checked to stay on the same Graph host (in graphUrl).
 */
import { graphRequest } from './request';
import type { GraphCollection, GraphFunctions, GraphPage, GraphRequest } from './types';

export async function* graphPages<T>(this: GraphFunctions, request: GraphRequest): AsyncGenerator<GraphPage<T>> {
	let next: GraphRequest | undefined = request;
	while (next) {
		const page: GraphCollection<T> = await graphRequest.call<GraphFunctions, [GraphRequest], Promise<GraphCollection<T>>>(this, next);
		const nextLink = page['@odata.nextLink'];
		yield { value: page.value ?? [], nextLink, deltaLink: page['@odata.deltaLink'] };
		// query options are encoded inside the link: never add them again
		next = nextLink ? { ...request, url: nextLink, qs: undefined } : undefined;
	}
}

export async function graphRequestAllItems<T>(
	this: GraphFunctions,
	request: GraphRequest,
	options: { limit?: number } = {},
): Promise<T[]> {
	const items: T[] = [];
	for await (const page of graphPages.call<GraphFunctions, [GraphRequest], AsyncGenerator<GraphPage<T>>>(this, request)) {
		for (const item of page.value) {
			items.push(item);
			if (options.limit !== undefined && items.length >= options.limit) return items;
		}
	}
	return items;
}
