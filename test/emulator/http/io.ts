// Request body reading and response writing shared by both listeners.
import type { IncomingMessage, ServerResponse } from 'http';

export const GRAPH_JSON = 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

export function readBody(req: IncomingMessage): Promise<string> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
		req.on('error', reject);
	});
}

/** Lower-case header map with single string values. */
export function headerMap(req: IncomingMessage): Record<string, string> {
	const headers: Record<string, string> = {};
	for (const [name, value] of Object.entries(req.headers)) {
		if (value === undefined) continue;
		headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
	}
	return headers;
}

export interface HttpReply {
	status: number;
	headers?: Record<string, string>;
	/** Objects are sent as JSON, strings as they are (set Content-Type in headers). */
	body?: unknown;
	contentType?: string;
}

export function send(res: ServerResponse, reply: HttpReply): void {
	const headers: Record<string, string> = { ...(reply.headers ?? {}) };
	let payload: string | undefined;
	if (reply.body !== undefined && reply.status !== 204) {
		if (typeof reply.body === 'string') {
			payload = reply.body;
			headers['Content-Type'] ??= reply.contentType ?? 'text/plain; charset=utf-8';
		} else {
			payload = JSON.stringify(reply.body);
			headers['Content-Type'] ??= reply.contentType ?? 'application/json; charset=utf-8';
		}
		headers['Content-Length'] = String(Buffer.byteLength(payload));
	} else if (reply.status !== 204 && reply.status !== 304) {
		headers['Content-Length'] = '0';
	}
	res.writeHead(reply.status, headers);
	res.end(payload);
}

/** Parses a JSON body; undefined for empty; throws SyntaxError for invalid JSON. */
export function parseJsonBody(text: string, contentType: string | undefined): unknown {
	if (text.length === 0) return undefined;
	const looksJson = /json/i.test(contentType ?? '') || /^\s*[[{]/.test(text);
	return looksJson ? JSON.parse(text) : text;
}
