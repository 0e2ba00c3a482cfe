// The emulator as a child process (test/emulator/cli.ts), for the demo and benchmarks that run it beside n8n
// rather than inside the test process. It prints one JSON line describing itself, then serves until stopped.
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as https from 'https';
import * as path from 'path';
import { createInterface } from 'readline';

import { REPO_ROOT } from './pack';

/** What test/emulator/cli.ts prints (the fields this package's tooling uses). */
export interface EmulatorInfo {
	loginUrl: string;
	graphUrl: string;
	loginHost: string;
	graphHost: string;
	tenantId: string;
	tenantDomain: string;
	clientId: string;
	clientSecret: string;
	users: Record<string, { id: string; upn: string; mail: string; password: string; displayName?: string }>;
	[field: string]: unknown;
}

export interface EmulatorProcess {
	info: EmulatorInfo;
	child: ChildProcess;
	/** JSON request to the control API (/_emulator/...) on the Graph host */
	control<T = unknown>(method: string, controlPath: string, body?: unknown): Promise<T>;
	stop(): Promise<void>;
}

export const EMULATOR_CLI = path.join(REPO_ROOT, 'test', 'emulator', 'cli.ts');

export function emulatorCliExists(): boolean {
	return fs.existsSync(EMULATOR_CLI);
}

function trustedCa(): Buffer | undefined {
	const certPath = process.env.M365_EMULATOR_CA_CERT ?? process.env.NODE_EXTRA_CA_CERTS;
	return certPath && fs.existsSync(certPath) ? fs.readFileSync(certPath) : undefined;
}

/** An error answer of the emulator, with its status and headers (Retry-After on a 429). */
export class EmulatorHttpError extends Error {
	constructor(
		message: string,
		readonly status: number,
		readonly headers: Record<string, string | string[] | undefined>,
	) {
		super(message);
	}
}

/**
 * A JSON request to the emulator over HTTPS, trusting its CA: the control API, or Graph itself with a bearer token
 * (the demo's Teams users write through Graph as a Teams client would).
 */
export async function emulatorRequest<T>(url: URL, method: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
	const payload = body === undefined ? undefined : JSON.stringify(body);
	return await new Promise<T>((resolve, reject) => {
		const request = https.request(
			url,
			{ method, ca: trustedCa(), headers: { ...headers, ...(payload ? { 'content-type': 'application/json' } : {}) } },
			(response) => {
				const chunks: Buffer[] = [];
				response.on('data', (chunk: Buffer) => chunks.push(chunk));
				response.on('end', () => {
					const text = Buffer.concat(chunks).toString();
					if ((response.statusCode ?? 500) >= 400) {
						const status = response.statusCode ?? 500;
						reject(new EmulatorHttpError(`emulator ${method} ${url.pathname}: ${status} ${text.slice(0, 500)}`, status, response.headers));
						return;
					}
					resolve((text ? JSON.parse(text) : undefined) as T);
				});
			},
		);
		request.on('error', reject);
		request.end(payload);
	});
}

async function controlRequest<T>(graphUrl: string, method: string, controlPath: string, body?: unknown): Promise<T> {
	return await emulatorRequest<T>(new URL(`/_emulator${controlPath}`, graphUrl), method, body);
}

/** Starts `tsx test/emulator/cli.ts` (args e.g. ['--seed', 'large:5000']) and waits for its JSON line. */
export async function startEmulatorProcess(args: string[] = []): Promise<EmulatorProcess> {
	const tsx = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
	const child = spawn(tsx, [EMULATOR_CLI, ...args], {
		cwd: REPO_ROOT,
		env: process.env,
		stdio: ['ignore', 'pipe', 'inherit'],
		detached: true,
	});
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	const killOnExit = () => {
		if (child.pid !== undefined) {
			try {
				process.kill(-child.pid, 'SIGKILL');
			} catch {
				// already gone
			}
		}
	};
	process.on('exit', killOnExit);
	const info = await new Promise<EmulatorInfo>((resolve, reject) => {
		const lines = createInterface({ input: child.stdout! });
		lines.once('line', (line) => {
			try {
				resolve(JSON.parse(line) as EmulatorInfo);
			} catch (error) {
				reject(new Error(`the emulator printed something else than its JSON line: ${line.slice(0, 300)}`));
			}
		});
		child.once('exit', (code) => reject(new Error(`the emulator exited (${code}) before it was ready`)));
	});
	return {
		info,
		child,
		control: async <T>(method: string, controlPath: string, body?: unknown) =>
			await controlRequest<T>(info.graphUrl, method, controlPath, body),
		stop: async () => {
			if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
				process.kill(-child.pid, 'SIGTERM');
				await exited;
			}
			process.off('exit', killOnExit);
		},
	};
}

/**
 * Adds n8n's OAuth callback to the seed app's redirect URIs when it is not there, by replacing the tenant with
 * itself plus that URI (the control API resets tokens too, which is harmless before anyone has signed in).
 */
export async function registerRedirectUri(emulator: EmulatorProcess, appId: string, redirectUri: string): Promise<void> {
	const tenant = await emulator.control<{ applications: Record<string, { redirectUris: string[] }> }>('GET', '/state');
	const app = tenant.applications[appId];
	if (!app) throw new Error(`the emulator tenant has no app ${appId}`);
	if (app.redirectUris.includes(redirectUri)) return;
	app.redirectUris.push(redirectUri);
	await emulator.control('POST', '/state', tenant);
}
