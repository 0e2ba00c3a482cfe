// Shared setup for the Teams presence integration tests: the emulator's Contoso tenant, tenant-app credentials
// pointing at it, and a runner for the node.
import type { ICredentialDataDecryptedObject, IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { runNode, type RunNodeResult } from '../../harness';
import type { Emulator } from '../../emulator';
import { tenantAppCredentialData } from '../../support/emulatorCredentials';
import { aggregatePresence } from '../../emulator/graph/presence';
import { M365TeamsPresence } from '../../../nodes/M365TeamsPresence/M365TeamsPresence.node';

/** The tenant app's credential pointing at the emulator (test/support/emulatorCredentials.ts). */
export function tenantCredential(emulator: Emulator, appKey: 'main' | 'partial' = 'main'): ICredentialDataDecryptedObject {
	return tenantAppCredentialData(emulator, appKey);
}

export async function runPresence(
	emulator: Emulator,
	parameters: INodeParameters,
	options: {
		appKey?: 'main' | 'partial';
		continueOnFail?: boolean;
		inputItems?: IDataObject[];
		staticData?: IDataObject;
		timezone?: string;
		workflowId?: string;
		mode?: 'manual' | 'trigger' | 'webhook';
		/** The credential's National Cloud (the hosts stay the emulator's). */
		cloud?: string;
	} = {},
): Promise<RunNodeResult> {
	return await runNode({
		nodeType: new M365TeamsPresence(),
		parameters: { authentication: 'm365TenantAppApi', ...parameters },
		credentials: { m365TenantAppApi: { ...tenantCredential(emulator, options.appKey), ...(options.cloud ? { cloud: options.cloud } : {}) } },
		inputItems: options.inputItems,
		continueOnFail: options.continueOnFail,
		staticData: options.staticData,
		timezone: options.timezone,
		workflowId: options.workflowId,
		mode: options.mode,
	});
}

export function outputJson(result: RunNodeResult): IDataObject[] {
	if (result.error) throw result.error;
	return (result.items[0] ?? []).map((item: INodeExecutionData) => item.json);
}

/** Aggregated presence as Graph shows it now, straight from the emulator (no node involved). */
export function presenceOf(emulator: Emulator, userId: string): { availability: string; activity: string } {
	const record = emulator.state.presenceOf(userId);
	if (!record) throw new Error(`no presence record for ${userId}`);
	const shown = aggregatePresence(record, emulator.clock.nowMs(), (emulator.state.data.areas.presence as { sessionSetAt?: Record<string, Record<string, number>> } | undefined)?.sessionSetAt?.[userId]);
	return { availability: shown.availability as string, activity: shown.activity as string };
}
