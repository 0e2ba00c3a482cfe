// The sender credential's tests: n8n's Test button runs the credential's own request (GET /me, copied from the
// integration account); the node's m365UserTest function gives the fuller answer (who, licence) in the sender's words.
import { callCredentialTestFunction, testCredential } from '../../harness';
import { startEmulator, type Emulator } from '../../emulator';
import { M365TeamsMessage } from '../../../nodes/M365TeamsMessage/M365TeamsMessage.node';
import { signedIn } from './setup';

let emulator: Emulator;
beforeAll(async () => {
	emulator = await startEmulator();
});
afterAll(async () => {
	await emulator.close();
});

describe('sender credential test', () => {
	const testFunction = async (data: Awaited<ReturnType<typeof signedIn>>) =>
		await callCredentialTestFunction({ credentialType: 'm365UserOAuth2Api', data, nodeType: new M365TeamsMessage(), functionName: 'm365UserTest' });

	it("the Test button's request passes for a signed-in sender", async () => {
		const result = await testCredential({ credentialType: 'm365UserOAuth2Api', data: await signedIn(emulator, 'adele'), nodeTypes: [new M365TeamsMessage()] });
		expect(result.status).toBe('OK');
	});

	it('the test function says who is signed in and that they have Teams', async () => {
		const result = await testFunction(await signedIn(emulator, 'adele'));
		expect(result.status).toBe('OK');
		expect(result.message).toMatch(/^Signed in as Adele Vance \(/);
	});

	it('the test function says the sender is not signed in before Connect', async () => {
		const data = await signedIn(emulator, 'adele');
		delete data.oauthTokenData;
		expect(await testFunction(data)).toEqual({ status: 'Error', message: expect.stringMatching(/^The sender is not signed in/) });
	});
});
