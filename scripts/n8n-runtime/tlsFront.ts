// HTTPS in front of n8n's plain HTTP listener. Graph delivers change notifications only to HTTPS URLs, so a
// webhook trigger needs n8n's webhook URL (N8N_WEBHOOK_URL) to be HTTPS; this front gives it the emulator's
// certificate, which every process started through scripts/with-emulator-ca.js trusts. Its port stays the same
// when n8n restarts on another port (setTarget), as a reverse proxy in front of a real n8n does.
import { readFileSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';

interface EmulatorTls {
	ensureEmulatorTls(): { cert: string; key: string };
}

// scripts/emulator-tls.js is plain CommonJS shared with non-TypeScript entry points.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ensureEmulatorTls } = require('../emulator-tls') as EmulatorTls;

export interface TlsFront {
	/** `https://127.0.0.1:<port>/`, the value for N8N_WEBHOOK_URL */
	url: string;
	/** the local port of n8n to forward to */
	setTarget(port: number): void;
	close(): Promise<void>;
}

export async function startTlsFront(targetPort = 0): Promise<TlsFront> {
	let target = targetPort;
	const paths = ensureEmulatorTls();
	const server = createServer({ cert: readFileSync(paths.cert), key: readFileSync(paths.key) }, (req: IncomingMessage, res: ServerResponse) => {
		const upstream = httpRequest({ host: '127.0.0.1', port: target, method: req.method, path: req.url, headers: req.headers }, (answer) => {
			res.writeHead(answer.statusCode ?? 502, answer.headers);
			answer.pipe(res);
		});
		upstream.on('error', () => {
			if (!res.headersSent) res.writeHead(502);
			res.end();
		});
		req.pipe(upstream);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `https://127.0.0.1:${(server.address() as AddressInfo).port}/`,
		setTarget: (port) => (target = port),
		close: async () => {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
