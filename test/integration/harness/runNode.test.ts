import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { runNode } from '../../harness';
import { startLocalHttpsServer, sendJson, type LocalHttpsServer } from './localHttpsServer';
import {
	HarnessFetchNode,
	HarnessFunctionSignedApi,
	HarnessSessionApi,
	HarnessTokenApi,
	HarnessVersionedNode,
} from './testNodes';

describe('runNode', () => {
	let api: LocalHttpsServer;
	const credentialTypes = [new HarnessTokenApi(), new HarnessFunctionSignedApi()];

	beforeAll(async () => {
		api = await startLocalHttpsServer();
	});
	afterAll(async () => {
		await api.close();
	});
	beforeEach(() => {
		api.received.length = 0;
	});

	it('runs the node through n8n-core with item expressions and a credential signed by its generic template', async () => {
		api.handle((request, response) => sendJson(response, 200, { path: request.path }));

		const result = await runNode({
			nodeType: new HarnessFetchNode(),
			parameters: { authentication: 'token', path: '=/items/{{ $json.id }}' },
			credentials: { harnessTokenApi: { host: new URL(api.url).host, apiToken: 'token-1' } },
			credentialTypes,
			inputItems: [{ id: 'a' }, { id: 'b' }],
		});

		expect(result.error).toBeUndefined();
		expect(result.items).toEqual([
			[
				{ json: { path: '/api/items/a' }, pairedItem: { item: 0 } },
				{ json: { path: '/api/items/b' }, pairedItem: { item: 1 } },
			],
		]);
		// The hidden base URL came from the credential's own `=https://{{$self["host"]}}/api` default.
		expect(api.received.map((request) => request.headers.authorization)).toEqual([
			'Bearer token-1',
			'Bearer token-1',
		]);
	});

	it('signs with an authenticate function when the credential has one', async () => {
		api.handle((request, response) =>
			sendJson(response, 200, { key: request.headers['x-api-key'] }),
		);

		const result = await runNode({
			nodeType: new HarnessFetchNode(),
			parameters: { authentication: 'function', baseUrl: api.url, path: '/key' },
			credentials: { harnessFunctionSignedApi: { key: 'key-1' } },
			credentialTypes,
		});

		expect(result.items[0].map((item) => item.json)).toEqual([{ key: 'key-1' }]);
	});

	it('returns the NodeApiError the node failed with, and no items', async () => {
		api.handle((_request, response) =>
			sendJson(response, 404, { error: { code: 'NotFound', message: 'No such item' } }),
		);

		const result = await runNode({
			nodeType: new HarnessFetchNode(),
			parameters: { authentication: 'token', path: '/missing' },
			credentials: { harnessTokenApi: { host: new URL(api.url).host, apiToken: 'token-1' } },
			credentialTypes,
			inputItems: [{ id: 'a' }],
		});

		expect(result.items).toEqual([]);
		expect(result.error).toBeInstanceOf(NodeApiError);
		expect(result.error?.message).toContain('could not be found');
		expect((result.error as NodeApiError).httpCode).toBe('404');
		expect(result.error?.context.itemIndex).toBe(0);
	});

	it('with Continue On Fail, carries the error on the failing item and continues', async () => {
		api.handle((request, response) =>
			request.path.endsWith('/bad')
				? sendJson(response, 500, { message: 'boom' })
				: sendJson(response, 200, { ok: true }),
		);

		const result = await runNode({
			nodeType: new HarnessFetchNode(),
			parameters: { authentication: 'token', path: '=/{{ $json.path }}' },
			credentials: { harnessTokenApi: { host: new URL(api.url).host, apiToken: 'token-1' } },
			credentialTypes,
			inputItems: [{ path: 'bad' }, { path: 'good' }],
			continueOnFail: true,
		});

		expect(result.error).toBeUndefined();
		expect(result.items[0]).toHaveLength(2);
		expect(result.items[0][0].json.error).toEqual(
			expect.stringContaining('The service was not able to process your request'),
		);
		expect(result.items[0][1].json).toEqual({ ok: true });
	});

	it('reports a missing credential as n8n does', async () => {
		const result = await runNode({
			nodeType: new HarnessFetchNode(),
			parameters: { authentication: 'token', path: '/x' },
			credentialTypes,
		});

		expect(result.error).toBeInstanceOf(NodeOperationError);
		expect(result.error?.message).toBe('Node does not have any credentials set');
	});

	it('runs the default version of a versioned node, or the one asked for', async () => {
		const latest = await runNode({ nodeType: new HarnessVersionedNode() });
		const first = await runNode({ nodeType: new HarnessVersionedNode(), typeVersion: 1 });

		expect(latest.items[0][0].json).toEqual({ version: 2 });
		expect(first.items[0][0].json).toEqual({ version: 1 });
	});

	it('runs preAuthentication for an empty or rejected expirable field and saves the new value', async () => {
		let sessions = 0;
		api.handle((request, response) => {
			if (request.path === '/session') {
				sessions++;
				sendJson(response, 200, { token: `session-${sessions}` });
			} else if (request.headers['x-session'] === `session-${sessions}`) {
				sendJson(response, 200, { session: request.headers['x-session'] });
			} else {
				sendJson(response, 401, { message: 'session expired' });
			}
		});
		const credentialTypes = [new HarnessSessionApi()];
		const parameters = { authentication: 'session', baseUrl: api.url, path: '/data' };
		const host = new URL(api.url).host;

		const fresh = await runNode({
			nodeType: new HarnessFetchNode(),
			parameters,
			credentials: { harnessSessionApi: { host, key: 'key-1', sessionToken: '' } },
			credentialTypes,
		});
		const stale = await runNode({
			nodeType: new HarnessFetchNode(),
			parameters,
			credentials: { harnessSessionApi: { host, key: 'key-1', sessionToken: 'session-0' } },
			credentialTypes,
		});

		expect(fresh.items[0][0].json).toEqual({ session: 'session-1' });
		expect(fresh.credentials.harnessSessionApi.sessionToken).toBe('session-1');
		expect(stale.items[0][0].json).toEqual({ session: 'session-2' });
		expect(stale.credentials.harnessSessionApi.sessionToken).toBe('session-2');
	});
});
