// Redis for n8n's queue mode: Debian's redis-server (installed by the e2e setup when missing), one private
// instance per n8n on a random loopback port, nothing persisted.
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

import { freePort } from './ports';
import { spawnManaged, type ManagedProcess } from './process';
import { ensureDebianPackage } from './debianPackage';

export const REDIS_SERVER = process.env.M365_E2E_REDIS_SERVER ?? '/usr/bin/redis-server';
const READY_DEADLINE_MS = 30_000;

export async function ensureRedis(): Promise<string> {
	return await ensureDebianPackage(REDIS_SERVER, 'redis-server');
}

async function answersPing(port: number): Promise<boolean> {
	return await new Promise((resolve) => {
		const socket = net.connect(port, '127.0.0.1');
		socket.once('error', () => resolve(false));
		socket.once('data', (data) => {
			socket.destroy();
			resolve(data.toString().startsWith('+PONG'));
		});
		socket.write('PING\r\n');
	});
}

export interface RedisServer extends ManagedProcess {
	port: number;
}

/** `port`: the port of a Redis this one replaces (a restart of n8n keeps the address credentials point at). */
export async function startRedis(folder: string, port?: number): Promise<RedisServer> {
	const executable = await ensureRedis();
	port ??= await freePort();
	const server = spawnManaged(
		executable,
		['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', folder],
		{ cwd: folder, env: { PATH: process.env.PATH }, logFile: path.join(folder, 'redis.log') },
	);
	const deadline = Date.now() + READY_DEADLINE_MS;
	while (!(await answersPing(port))) {
		if (server.hasExited() || Date.now() > deadline) {
			await server.stop();
			throw new Error(`redis did not start: ${fs.readFileSync(server.logFile, 'utf8').slice(-2000)}`);
		}
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
	return { ...server, port };
}
