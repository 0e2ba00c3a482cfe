// Shared setup for the guest sync integration tests: the emulator's Contoso tenant with the sync's marker
// attribute registered on the main app, a tenant-app credential pointing at it, and helpers to run the node.
import type { ICredentialDataDecryptedObject, IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { runNode, type RunNodeResult } from '../../harness';
import { startEmulator, SEED_APPS, type Emulator, type RequestFilter } from '../../emulator';
import { tenantAppCredentialData } from '../../support/emulatorCredentials';
import { extensionName, registerExtensionProperty } from '../../emulator/graph/extensionProperties';
import { replicationSettings } from '../../emulator/graph/replication';
import { M365GuestSync } from '../../../nodes/M365GuestSync/M365GuestSync.node';

export const MARKER = extensionName(SEED_APPS.main.appId, 'm365GuestSyncSource');

export async function startTenant(options: { latencyMs?: number } = {}): Promise<Emulator> {
	const emulator = await startEmulator({ latencyMs: options.latencyMs });
	registerExtensionProperty(emulator.state, SEED_APPS.main.appId, 'm365GuestSyncSource');
	return emulator;
}

/** The tenant app's credential pointing at the emulator (test/support/emulatorCredentials.ts). */
export function tenantCredential(emulator: Emulator, appKey: 'main' | 'partial' = 'main'): ICredentialDataDecryptedObject {
	return tenantAppCredentialData(emulator, appKey);
}

/**
 * Lets Entra's replication catch up (test/emulator/graph/replication.ts): moves the emulator clock past the windows in
 * which guests created so far are invisible, as the minutes between two scheduled runs do. No waiting.
 */
export function settle(emulator: Emulator): void {
	const settings = replicationSettings(emulator);
	if (settings) emulator.clock.advance(Math.max(settings.byIdSeconds, settings.filterSeconds) + 1);
}

export interface SourceUserInput {
	email: string;
	displayName?: string;
	companyName?: string;
	jobTitle?: string;
}

export async function runGuestSync(
	emulator: Emulator,
	users: SourceUserInput[],
	parameters: INodeParameters = {},
	/** settle: false runs at once, while guests created just before are still replicating. */
	options: { appKey?: 'main' | 'partial'; continueOnFail?: boolean; settle?: boolean; staticData?: IDataObject; workflowId?: string } = {},
): Promise<RunNodeResult> {
	if (options.settle !== false) settle(emulator);
	return await runNode({
		nodeType: new M365GuestSync(),
		parameters: {
			resource: 'guest',
			operation: 'sync',
			sourceName: 'slack',
			email: '={{ $json.email }}',
			displayName: '={{ $json.displayName }}',
			attributes: { companyName: '={{ $json.companyName ?? "" }}', jobTitle: '={{ $json.jobTitle ?? "" }}' },
			...parameters,
		},
		credentials: { m365TenantAppApi: tenantCredential(emulator, options.appKey) },
		inputItems: users as unknown as IDataObject[],
		continueOnFail: options.continueOnFail,
		staticData: options.staticData,
		workflowId: options.workflowId,
	});
}

export function outputJson(result: RunNodeResult): IDataObject[] {
	if (result.error) throw result.error;
	return (result.items[0] ?? []).map((item: INodeExecutionData) => item.json);
}

export function userResults(result: RunNodeResult): IDataObject[] {
	return outputJson(result).filter((json) => json.type === 'user');
}

export function summaryOf(result: RunNodeResult): IDataObject {
	const summary = outputJson(result).find((json) => json.type === 'summary');
	if (!summary) throw new Error('no summary item');
	return summary;
}

/** Graph writes the emulator received (top-level and inside $batch), reads and the $batch envelope excluded. */
export function writeCount(emulator: Emulator): number {
	const writes: RequestFilter[] = [{ method: 'POST' }, { method: 'PATCH' }, { method: 'DELETE' }, { method: 'PUT' }];
	return writes.reduce((sum, filter) => sum + emulator.requests.count({ host: 'graph', ...filter }), 0) - emulator.requests.count({ host: 'graph', method: 'POST', path: /\$batch$/ });
}

export function guestByMail(emulator: Emulator, email: string) {
	return emulator.state.users().find((record) => (record.user.mail ?? '').toLowerCase() === email.toLowerCase());
}
