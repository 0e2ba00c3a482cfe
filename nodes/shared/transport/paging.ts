/**
 * Server-driven paging: follow @odata.nextLink verbatim until it is gone; the last page of a delta round carries
 * @odata.deltaLink instead. Links are never parsed, only checked to stay on the same Graph host (in graphUrl).
 * A nextLink that comes back a second time would page forever: paging stops with an error naming the endpoint.
 * All pages of one listing share one retry budget.
 */
import { NodeOperationError } from 'n8n-workflow';

import { graphRequest } from './request';
import { RetryBudget } from './retryBudget';
import type { GraphCollection, GraphFunctions, GraphPage, GraphRequest } from './types';
import { pathOf } from './url';

export async function* graphPages<T>(this: GraphFunctions, request: GraphRequest): AsyncGenerator<GraphPage<T>> {
	const retryBudget = request.retryBudget ?? new RetryBudget();
	const seen = new Set<string>();
	let next: GraphRequest | undefined = { ...request, retryBudget };
	while (next) {
		const page: GraphCollection<T> = await graphRequest.call<GraphFunctions, [GraphRequest], Promise<GraphCollection<T>>>(this, next);
		const nextLink = page['@odata.nextLink'];
		if (nextLink !== undefined) {
			if (seen.has(nextLink)) {
				throw new NodeOperationError(this.getNode(), `Microsoft Graph sent the same next-page link twice for ${request.method.toUpperCase()} ${endpointOf(request.url)}: stopped paging`, {
					description: `Following it again would read the same pages forever. It repeated after ${seen.size + 1} pages. Run again later; if it persists, report it to Microsoft with this endpoint.`,
					itemIndex: request.itemIndex,
				});
			}
			seen.add(nextLink);
		}
		yield { value: page.value ?? [], nextLink, deltaLink: page['@odata.deltaLink'] };
		// query options are encoded inside the link: never add them again
		next = nextLink ? { ...request, url: nextLink, qs: undefined, retryBudget } : undefined;
	}
}

/** The endpoint of a request, without host, version or query (a relative url or an absolute link). */
function endpointOf(url: string): string {
	return /^https?:\/\//i.test(url) ? pathOf(url) : url.split('?')[0];
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
