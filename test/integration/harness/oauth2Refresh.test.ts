import { URLSearchParams } from 'node:url';

import { runNode } from '../../harness';
import { startLocalHttpsServer, sendJson, type LocalHttpsServer } from './localHttpsServer';
import { HarnessFetchNode, HarnessOAuth2Api } from './testNodes';

// A token endpoint that rotates the refresh token on every use, and an API that accepts only the current
// access token: the shape of Entra ID's refresh-token grant, reduced to what proves the harness.
function serveRotatingTokens(server: LocalHttpsServer) {
	const state = {
		accessToken: 'access-2',
		refreshToken: 'refresh-1',
		refreshes: 0,
		revoked: false,
	};
	server.handle((request, response) => {
		if (request.method === 'POST' && request.path === '/token') {
			const form = new URLSearchParams(request.body);
			if (state.revoked || form.get('refresh_token') !== state.refreshToken) {
				sendJson(response, 400, {
					error: 'invalid_grant',
					error_description: 'AADSTS70000: The refresh token was revoked.',
				});
				return;
			}
			state.refreshes++;
			state.refreshToken = `refresh-${state.refreshes + 1}`;
			sendJson(response, 200, {
				token_type: 'Bearer',
				access_token: state.accessToken,
				refresh_token: state.refreshToken,
				expires_in: 3600,
				scope: form.get('scope') ?? '',
			});
			return;
		}
		if (request.headers.authorization !== `Bearer ${state.accessToken}`) {
			sendJson(response, 401, {
				error: { code: 'InvalidAuthenticationToken', message: 'Access token has expired.' },
			});
			return;
		}
		sendJson(response, 200, { displayName: 'Integration Account' });
	});
	return state;
}

describe('OAuth2 credentials through n8n-core requestOAuth2', () => {
	let server: LocalHttpsServer;

	beforeAll(async () => {
		server = await startLocalHttpsServer();
	});
	afterAll(async () => {
		await server.close();
	});
	beforeEach(() => {
		server.received.length = 0;
	});

	function credentialData() {
		return {
			host: new URL(server.url).host,
			clientId: 'client-1',
			clientSecret: 'secret-1',
			oauthTokenData: {
				token_type: 'Bearer',
				access_token: 'access-1',
				refresh_token: 'refresh-1',
			},
		};
	}

	it('refreshes an expired token on 401 against the URL from the credential expression and saves the rotated refresh token', async () => {
		const tokens = serveRotatingTokens(server);

		const result = await runNode({
			nodeType: new HarnessFetchNode(),
			parameters: { authentication: 'oAuth2', baseUrl: server.url, path: '/me' },
			credentials: { harnessOAuth2Api: credentialData() },
			credentialTypes: [new HarnessOAuth2Api()],
		});

		expect(result.error).toBeUndefined();
		expect(result.items[0].map((item) => item.json)).toEqual([
			{ displayName: 'Integration Account' },
		]);
		expect(tokens.refreshes).toBe(1);
		const tokenRequest = server.received.find((request) => request.path === '/token');
		expect(Object.fromEntries(new URLSearchParams(tokenRequest?.body))).toEqual(
			expect.objectContaining({
				grant_type: 'refresh_token',
				refresh_token: 'refresh-1',
				client_id: 'client-1',
			}),
		);
		const saved = result.credentials.harnessOAuth2Api.oauthTokenData as Record<string, unknown>;
		expect(saved).toEqual(
			expect.objectContaining({ access_token: 'access-2', refresh_token: 'refresh-2' }),
		);
		// Saved as stored data, not with the credential's defaults merged in.
		expect(result.credentials.harnessOAuth2Api.accessTokenUrl).toBeUndefined();
	});

	it('turns a revoked refresh token into n8n\'s "needs to be reconnected" error', async () => {
		const tokens = serveRotatingTokens(server);
		tokens.revoked = true;

		const result = await runNode({
			nodeType: new HarnessFetchNode(),
			parameters: { authentication: 'oAuth2', baseUrl: server.url, path: '/me' },
			credentials: { harnessOAuth2Api: credentialData() },
			credentialTypes: [new HarnessOAuth2Api()],
		});

		expect(result.items).toEqual([]);
		expect(result.error?.message).toContain('needs to be reconnected');
		expect(result.credentials.harnessOAuth2Api.oauthTokenData).toEqual(
			credentialData().oauthTokenData,
		);
	});

	// n8n adds an empty `oauthTokenData: {}` default to every OAuth2 credential, so a never-connected one
	// does not hit requestOAuth2's "OAuth credentials not connected" check but fails when signing.
	it('fails as n8n does on a credential that was never connected, without sending anything', async () => {
		const { oauthTokenData: _notConnected, ...neverConnected } = credentialData();

		const result = await runNode({
			nodeType: new HarnessFetchNode(),
			parameters: { authentication: 'oAuth2', baseUrl: server.url, path: '/me' },
			credentials: { harnessOAuth2Api: neverConnected },
			credentialTypes: [new HarnessOAuth2Api()],
		});

		expect(result.error?.message).toBe('Unable to sign without access token');
		expect(server.received).toEqual([]);
	});
});
