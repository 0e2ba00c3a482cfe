// PostgreSQL for n8n's queue mode: n8n supports queue mode officially with PostgreSQL only, and with SQLite shared by
// a main and workers, write-heavy workflows (n8n's Data tables live in the same database) fail with SQLITE_BUSY
// (n8n 2.40.7 sets no SQLite busy timeout). Debian's postgresql (installed by the e2e setup when missing), one
// private cluster per n8n user folder on a random loopback port, trust authentication; it lives in the user folder,
// so a restart of n8n on that folder finds its database again.
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { promisify } from 'util';

import { ensureDebianPackage } from './debianPackage';
import { freePort } from './ports';
import { spawnManaged, type ManagedProcess } from './process';

const run = promisify(execFile);
const READY_DEADLINE_MS = 60_000;
/** The database user n8n connects as (trust authentication on loopback: a test cluster). */
const DB_USER = 'n8n';

export interface PostgresServer extends ManagedProcess {
	port: number;
	/** n8n's environment for this database */
	n8nEnv: NodeJS.ProcessEnv;
}

function binDir(): string | undefined {
	const root = '/usr/lib/postgresql';
	if (!fs.existsSync(root)) return undefined;
	const versions = fs.readdirSync(root).filter((version) => fs.existsSync(path.join(root, version, 'bin', 'postgres')));
	versions.sort((a, b) => Number(b) - Number(a));
	return versions.length ? path.join(root, versions[0], 'bin') : undefined;
}

export async function ensurePostgres(): Promise<string> {
	const existing = process.env.M365_E2E_POSTGRES_BIN ?? binDir();
	if (existing) return existing;
	await ensureDebianPackage('/usr/lib/postgresql', 'postgresql');
	const installed = binDir();
	if (!installed) throw new Error('postgresql was installed but /usr/lib/postgresql/<version>/bin/postgres is missing');
	return installed;
}

/** PostgreSQL refuses to run as root: as root, its commands run as the `postgres` user Debian's package creates. */
function asDatabaseUser(command: string, args: string[]): [string, string[]] {
	return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
}

export async function startPostgres(folder: string): Promise<PostgresServer> {
	const bin = await ensurePostgres();
	const dataDir = path.join(folder, 'postgres');
	if (process.getuid?.() === 0) fs.chmodSync(folder, 0o711);
	if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
		fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
		if (process.getuid?.() === 0) await run('chown', ['postgres:postgres', dataDir]);
		const [command, args] = asDatabaseUser(path.join(bin, 'initdb'), ['-D', dataDir, '-U', DB_USER, '-A', 'trust', '--no-sync', '-E', 'UTF8']);
		await run(command, args, { cwd: '/' });
	}
	const port = await freePort();
	const [command, args] = asDatabaseUser(path.join(bin, 'postgres'), [
		'-D', dataDir, '-p', String(port), '-h', '127.0.0.1', '-k', dataDir, '-c', 'fsync=off', '-c', 'max_connections=200',
	]);
	const server = spawnManaged(command, args, { cwd: '/', env: { PATH: process.env.PATH }, logFile: path.join(folder, 'postgres.log') });
	const deadline = Date.now() + READY_DEADLINE_MS;
	for (;;) {
		const ready = await run(path.join(bin, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port), '-U', DB_USER, '-d', 'postgres']).then(
			() => true,
			() => false,
		);
		if (ready) break;
		if (server.hasExited() || Date.now() > deadline) {
			await server.stop();
			throw new Error(`postgres did not start: ${fs.readFileSync(server.logFile, 'utf8').slice(-2000)}`);
		}
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
	return {
		...server,
		port,
		n8nEnv: {
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: '127.0.0.1',
			DB_POSTGRESDB_PORT: String(port),
			DB_POSTGRESDB_DATABASE: 'postgres',
			DB_POSTGRESDB_USER: DB_USER,
			DB_POSTGRESDB_PASSWORD: '',
			// n8n's default pool of 2 connections starves under a worker's concurrent executions (Data table
			// transactions hold one while the execution's own writes wait: "timeout exceeded when trying to connect").
			DB_POSTGRESDB_POOL_SIZE: '20',
		},
	};
}
