// The integration account (delegated) reading presence and setting its own.
import type { ICredentialDataDecryptedObject, INodeParameters } from 'n8n-workflow';

import { runNode } from '../../harness';
import { SEED_APPS, SEED_USERS, startEmulator, type Emulator } from '../../emulator';
import { integrationAccountCredentialData } from '../../support/emulatorCredentials';
import { M365TeamsPresence } from '../../../nodes/M365TeamsPresence/M365TeamsPresence.node';
import { outputJson, presenceOf } from './setup';

describe('Teams presence with the integration account', () => {
	let emulator: Emulator;
	let credential: ICredentialDataDecryptedObject;

	beforeAll(async () => {
		emulator = await startEmulator();
		credential = await integrationAccountCredentialData(emulator);
	});
	afterAll(async () => {
		await emulator.close();
	});

	const run = async (parameters: INodeParameters) =>
		await runNode({
			nodeType: new M365TeamsPresence(),
			parameters: { authentication: 'm365IntegrationAccountOAuth2Api', ...parameters },
			credentials: { m365IntegrationAccountOAuth2Api: credential },
		});

	it('reads other users and sets its own application presence', async () => {
		const read = outputJson(await run({ resource: 'presence', operation: 'get', users: `${SEED_USERS.alex.id}, ${SEED_USERS.integration.upn}` }));
		expect(read.map((row) => row.availability)).toEqual(['Busy', 'Available']);
		const own = { __rl: true, mode: 'id', value: SEED_USERS.integration.id };
		const set = outputJson(await run({ resource: 'presence', operation: 'setPresence', userId: own, status: 'Busy/InAConferenceCall' }));
		expect(set[0]).toMatchObject({ sessionId: SEED_APPS.main.appId });
		expect(presenceOf(emulator, SEED_USERS.integration.id)).toEqual({ availability: 'Busy', activity: 'InAConferenceCall' });
	});

	it("may not set another user's presence", async () => {
		const result = await run({ resource: 'presence', operation: 'setPresence', userId: { __rl: true, mode: 'id', value: SEED_USERS.adele.id } });
		expect((result.error as { httpCode?: string }).httpCode).toBe('403');
	});
});
