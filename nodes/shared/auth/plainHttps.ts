/**
 * A minimal HTTPS JSON client for the two places that have no n8n request helper to borrow: a credential's
 * `authenticate` function and the credential Test button (whose context only offers the deprecated `request`).
 * Everywhere else, requests go through n8n's helpers so that n8n's proxy and SSRF settings apply.
 */
import { request } from 'node:https';

export interface PlainResponse {
	status: number;
	headers: Record<string, string>;
	body: unknown;
}

export interface PlainRequest {
	method: 'GET' | 'POST';
	url: string;
	headers?: Record<string, string>;
	body?: string;
	timeoutMs?: number;
}

export async function plainHttpsRequest(options: PlainRequest): Promise<PlainResponse> {
	return await new Promise((resolve, reject) => {
		const req = request(
			options.url,
			{ method: options.method, headers: options.headers, timeout: options.timeoutMs ?? 30_000 },
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (chunk: Buffer) => chunks.push(chunk));
				res.on('end', () => {
					const text = Buffer.concat(chunks).toString('utf8');
					let body: unknown = text;
					try {
						body = text ? JSON.parse(text) : undefined;
					} catch {
						// not JSON: keep the text
					}
					const headers: Record<string, string> = {};
					for (const [name, value] of Object.entries(res.headers)) {
						if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
					}
					resolve({ status: res.statusCode ?? 0, headers, body });
				});
				res.on('error', reject);
			},
		);
		req.on('timeout', () => req.destroy(new Error(`Request to ${new URL(options.url).host} timed out`)));
		req.on('error', reject);
		if (options.body !== undefined) req.write(options.body);
		req.end();
	});
}
