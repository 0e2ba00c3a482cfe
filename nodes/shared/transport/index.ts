/**
 * The one Graph transport every node uses: credential and national-cloud host, token (msal or n8n OAuth2),
 * retries (429/503/504 with Retry-After, lost answers without repeating writes), paging, $batch, and errors as
 * NodeApiError with Graph's code, message and request-id. See docs/ARCHITECTURE.md.
 */
export { graphFor, type BoundGraph } from './graph';
export { graphRequest, graphRequestWithResponse, graphBaseUrl } from './request';
export { graphPages, graphRequestAllItems } from './paging';
export { graphBatch, chunkForBatch, BATCH_LIMIT, NOT_SENT, type GraphBatchOptions } from './batch';
export { getGraphConnection, type GraphConnection } from './connection';
export {
	graphFailureOf,
	notSignedInError,
	parseGraphError,
	AmbiguousWriteError,
	type GraphFailure,
} from './errors';
export { graphQueryString } from './url';
export * from './types';
