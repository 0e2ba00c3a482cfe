// n8n hands webhook nodes Express request and response objects. Express is not a dependency of this package,
// so the few Express behaviours webhook nodes use are added to Node's own request and response here:
// body parsing as n8n's parseBody does it (JSON, form, text, raw body kept), query and header access,
// and res.status / set / type / send / json with Express's content-type rules.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { jsonParse } from 'n8n-workflow';

export type WebhookRequest = IncomingMessage & {
	body: unknown;
	rawBody: Buffer;
	contentType?: string;
	encoding: BufferEncoding;
	query: Record<string, string | string[]>;
	params: Record<string, string>;
	path: string;
	get(name: string): string | undefined;
	header(name: string): string | undefined;
};

export type WebhookResponse = ServerResponse & {
	status(code: number): WebhookResponse;
	sendStatus(code: number): WebhookResponse;
	set(field: string | Record<string, string>, value?: string): WebhookResponse;
	header(field: string | Record<string, string>, value?: string): WebhookResponse;
	get(field: string): string | undefined;
	type(contentType: string): WebhookResponse;
	send(body?: unknown): WebhookResponse;
	json(body: unknown): WebhookResponse;
};

export class UnparsableBodyError extends Error {}

const SHORT_TYPES: Record<string, string> = {
	json: 'application/json',
	text: 'text/plain',
	html: 'text/html',
	xml: 'application/xml',
	bin: 'application/octet-stream',
};

// Express adds `charset=utf-8` to textual content types it sets.
function withCharset(contentType: string): string {
	const textual = /^text\/|^application\/(json|javascript|xml)/.test(contentType);
	return textual && !/;\s*charset=/i.test(contentType)
		? `${contentType}; charset=utf-8`
		: contentType;
}

function parseQuery(search: URLSearchParams): Record<string, string | string[]> {
	const query: Record<string, string | string[]> = {};
	for (const [key, value] of search) {
		const existing = query[key];
		query[key] = existing === undefined ? value : ([] as string[]).concat(existing, value);
	}
	return query;
}

async function readBody(incoming: IncomingMessage): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of incoming) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks);
}

/** Reads and parses the request body the way n8n's webhook server does before calling the node. */
export async function toWebhookRequest(
	incoming: IncomingMessage,
	baseUrl: string,
): Promise<WebhookRequest> {
	const url = new URL(incoming.url ?? '/', baseUrl);
	const [mediaType, ...parameters] = (incoming.headers['content-type'] ?? '').split(';');
	const charset = parameters
		.map((parameter) => parameter.trim())
		.find((parameter) => parameter.startsWith('charset='));
	const encoding = (charset?.slice('charset='.length).toLowerCase() ?? 'utf-8') as BufferEncoding;
	const contentType = mediaType.trim().toLowerCase() || undefined;
	const rawBody = await readBody(incoming);

	let body: unknown = {};
	if (rawBody.length > 0) {
		const text = rawBody.toString(encoding);
		try {
			if (contentType === 'application/json') body = jsonParse(text);
			else if (contentType === 'application/x-www-form-urlencoded')
				body = parseQuery(new URLSearchParams(text));
			else if (contentType === 'text/plain') body = text;
		} catch (error) {
			throw new UnparsableBodyError((error as Error).message);
		}
	}

	const headerValue = (name: string) => {
		const value = incoming.headers[name.toLowerCase()];
		return Array.isArray(value) ? value.join(', ') : value;
	};
	return Object.assign(incoming, {
		body,
		rawBody,
		contentType,
		encoding,
		query: parseQuery(url.searchParams),
		params: {},
		path: url.pathname,
		get: headerValue,
		header: headerValue,
	});
}

export function toWebhookResponse(outgoing: ServerResponse): WebhookResponse {
	const response = outgoing as WebhookResponse;
	const setHeaders = (field: string | Record<string, string>, value?: string) => {
		const entries = typeof field === 'string' ? [[field, value ?? '']] : Object.entries(field);
		for (const [name, headerValue] of entries) {
			response.setHeader(
				name,
				name.toLowerCase() === 'content-type' ? withCharset(headerValue) : headerValue,
			);
		}
		return response;
	};
	return Object.assign(outgoing, {
		status: (code: number) => {
			response.statusCode = code;
			return response;
		},
		sendStatus: (code: number) => response.status(code).type('text').send(String(code)),
		set: setHeaders,
		header: setHeaders,
		get: (field: string) => response.getHeader(field)?.toString(),
		type: (contentType: string) =>
			setHeaders('Content-Type', SHORT_TYPES[contentType] ?? contentType),
		json: (body: unknown) => {
			if (!response.hasHeader('Content-Type')) response.type('json');
			return response.send(JSON.stringify(body));
		},
		send: (body?: unknown) => {
			if (body !== null && typeof body === 'object' && !Buffer.isBuffer(body))
				return response.json(body);
			if (typeof body === 'number' || typeof body === 'boolean') return response.json(body);
			if (Buffer.isBuffer(body)) {
				if (!response.hasHeader('Content-Type')) response.type('bin');
				response.end(body);
				return response;
			}
			const text = body === undefined || body === null ? '' : String(body);
			response.setHeader(
				'Content-Type',
				withCharset((response.getHeader('Content-Type') as string | undefined) ?? 'text/html'),
			);
			response.setHeader('Content-Length', Buffer.byteLength(text));
			response.end(text);
			return response;
		},
	});
}
