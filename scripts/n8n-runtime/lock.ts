// A cross-process lock on a folder, so parallel test runs wait for one install instead of installing twice.
// mkdir is atomic; the holder's pid inside lets a waiter break the lock of a process that died mid-install.
import * as fs from 'fs';
import * as path from 'path';

const POLL_MS = 500;

function holderIsAlive(lockDir: string): boolean {
	try {
		const pid = Number(fs.readFileSync(path.join(lockDir, 'pid'), 'utf8'));
		if (!Number.isInteger(pid) || pid <= 0) return false;
		process.kill(pid, 0);
		return true;
	} catch (error) {
		// EPERM: the process exists but belongs to someone else.
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

function lockAge(lockDir: string): number {
	try {
		return Date.now() - fs.statSync(lockDir).mtimeMs;
	} catch {
		return 0;
	}
}

export interface LockOptions {
	/** told who holds the lock when a wait starts, and again every WAIT_REPORT_MS while it lasts */
	onWait?: (holderPid: string) => void;
}

const WAIT_REPORT_MS = 15_000;

function holderPid(lockDir: string): string {
	try {
		return fs.readFileSync(path.join(lockDir, 'pid'), 'utf8').trim() || '?';
	} catch {
		return '?';
	}
}

export async function withLock<T>(lockDir: string, work: () => Promise<T>, options: LockOptions = {}): Promise<T> {
	fs.mkdirSync(path.dirname(lockDir), { recursive: true });
	let lastReport = 0;
	for (;;) {
		try {
			fs.mkdirSync(lockDir);
			fs.writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
			break;
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
			// A lock without a pid file is one being created right now, unless it has been like that for long.
			const hasPid = fs.existsSync(path.join(lockDir, 'pid'));
			if ((hasPid && !holderIsAlive(lockDir)) || (!hasPid && lockAge(lockDir) > 10_000)) {
				fs.rmSync(lockDir, { recursive: true, force: true });
				continue;
			}
			if (options.onWait && Date.now() - lastReport >= WAIT_REPORT_MS) {
				lastReport = Date.now();
				options.onWait(holderPid(lockDir));
			}
			await new Promise((resolve) => setTimeout(resolve, POLL_MS));
		}
	}
	try {
		return await work();
	} finally {
		fs.rmSync(lockDir, { recursive: true, force: true });
	}
}
