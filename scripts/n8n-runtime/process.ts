// A long-running child (n8n main, an n8n worker, redis) in its own process group with its output in a file.
// Stopping signals the whole group (n8n's task runner is a child of n8n), and every group still running is
// killed when the test process exits, so nothing outlives the run that started it.
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';

export interface ManagedProcess {
	child: ChildProcess;
	logFile: string;
	hasExited(): boolean;
	exited: Promise<void>;
	stop(): Promise<void>;
}

const STOP_GRACE_MS = 20_000;
const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
	if (child.pid === undefined) return;
	try {
		process.kill(-child.pid, signal);
	} catch {
		// already gone
	}
}

function installExitHook(): void {
	if (exitHookInstalled) return;
	exitHookInstalled = true;
	process.on('exit', () => {
		for (const child of running) killGroup(child, 'SIGKILL');
	});
}

export function spawnManaged(
	command: string,
	args: string[],
	options: { cwd: string; env: NodeJS.ProcessEnv; logFile: string },
): ManagedProcess {
	const logFd = fs.openSync(options.logFile, 'a');
	const child = spawn(command, args, {
		cwd: options.cwd,
		env: options.env,
		detached: true,
		stdio: ['ignore', logFd, logFd],
	});
	fs.closeSync(logFd);
	running.add(child);
	installExitHook();
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	const hasExited = () => child.exitCode !== null || child.signalCode !== null;
	return {
		child,
		logFile: options.logFile,
		hasExited,
		exited,
		stop: async () => {
			if (!hasExited()) {
				killGroup(child, 'SIGTERM');
				const grace = setTimeout(() => killGroup(child, 'SIGKILL'), STOP_GRACE_MS);
				await exited;
				clearTimeout(grace);
			}
			// Whatever the group started (n8n's task runner) goes too.
			killGroup(child, 'SIGKILL');
			running.delete(child);
		},
	};
}
