// n8n's own CLI against an instance's user folder: import credentials and workflows, run a workflow headless.
// Each command boots n8n (about ten seconds), so tests prefer the REST API when the instance is running.
import type { IRun } from 'n8n-workflow';
import * as fs from 'fs';
import * as path from 'path';

import { parseLogEntries, type N8nInstance } from './instance';
import { freePort } from './ports';
import { run, type RunResult } from './run';

export interface CredentialImport {
	id: string;
	name: string;
	type: string;
	/** plain credential data; n8n encrypts it with the instance's key on import */
	data: Record<string, unknown>;
}

export interface WorkflowImport {
	id?: string;
	name: string;
	nodes: unknown[];
	connections: Record<string, unknown>;
	settings?: Record<string, unknown>;
	active?: boolean;
	[key: string]: unknown;
}

type CliInstance = Pick<N8nInstance, 'runtime' | 'userFolder' | 'env'>;

let fileCounter = 0;

function scratchFile(instance: CliInstance, what: string, content: unknown): string {
	const dir = path.join(instance.userFolder, 'cli-input');
	fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
	const file = path.join(dir, `${what}-${process.pid}-${++fileCounter}.json`);
	fs.writeFileSync(file, JSON.stringify(content), { mode: 0o600 });
	return file;
}

/**
 * Runs `n8n <args>` on the instance's user folder. Logs go out as JSON lines, so a command's result (which n8n
 * prints through its logger) can be told from everything else; a broker port of its own keeps the CLI's task
 * runner from clashing with the running instance.
 */
export async function n8nCli(instance: CliInstance, args: string[], allowFailure = false): Promise<RunResult> {
	const env = {
		...instance.env,
		N8N_RUNNERS_BROKER_PORT: String(await freePort()),
		N8N_PORT: String(await freePort()),
		N8N_LOG_OUTPUT: 'console',
		N8N_LOG_FORMAT: 'json',
	};
	return await run(instance.runtime.nodeBin, [instance.runtime.n8nBin, ...args], {
		cwd: instance.userFolder,
		env,
		logFile: path.join(instance.userFolder, 'cli.log'),
		allowFailure,
	});
}

export async function importCredentials(instance: CliInstance, credentials: CredentialImport[]): Promise<void> {
	const file = scratchFile(instance, 'credentials', credentials);
	try {
		await n8nCli(instance, ['import:credentials', `--input=${file}`]);
	} finally {
		// The file holds the credentials' secrets in plain text.
		fs.rmSync(file, { force: true });
	}
}

/** Imports one workflow (inactive: n8n activates only through the REST API or a restart in queue mode). */
export async function importWorkflow(instance: CliInstance, workflow: WorkflowImport): Promise<void> {
	const file = scratchFile(instance, 'workflow', [workflow]);
	await n8nCli(instance, ['import:workflow', `--input=${file}`]);
}

function logMessages(stdout: string): string[] {
	return parseLogEntries(stdout).map((entry) => entry.message);
}

export class WorkflowExecutionFailed extends Error {
	constructor(
		readonly workflowId: string,
		readonly output: string,
		readonly result?: IRun,
	) {
		super(`n8n execute --id=${workflowId} failed: ${result?.data.resultData.error?.message ?? output.slice(-2000)}`);
	}
}

/**
 * Runs a stored workflow headless with `n8n execute --id` and returns n8n's run data (IRun): per node,
 * `result.data.resultData.runData[nodeName][run].data.main[output][item].json`. A failed run throws
 * WorkflowExecutionFailed carrying the run data when n8n printed it.
 */
export async function executeWorkflow(instance: CliInstance, workflowId: string): Promise<IRun> {
	const { code, stdout, stderr } = await n8nCli(instance, ['execute', `--id=${workflowId}`, '--rawOutput'], true);
	const result = logMessages(stdout)
		.filter((message) => message.startsWith('{'))
		.map((message) => JSON.parse(message) as IRun)
		.pop();
	if (code !== 0 || !result || result.data.resultData.error) {
		throw new WorkflowExecutionFailed(workflowId, `${stdout}\n${stderr}`, result);
	}
	return result;
}
