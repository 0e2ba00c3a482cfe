// A tiny HTTPS server on 127.0.0.1 for the harness's own tests: each test gives it a handler and reads back
// the requests it received. Not a Graph stand-in; Graph behaviour is the emulator's job.
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';

import { loopbackTlsOptions } from '../../harness/tls';

export interface ReceivedRequest {
	method: string;
	path: string;
	headers: IncomingHttpHeaders;
	body: string;
}

export type Handler = (request: ReceivedRequest, response: ServerResponse) => void;

export interface LocalHttpsServer {
	url: string;
	received: ReceivedRequest[];
	handle(handler: Handler): void;
	close(): Promise<void>;
}

export async function startLocalHttpsServer(): Promise<LocalHttpsServer> {
	let handler: Handler = (_request, response) => response.writeHead(404).end();
	const received: ReceivedRequest[] = [];
	const server: Server = createServer(
		loopbackTlsOptions(),
		(incoming: IncomingMessage, response) => {
			const chunks: Buffer[] = [];
			incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
			incoming.on('end', () => {
				const request: ReceivedRequest = {
					method: incoming.method ?? 'GET',
					path: incoming.url ?? '/',
					headers: incoming.headers,
					body: Buffer.concat(chunks).toString('utf8'),
				};
				received.push(request);
				handler(request, response);
			});
		},
	);
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `https://127.0.0.1:${port}`,
		received,
		handle: (next) => {
			handler = next;
		},
		close: async () => {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

export function sendJson(response: ServerResponse, statusCode: number, body: unknown): void {
	response.writeHead(statusCode, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

export interface HttpAnswer {
	statusCode: number;
	headers: IncomingHttpHeaders;
	body: string;
}

/** Sends one request the way a remote service would (Graph posting to a notification URL, for instance). */
export async function sendRequest(
	url: string,
	options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<HttpAnswer> {
	const { request } = await import('node:https');
	return await new Promise<HttpAnswer>((resolve, reject) => {
		const outgoing = request(
			url,
			{ method: options.method ?? 'POST', headers: options.headers },
			(incoming) => {
				const chunks: Buffer[] = [];
				incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
				incoming.on('end', () =>
					resolve({
						statusCode: incoming.statusCode ?? 0,
						headers: incoming.headers,
						body: Buffer.concat(chunks).toString('utf8'),
					}),
				);
			},
		);
		outgoing.on('error', reject);
		outgoing.end(options.body);
	});
}
