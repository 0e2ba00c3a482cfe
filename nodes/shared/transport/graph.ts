/**
 * The transport bound to one n8n context, with typed results: `const graph = graphFor(this);
 * const user = await graph.request<User>({ ... })`. Same functions as the `this`-style exports, which are awkward
 * to call with a type argument (`graphRequest.call(this, ...)` cannot take one).
 */
import { graphBatch, type GraphBatchOptions } from './batch';
import { graphPages, graphRequestAllItems } from './paging';
import { graphBaseUrl, graphRequest, graphRequestWithResponse } from './request';
import type { BatchRequestItem, BatchResponseItem, GraphFunctions, GraphPage, GraphRequest, GraphResponse } from './types';

export interface BoundGraph {
	request<T>(request: GraphRequest): Promise<T>;
	requestWithResponse<T>(request: GraphRequest): Promise<GraphResponse<T>>;
	all<T>(request: GraphRequest, options?: { limit?: number }): Promise<T[]>;
	pages<T>(request: GraphRequest): AsyncGenerator<GraphPage<T>>;
	batch<T = unknown>(credentialType: string, requests: BatchRequestItem[], options?: GraphBatchOptions): Promise<Array<BatchResponseItem<T>>>;
	baseUrl(credentialType: string): Promise<string>;
}

export function graphFor(ctx: GraphFunctions): BoundGraph {
	return {
		request: async <T>(request: GraphRequest) => (await graphRequest.call(ctx, request)) as T,
		requestWithResponse: async <T>(request: GraphRequest) =>
			(await graphRequestWithResponse.call(ctx, request)) as GraphResponse<T>,
		all: async <T>(request: GraphRequest, options?: { limit?: number }) =>
			(await graphRequestAllItems.call(ctx, request, options)) as T[],
		pages: <T>(request: GraphRequest) => graphPages.call(ctx, request) as AsyncGenerator<GraphPage<T>>,
		batch: async <T>(credentialType: string, requests: BatchRequestItem[], options?: GraphBatchOptions) =>
			(await graphBatch.call(ctx, credentialType, requests, options)) as Array<BatchResponseItem<T>>,
		baseUrl: async (credentialType: string) => await graphBaseUrl.call(ctx, credentialType),
	};
}
