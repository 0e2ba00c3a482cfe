// Shared setup for the Teams messaging integration tests: the emulator's Contoso tenant, the integration account
// (and optionally a sender) signed in through the emulator's authorize page, and a runner for the node.
import type { ICredentialDataDecryptedObject, IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { runNode, type RunNodeResult } from '../../harness';
import { SEED_USERS, type Emulator } from '../../emulator';
import type { GraphChatMessage } from '../../emulator/state/types';
import { integrationAccountCredentialData } from '../../support/emulatorCredentials';
import { M365TeamsMessage } from '../../../nodes/M365TeamsMessage/M365TeamsMessage.node';
import { visibleText } from '../../../nodes/M365TeamsMessage/helpers/findPosted';

export type SeedUserKey = keyof typeof SEED_USERS;

/** Delegated credential data for a seed user, as n8n stores it after Connect. */
export async function signedIn(emulator: Emulator, user: SeedUserKey = 'integration'): Promise<ICredentialDataDecryptedObject> {
	const { upn, password } = SEED_USERS[user];
	return await integrationAccountCredentialData(emulator, { user: { upn, password } });
}

export interface TeamsRun {
	integration: ICredentialDataDecryptedObject;
	sender?: ICredentialDataDecryptedObject;
	continueOnFail?: boolean;
	inputItems?: IDataObject[];
}

export async function runTeams(parameters: INodeParameters, run: TeamsRun): Promise<RunNodeResult> {
	const credentials: Record<string, ICredentialDataDecryptedObject> = { m365IntegrationAccountOAuth2Api: run.integration };
	if (run.sender) credentials.m365UserOAuth2Api = run.sender;
	return await runNode({
		nodeType: new M365TeamsMessage(),
		parameters,
		credentials,
		inputItems: run.inputItems,
		continueOnFail: run.continueOnFail,
	});
}

export function outputJson(result: RunNodeResult): IDataObject[] {
	if (result.error) throw result.error;
	return (result.items[0] ?? []).map((item: INodeExecutionData) => item.json);
}

export const locator = (value: string, mode = 'id') => ({ __rl: true, mode, value });

/** Messages of a channel or chat straight from the emulator's state (no node involved). */
export function channelMessages(emulator: Emulator, channelId: string): GraphChatMessage[] {
	return emulator.state.data.channels[channelId]?.messages ?? [];
}

export function chatMessages(emulator: Emulator, chatId: string): GraphChatMessage[] {
	return emulator.state.chat(chatId)?.messages ?? [];
}

/** Messages counted by what a reader sees: a text seen twice (where each item had its own text) is a duplicate post. */
export function textCounts(messages: GraphChatMessage[]): Map<string, number> {
	const counts = new Map<string, number>();
	for (const message of messages) {
		const text = visibleText(message.body?.content);
		counts.set(text, (counts.get(text) ?? 0) + 1);
	}
	return counts;
}
