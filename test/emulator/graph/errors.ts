// Graph's error body: { error: { code, message, innerError: { date, request-id, client-request-id } } }.
// Handlers throw GraphError; the router renders it with the request's ids.

export class GraphError extends Error {
	constructor(
		public readonly status: number,
		public readonly code: string,
		message: string,
		public readonly headers: Record<string, string> = {},
	) {
		super(message);
		this.name = 'GraphError';
	}
}

export function graphError(status: number, code: string, message: string, headers?: Record<string, string>): never {
	throw new GraphError(status, code, message, headers);
}

export interface GraphErrorBody {
	error: { code: string; message: string; innerError: { date: string; 'request-id': string; 'client-request-id': string } };
}

export function graphErrorBody(code: string, message: string, requestId: string, clientRequestId: string, date: Date): GraphErrorBody {
	return {
		error: {
			code,
			message,
			innerError: { date: date.toISOString().replace(/\.\d{3}Z$/, ''), 'request-id': requestId, 'client-request-id': clientRequestId },
		},
	};
}

/** 404 for directory objects, with Graph's wording. */
export function directoryNotFound(id: string): never {
	return graphError(404, 'Request_ResourceNotFound', `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`);
}

export const THROTTLED_MESSAGE = 'Too many requests. Please retry after the time specified in the Retry-After header.';
