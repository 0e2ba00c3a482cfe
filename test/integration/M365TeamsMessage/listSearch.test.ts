// The shared team, channel, chat and user searches behind the resource locators, as n8n calls them from the
// editor, with the integration account (what a Teams user sees) and with the tenant app (everything).
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { runListSearch } from '../../harness';
import { SEED_CHANNELS, SEED_CHATS, SEED_TEAMS, SEED_USERS, startEmulator, type Emulator } from '../../emulator';
import { tenantAppCredentialData } from '../../support/emulatorCredentials';
import { M365GuestSync } from '../../../nodes/M365GuestSync/M365GuestSync.node';
import { M365TeamsMessage } from '../../../nodes/M365TeamsMessage/M365TeamsMessage.node';
import { locator, signedIn } from './setup';

let emulator: Emulator;
let integration: ICredentialDataDecryptedObject;
beforeAll(async () => {
	emulator = await startEmulator();
	integration = await signedIn(emulator, 'integration');
});
afterAll(async () => {
	await emulator.close();
});

const search = async (method: string, options: { filter?: string; parameters?: Record<string, unknown>; credentials?: Record<string, ICredentialDataDecryptedObject> } = {}) =>
	await runListSearch({
		nodeType: new M365TeamsMessage(),
		method,
		filter: options.filter,
		parameters: { resource: 'channelMessage', operation: 'post', ...(options.parameters ?? {}) } as never,
		credentials: options.credentials ?? { m365IntegrationAccountOAuth2Api: integration },
	});

describe('list searches', () => {
	it('teams: the joined teams of the integration account, filtered by name', async () => {
		const all = await search('searchTeams');
		expect(all.results.map((result) => result.name)).toEqual(['Engineering', 'Sales']);
		expect(all.results.find((result) => result.name === 'Sales')?.value).toBe(SEED_TEAMS.sales.id);
		expect((await search('searchTeams', { filter: 'sal' })).results.map((result) => result.value)).toEqual([SEED_TEAMS.sales.id]);
	});

	it('channels: of the chosen team, private ones marked, only those the account may see', async () => {
		const result = await search('searchChannels', { parameters: { teamId: locator(SEED_TEAMS.sales.id) } });
		expect(result.results.map((channel) => channel.name)).toEqual(['Deals', 'General', 'Partners (private)']);
		expect(result.results.find((channel) => channel.name === 'General')?.value).toBe(SEED_CHANNELS.salesGeneral.id);
	});

	it('chats: named by topic or by the other member', async () => {
		const result = await search('searchChats');
		const names = Object.fromEntries(result.results.map((chat) => [chat.value, chat.name]));
		expect(names[SEED_CHATS.projectFalcon.id]).toBe('Project Falcon');
		expect(names[SEED_CHATS.adeleIntegration.id]).toBe('Adele Vance (1:1)');
		expect(names[SEED_CHATS.leadershipSync.id]).toBeUndefined();
		expect((await search('searchChats', { filter: 'falcon' })).results.map((chat) => chat.value)).toEqual([SEED_CHATS.projectFalcon.id]);
	});

	it('users: by the start of name, UPN or mail', async () => {
		const result = await search('searchUsers', { filter: 'Adele' });
		expect(result.results).toEqual([{ name: `Adele Vance (${SEED_USERS.adele.upn})`, value: SEED_USERS.adele.id }]);
	});

	it('with only the tenant app (a node that uses it, such as Guest Sync): every team', async () => {
		const teams = await runListSearch({
			nodeType: new M365GuestSync(),
			method: 'searchTeams',
			parameters: { resource: 'guest', operation: 'sync' } as never,
			credentials: { m365TenantAppApi: tenantAppCredentialData(emulator) },
		});
		expect(teams.results.map((team) => team.name)).toEqual(['Engineering', 'Marketing', 'Sales']);
		expect(teams.results[0].url).toContain('teams.microsoft.com/l/team/');
	});
});
