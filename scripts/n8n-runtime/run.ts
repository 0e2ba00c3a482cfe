// Runs a command to completion with its output appended to a log file, so long installs stay quiet on
// success and a failure reports the end of the log (where npm and node-gyp say what went wrong).
import { spawn } from 'child_process';
import * as fs from 'fs';

export interface RunOptions {
	cwd: string;
	env?: NodeJS.ProcessEnv;
	logFile: string;
	/** resolve with the exit code instead of rejecting when the command fails */
	allowFailure?: boolean;
}

export interface RunResult {
	code: number | null;
	stdout: string;
	stderr: string;
}

const TAIL_CHARS = 4000;

export async function run(command: string, args: string[], options: RunOptions): Promise<RunResult> {
	const log = fs.createWriteStream(options.logFile, { flags: 'a' });
	log.write(`\n$ ${command} ${args.join(' ')}\n`);
	const child = spawn(command, args, {
		cwd: options.cwd,
		env: options.env ?? process.env,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	const stdout: Buffer[] = [];
	const stderr: Buffer[] = [];
	child.stdout.on('data', (chunk: Buffer) => {
		stdout.push(chunk);
		log.write(chunk);
	});
	child.stderr.on('data', (chunk: Buffer) => {
		stderr.push(chunk);
		log.write(chunk);
	});
	const code = await new Promise<number | null>((resolve, reject) => {
		child.on('error', reject);
		child.on('close', resolve);
	});
	await new Promise<void>((resolve) => log.end(resolve));
	const result = { code, stdout: Buffer.concat(stdout).toString(), stderr: Buffer.concat(stderr).toString() };
	if (code !== 0 && !options.allowFailure) {
		const tail = fs.readFileSync(options.logFile, 'utf8').slice(-TAIL_CHARS);
		throw new Error(`${command} ${args.join(' ')} exited with ${code} (log: ${options.logFile}):\n${tail}`);
	}
	return result;
}
