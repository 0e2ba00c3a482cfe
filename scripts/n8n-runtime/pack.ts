// Builds the package and packs it the way npm publishes it, in a cache folder keyed by a hash of the sources:
// the checkout's dist/ is never touched (parallel e2e runs and people working in the tree do not race on it),
// and the e2e files, each in its own jest worker, share one build of the same sources.
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

import { withLock } from './lock';
import { step } from './progress';
import { cacheRoot } from './paths';
import { run } from './run';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

const SOURCE_DIRS = ['nodes', 'credentials'];
const SOURCE_FILES = ['package.json', 'index.js', 'tsconfig.json', 'README.md', 'LICENSE', 'LICENSE.md'];
const KEEP_PACKS = 5;

function filesUnder(dir: string): string[] {
	if (!fs.existsSync(dir)) return [];
	return fs
		.readdirSync(dir, { recursive: true, withFileTypes: true })
		.filter((entry) => entry.isFile())
		.map((entry) => path.join(entry.parentPath, entry.name))
		.sort();
}

function sourcesHash(): string {
	const hash = createHash('sha256');
	const files = [
		...SOURCE_DIRS.flatMap((dir) => filesUnder(path.join(REPO_ROOT, dir))),
		...SOURCE_FILES.map((file) => path.join(REPO_ROOT, file)).filter((file) => fs.existsSync(file)),
	];
	for (const file of files) {
		hash.update(path.relative(REPO_ROOT, file));
		hash.update('\0');
		hash.update(fs.readFileSync(file));
		hash.update('\0');
	}
	return hash.digest('hex').slice(0, 16);
}

/** What gulpfile.js's build:icons does: icons next to the compiled code, where n8n resolves `file:` icons. */
function copyIcons(sourceDir: string, targetDir: string): void {
	for (const from of filesUnder(sourceDir).filter((file) => /\.(png|svg)$/.test(file))) {
		const to = path.join(targetDir, path.relative(sourceDir, from));
		fs.mkdirSync(path.dirname(to), { recursive: true });
		fs.copyFileSync(from, to);
	}
}

async function build(workDir: string): Promise<string> {
	const stageDir = path.join(workDir, 'package');
	const logFile = path.join(workDir, 'pack.log');
	fs.mkdirSync(stageDir, { recursive: true });
	const tsc = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsc');
	// tsc writes the JavaScript even when types fail; M365_PACK_ALLOW_TYPE_ERRORS=1 accepts that while the
	// tree is mid-change (never in CI: `npm test` type-checks first).
	await run(tsc, ['-p', 'tsconfig.json', '--outDir', path.join(stageDir, 'dist')], {
		cwd: REPO_ROOT,
		logFile,
		allowFailure: process.env.M365_PACK_ALLOW_TYPE_ERRORS === '1',
	});
	copyIcons(path.join(REPO_ROOT, 'nodes'), path.join(stageDir, 'dist', 'nodes'));
	copyIcons(path.join(REPO_ROOT, 'credentials'), path.join(stageDir, 'dist', 'credentials'));
	for (const file of SOURCE_FILES.filter((name) => name !== 'tsconfig.json')) {
		const from = path.join(REPO_ROOT, file);
		if (fs.existsSync(from)) fs.copyFileSync(from, path.join(stageDir, file));
	}
	const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', workDir], { cwd: stageDir, logFile });
	const [{ filename }] = JSON.parse(stdout) as Array<{ filename: string }>;
	return path.join(workDir, filename);
}

function pruneOldPacks(packsDir: string, keep: string): void {
	const others = fs
		.readdirSync(packsDir, { withFileTypes: true })
		.filter((entry) => entry.isDirectory() && entry.name !== keep && !entry.name.endsWith('.lock'))
		.map((entry) => path.join(packsDir, entry.name))
		.sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
	for (const old of others.slice(KEEP_PACKS - 1)) fs.rmSync(old, { recursive: true, force: true });
}

let packed: { hash: string; tgz: Promise<string> } | undefined;

/** Returns the path of the .tgz of the current sources, building it when those sources were not packed yet. */
export async function packPackage(): Promise<string> {
	// A build that let type errors through is kept apart from a strict one.
	const hash = sourcesHash() + (process.env.M365_PACK_ALLOW_TYPE_ERRORS === '1' ? '-loose' : '');
	if (packed?.hash !== hash) {
		const tgz = (async () => {
			const packsDir = path.join(cacheRoot(), 'packs');
			const workDir = path.join(packsDir, hash);
			const marker = path.join(workDir, 'tgz-path');
			return await withLock(`${workDir}.lock`, async () => {
				if (fs.existsSync(marker)) return fs.readFileSync(marker, 'utf8');
				fs.rmSync(workDir, { recursive: true, force: true });
				const built = await step('building and packing this package for n8n (tsc, npm pack)', async () => await build(workDir));
				fs.writeFileSync(marker, built);
				pruneOldPacks(packsDir, hash);
				return built;
			});
		})();
		packed = { hash, tgz };
		tgz.catch(() => (packed = undefined));
	}
	return await packed.tgz;
}
