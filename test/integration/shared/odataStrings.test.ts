// Text from users and other systems put into a `$filter` reaches Graph as written: every caller that builds a filter
// from such text quotes it with nodes/shared/odata.ts (a ' doubled) and lets the one URL encoding carry
// ' & # + % (RFC 3986). Each case below finds an object whose name holds all of them; a lost character, a `+` read as
// a space, a `#` cutting the URL or an `&` splitting the query would find nothing or make the filter invalid.
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { runListSearch } from '../../harness';
import { SEED_CHANNELS, SEED_TENANT, SEED_USERS, startEmulator, type Emulator } from '../../emulator';
import { buildTeam, buildUser } from '../../emulator/state/builders';
import { stableGuid } from '../../emulator/state/ids';
import { integrationAccountCredentialData, tenantAppCredentialData } from '../../support/emulatorCredentials';
import { M365GuestSync } from '../../../nodes/M365GuestSync/M365GuestSync.node';
import { M365OutlookMailboxTrigger } from '../../../nodes/M365OutlookMailboxTrigger/M365OutlookMailboxTrigger.node';
import { M365TeamsMessage } from '../../../nodes/M365TeamsMessage/M365TeamsMessage.node';
import { guestByMail, MARKER, runGuestSync, startTenant, summaryOf, userResults } from '../M365GuestSync/setup';
import { outputJson as presenceOutput, runPresence } from '../M365TeamsPresence/setup';
import { locator, outputJson as teamsOutput, runTeams } from '../M365TeamsMessage/setup';

const NAME = "O'Brien & Sons #1 +10%";
/** A mail address may hold ' & + % (RFC 5322); it is not a user principal name, so it is looked up by mail. */
const MAIL = `o'brien+sales&ops%1@${SEED_TENANT.initialDomain}`;
const USER_ID = stableGuid('user:obrien');
const TEAM_ID = stableGuid('team:obrien');

function addNamedObjects(emulator: Emulator): void {
	emulator.state.addUser(
		buildUser({ id: USER_ID, displayName: NAME, upn: `OBrien@${SEED_TENANT.initialDomain}`, mail: MAIL, kind: 'member', licences: ['SPE_E3'] }),
	);
	emulator.state.data.teams[TEAM_ID] = buildTeam(TEAM_ID, NAME, 'Quoting test', 'public', SEED_TENANT.id, []);
}

describe('OData string literals from outside text reach Graph intact', () => {
	let emulator: Emulator;
	let integration: ICredentialDataDecryptedObject;
	beforeAll(async () => {
		emulator = await startEmulator();
		addNamedObjects(emulator);
		const { upn, password } = SEED_USERS.integration;
		integration = await integrationAccountCredentialData(emulator, { user: { upn, password } });
	});
	afterAll(async () => {
		await emulator.close();
	});

	it('user search (startswith on name, UPN, mail)', async () => {
		const found = await runListSearch({
			nodeType: new M365TeamsMessage(),
			method: 'searchUsers',
			filter: NAME,
			parameters: { resource: 'channelMessage', operation: 'post' } as never,
			credentials: { m365IntegrationAccountOAuth2Api: integration },
		});
		expect(found.results.map((result) => result.value)).toEqual([USER_ID]);
	});

	it('mailbox search', async () => {
		const found = await runListSearch({
			nodeType: new M365OutlookMailboxTrigger(),
			method: 'searchMailboxes',
			filter: NAME,
			parameters: {} as never,
			credentials: { m365TenantAppApi: tenantAppCredentialData(emulator) },
		});
		expect(found.results.map((result) => result.name)).toEqual([`${NAME} (${MAIL})`]);
	});

	it('team search with the tenant app', async () => {
		const found = await runListSearch({
			nodeType: new M365GuestSync(),
			method: 'searchTeams',
			filter: NAME,
			parameters: { resource: 'guest', operation: 'sync' } as never,
			credentials: { m365TenantAppApi: tenantAppCredentialData(emulator) },
		});
		expect(found.results.map((result) => result.value)).toEqual([TEAM_ID]);
	});

	it('Teams Message: a mention given by mail address (mail or otherMails)', async () => {
		const result = await runTeams(
			{
				resource: 'channelMessage',
				operation: 'post',
				teamId: locator(SEED_CHANNELS.salesGeneral.teamId),
				channelId: locator(SEED_CHANNELS.salesGeneral.id),
				contentType: 'text',
				content: 'Quote ready',
				options: { mentions: MAIL },
			},
			{ integration },
		);
		const [message] = teamsOutput(result);
		expect((message.mentions as Array<{ mentioned: { user: { id: string } } }>).map((m) => m.mentioned.user.id)).toEqual([USER_ID]);
	});

	it('Teams Presence: users given by mail address (`mail in (...)` in a $batch)', async () => {
		const result = await runPresence(emulator, { resource: 'presence', operation: 'get', users: MAIL });
		expect(presenceOutput(result).map((json) => json.userId)).toEqual([USER_ID]);
	});
});

describe('Guest Sync: a source name holding quotes and URL characters', () => {
	let emulator: Emulator;
	beforeAll(async () => {
		emulator = await startTenant();
	});
	afterAll(async () => {
		await emulator.close();
	});

	it("marks with it, and finds its guests by it (`marker eq '...'`): the one who left is disabled", async () => {
		const people = [{ email: 'ada@partner.example' }, { email: 'grace@partner.example' }];
		const first = await runGuestSync(emulator, people, { sourceName: NAME });
		expect(userResults(first).map((json) => json.action)).toEqual(['invited', 'invited']);
		expect(guestByMail(emulator, 'ada@partner.example')?.user).toMatchObject({ [MARKER]: NAME });

		const second = await runGuestSync(emulator, people.slice(1), { sourceName: NAME, removal: 'disable', inputIsComplete: true });
		expect(second.error).toBeUndefined();
		expect(summaryOf(second)).toMatchObject({ unchanged: 1 });
		expect(guestByMail(emulator, 'ada@partner.example')?.user.accountEnabled).toBe(false);
	});
});
