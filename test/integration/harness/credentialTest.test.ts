import {
	callCredentialTestFunction,
	OAUTH2_CREDENTIAL_TEST_FAILED,
	OAUTH2_CREDENTIAL_TEST_SUCCEEDED,
	testCredential,
} from '../../harness';
import { sendJson, startLocalHttpsServer, type LocalHttpsServer } from './localHttpsServer';
import {
	HarnessFunctionSignedApi,
	HarnessOAuth2Api,
	HarnessPickerNode,
	HarnessTokenApi,
} from './testNodes';

describe('credential tests as the Test button runs them', () => {
	let api: LocalHttpsServer;
	const credentialTypes = [
		new HarnessTokenApi(),
		new HarnessFunctionSignedApi(),
		new HarnessOAuth2Api(),
	];

	beforeAll(async () => {
		api = await startLocalHttpsServer();
		api.handle((request, response) => {
			const key = request.headers['x-api-key'] ?? request.headers.authorization;
			if (key === 'good' || key === 'Bearer good') sendJson(response, 200, { name: 'Adele Vance' });
			else if (key === 'Bearer forbidden') sendJson(response, 403, {});
			else sendJson(response, 500, {});
		});
	});
	afterAll(async () => {
		await api.close();
	});

	const host = () => new URL(api.url).host;

	describe("the credential's own request test (it wins over any node's testedBy)", () => {
		it.each([
			['good', { status: 'OK', message: 'Connection successful!' }],
			['forbidden', { status: 'Error', message: 'The token has no access' }],
			['broken', { status: 'Error', message: 'Internal Server Error' }],
		])('token %s', async (apiToken, expected) => {
			const result = await testCredential({
				credentialType: 'harnessTokenApi',
				data: { host: host(), apiToken },
				credentialTypes,
			});

			expect(result).toEqual(expected);
		});

		it('reports a connection failure by its error code', async () => {
			const result = await testCredential({
				credentialType: 'harnessTokenApi',
				data: { host: '127.0.0.1:1', apiToken: 'good' },
				credentialTypes,
			});

			expect(result).toEqual({ status: 'Error', message: 'ECONNREFUSED' });
		});
	});

	describe("a node's testedBy function", () => {
		it("gets the credential with defaults applied and n8n's credential-test context", async () => {
			const ok = await testCredential({
				credentialType: 'harnessFunctionSignedApi',
				data: { host: host(), key: 'good' },
				nodeTypes: [new HarnessPickerNode()],
				credentialTypes,
			});
			const incomplete = await testCredential({
				credentialType: 'harnessFunctionSignedApi',
				data: { host: host() },
				nodeTypes: [new HarnessPickerNode()],
				credentialTypes,
			});

			expect(ok).toEqual({ status: 'OK', message: 'Signed in as Adele Vance' });
			expect(incomplete).toEqual({
				status: 'Error',
				message: 'Account credentials are incomplete: Key',
			});
		});

		it('is not found when no node names one', async () => {
			const result = await testCredential({
				credentialType: 'harnessFunctionSignedApi',
				data: {},
				credentialTypes,
			});

			expect(result).toEqual({
				status: 'Error',
				message: 'No testing function found for this credential.',
			});
		});
	});

	describe('an OAuth2 credential', () => {
		it("gets n8n's fixed access-token check, not the node's testedBy function", async () => {
			const connected = await testCredential({
				credentialType: 'harnessOAuth2Api',
				data: { host: host(), oauthTokenData: { access_token: 'a', refresh_token: 'r' } },
				nodeTypes: [new HarnessPickerNode()],
				credentialTypes,
			});
			const notConnected = await testCredential({
				credentialType: 'harnessOAuth2Api',
				data: { host: host() },
				nodeTypes: [new HarnessPickerNode()],
				credentialTypes,
			});

			expect(connected).toEqual({ status: 'OK', message: OAUTH2_CREDENTIAL_TEST_SUCCEEDED });
			expect(notConnected).toEqual({ status: 'Error', message: OAUTH2_CREDENTIAL_TEST_FAILED });
		});

		it('can still have its function called directly', async () => {
			const result = await callCredentialTestFunction({
				nodeType: new HarnessPickerNode(),
				functionName: 'harnessKeyTest',
				credentialType: 'harnessOAuth2Api',
				data: { host: host() },
				credentialTypes,
			});

			expect(result).toEqual({
				status: 'Error',
				message: 'Account credentials are incomplete: Key',
			});
		});
	});
});
