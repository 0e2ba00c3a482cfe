// Builds the package and packs it the way npm publishes it, in a temporary folder: the checkout's dist/ is
// never touched, so parallel e2e runs and helpers working in the same tree do not race on it.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { run } from './run';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** What gulpfile.js's build:icons does: icons next to the compiled code, where n8n resolves `file:` icons. */
function copyIcons(sourceDir: string, targetDir: string): void {
	if (!fs.existsSync(sourceDir)) return;
	for (const entry of fs.readdirSync(sourceDir, { recursive: true, withFileTypes: true })) {
		if (!entry.isFile() || !/\.(png|svg)$/.test(entry.name)) continue;
		const from = path.join(entry.parentPath, entry.name);
		const to = path.join(targetDir, path.relative(sourceDir, from));
		fs.mkdirSync(path.dirname(to), { recursive: true });
		fs.copyFileSync(from, to);
	}
}

let packed: Promise<string> | undefined;

/** Returns the path of the .tgz; built once per process. */
export async function packPackage(): Promise<string> {
	packed ??= (async () => {
		const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'm365-pack-'));
		const stageDir = path.join(workDir, 'package');
		const logFile = path.join(workDir, 'pack.log');
		fs.mkdirSync(stageDir);
		const tsc = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsc');
		// tsc writes the JavaScript even when types fail; M365_PACK_ALLOW_TYPE_ERRORS=1 accepts that while the
		// tree is mid-change (never in CI: `npm test` type-checks first).
		const allowTypeErrors = process.env.M365_PACK_ALLOW_TYPE_ERRORS === '1';
		await run(tsc, ['-p', 'tsconfig.json', '--outDir', path.join(stageDir, 'dist')], {
			cwd: REPO_ROOT,
			logFile,
			allowFailure: allowTypeErrors,
		});
		copyIcons(path.join(REPO_ROOT, 'nodes'), path.join(stageDir, 'dist', 'nodes'));
		copyIcons(path.join(REPO_ROOT, 'credentials'), path.join(stageDir, 'dist', 'credentials'));
		for (const file of ['package.json', 'index.js', 'README.md', 'LICENSE', 'LICENSE.md']) {
			const from = path.join(REPO_ROOT, file);
			if (fs.existsSync(from)) fs.copyFileSync(from, path.join(stageDir, file));
		}
		const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', workDir], {
			cwd: stageDir,
			logFile,
		});
		const [{ filename }] = JSON.parse(stdout) as Array<{ filename: string }>;
		return path.join(workDir, filename);
	})();
	packed.catch(() => (packed = undefined));
	return await packed;
}
