// The e2e suite's packs live in ~/.cache, shared by every checkout and test run on the machine. A run still installing
// its pack into n8n instances must not lose it because another checkout packed other sources meanwhile (a CI-style run
// beside a second one once failed so: `npm install <pack>.tgz` ENOENT after five newer packs pushed it out).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { PACK_UNUSED_FOR_MS, pruneOldPacks } from '../../../scripts/n8n-runtime/pack';

describe('pruneOldPacks', () => {
	let packsDir: string;
	beforeEach(() => {
		packsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'm365-packs-'));
	});
	afterEach(() => {
		fs.rmSync(packsDir, { recursive: true, force: true });
	});

	function pack(name: string, lastUsedMs: number): void {
		const dir = path.join(packsDir, name);
		fs.mkdirSync(dir);
		fs.writeFileSync(path.join(dir, 'n8n-nodes-m365-integration-0.1.0.tgz'), 'tgz');
		fs.utimesSync(dir, new Date(lastUsedMs), new Date(lastUsedMs));
	}

	it('keeps every pack used within the window, however many other packs were built since', () => {
		const now = Date.parse('2026-12-05T05:00:00Z');
		for (let i = 0; i < 12; i += 1) pack(`recent${i}`, now - i * 60_000);
		pruneOldPacks(packsDir, 'recent0', now);
		expect(fs.readdirSync(packsDir).sort()).toEqual(Array.from({ length: 12 }, (_, i) => `recent${i}`).sort());
	});

	it('removes packs unused for longer than the window, never the one asked for', () => {
		const now = Date.parse('2026-12-05T05:00:00Z');
		pack('current', now - 2 * PACK_UNUSED_FOR_MS);
		pack('stale', now - PACK_UNUSED_FOR_MS - 1_000);
		pack('fresh', now - PACK_UNUSED_FOR_MS + 60_000);
		fs.writeFileSync(path.join(packsDir, 'stale.lock'), '');
		pruneOldPacks(packsDir, 'current', now);
		expect(fs.readdirSync(packsDir).sort()).toEqual(['current', 'fresh', 'stale.lock']);
	});
});
