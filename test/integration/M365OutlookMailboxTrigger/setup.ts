// Shared setup for the mailbox trigger's integration tests: the emulator's Contoso tenant (optionally with many
// extra mailboxes), a tenant-app credential pointing at it, and a poller that carries static data like n8n does.
import type { ICredentialDataDecryptedObject, IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { runPoll, type RunPollResult } from '../../harness';
import { generateLargeTenant, SEED_USERS, startEmulator, type Emulator } from '../../emulator';
import { tenantAppCredentialData } from '../../support/emulatorCredentials';
import { M365OutlookMailboxTrigger } from '../../../nodes/M365OutlookMailboxTrigger/M365OutlookMailboxTrigger.node';

export const SUPPORT = SEED_USERS.support.upn;
export const SALES = SEED_USERS.salesDesk.upn;
export const ADELE = SEED_USERS.adele.upn;

export async function startTenant(options: { extraUsers?: number; clockStart?: string } = {}): Promise<Emulator> {
	return await startEmulator({
		seed: options.extraUsers ? generateLargeTenant(options.extraUsers) : undefined,
		clockStart: options.clockStart,
	});
}

/** The tenant app's credential pointing at the emulator (test/support/emulatorCredentials.ts). */
export function tenantCredential(emulator: Emulator, appKey: 'main' | 'partial' | 'noConsent' = 'main'): ICredentialDataDecryptedObject {
	return tenantAppCredentialData(emulator, appKey);
}

export { extraMailboxes } from '../../support/extraMailboxes';

export function mailboxParameters(mailboxes: string[], extra: INodeParameters = {}): INodeParameters {
	return {
		authentication: 'm365TenantAppApi',
		mailboxScope: 'list',
		mailboxes: { mailbox: mailboxes.map((address) => ({ mailbox: { __rl: true, mode: 'address', value: address } })) },
		...extra,
	};
}

/** Polls like an active workflow: static data carried from one poll to the next. */
export class Poller {
	staticData: IDataObject = {};

	credentials: Record<string, IDataObject>;

	constructor(
		emulator: Emulator,
		public parameters: INodeParameters,
		credentials?: Record<string, IDataObject>,
	) {
		this.credentials = credentials ?? { m365TenantAppApi: tenantCredential(emulator) };
	}

	async poll(mode: 'trigger' | 'manual' = 'trigger'): Promise<RunPollResult> {
		const result = await runPoll({
			nodeType: new M365OutlookMailboxTrigger(),
			parameters: this.parameters,
			credentials: this.credentials as never,
			staticData: this.staticData,
			mode,
		});
		// n8n keeps the cursor staged by a failed poll out of the saved workflow.
		if (!result.error && mode === 'trigger') this.staticData = result.staticData;
		return result;
	}
}

export function jsonOf(result: RunPollResult): IDataObject[] {
	if (result.error) throw result.error;
	return (result.items?.[0] ?? []).map((item: INodeExecutionData) => item.json);
}
