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

/**
 * Packs unused for this long are removed. A pack is "used" (its folder's time touched) each time a process asks for it,
 * so a test run that is still installing its pack in n8n instances never loses it to another checkout building other
 * sources meanwhile (two test runs, or several people's worktrees, share ~/.cache). A pack is about 4 MB.
 */
export const PACK_UNUSED_FOR_MS = 24 * 60 * 60_000;

/** Removes the packs (folders beside `keep`) not used for PACK_UNUSED_FOR_MS. */
export function pruneOldPacks(packsDir: string, keep: string, nowMs = Date.now()): void {
	for (const entry of fs.readdirSync(packsDir, { withFileTypes: true })) {
		if (!entry.isDirectory() || entry.name === keep || entry.name.endsWith('.lock')) continue;
		const dir = path.join(packsDir, entry.name);
		if (nowMs - fs.statSync(dir).mtimeMs > PACK_UNUSED_FOR_MS) fs.rmSync(dir, { recursive: true, force: true });
	}
}

/** Marks a pack as used now (see PACK_UNUSED_FOR_MS). */
function touch(dir: string): void {
	const now = new Date();
	fs.utimesSync(dir, now, now);
}

let packed: { hash: string; tgz: Promise<string>; path?: string } | undefined;

/** Returns the path of the .tgz of the current sources, building it when those sources were not packed yet. */
export async function packPackage(): Promise<string> {
	// A build that let type errors through is kept apart from a strict one.
	const hash = sourcesHash() + (process.env.M365_PACK_ALLOW_TYPE_ERRORS === '1' ? '-loose' : '');
	// The path this process packed is kept only while its file exists (a pack folder removed by hand is rebuilt).
	if (packed?.hash !== hash || (packed.path !== undefined && !fs.existsSync(packed.path))) {
		const tgz = (async () => {
			const packsDir = path.join(cacheRoot(), 'packs');
			const workDir = path.join(packsDir, hash);
			const marker = path.join(workDir, 'tgz-path');
			return await withLock(`${workDir}.lock`, async () => {
				if (fs.existsSync(marker)) {
					const tgz = fs.readFileSync(marker, 'utf8');
					if (fs.existsSync(tgz)) {
						touch(workDir);
						return tgz;
					}
				}
				fs.rmSync(workDir, { recursive: true, force: true });
				const built = await step('building and packing this package for n8n (tsc, npm pack)', async () => await build(workDir));
				fs.writeFileSync(marker, built);
				pruneOldPacks(packsDir, hash);
				return built;
			});
		})();
		const entry: { hash: string; tgz: Promise<string>; path?: string } = { hash, tgz };
		packed = entry;
		void tgz.then(
			(built) => (entry.path = built),
			() => (packed = packed === entry ? undefined : packed),
		);
	}
	return await packed.tgz;
}
