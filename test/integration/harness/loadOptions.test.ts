import { runListSearch, runLoadOptions } from '../../harness';
import { sendJson, startLocalHttpsServer, type LocalHttpsServer } from './localHttpsServer';
import { HarnessPickerNode, HarnessTokenApi } from './testNodes';

describe('runListSearch and runLoadOptions', () => {
	let api: LocalHttpsServer;

	beforeAll(async () => {
		api = await startLocalHttpsServer();
		api.handle((request, response) => {
			const url = new URL(request.path, api.url);
			if (url.pathname === '/api/teams' && url.searchParams.get('page') === '2') {
				sendJson(response, 200, { value: [{ id: 't3', name: 'Sales' }] });
			} else if (url.pathname === '/api/teams') {
				sendJson(response, 200, {
					value: [
						{ id: 't1', name: `Team ${url.searchParams.get('filter')}` },
						{ id: 't2', name: 'Support' },
					],
					next: `${api.url}/api/teams?page=2`,
				});
			} else {
				sendJson(response, 404, {});
			}
		});
	});
	afterAll(async () => {
		await api.close();
	});

	const credentials = () => ({
		harnessTokenApi: { host: new URL(api.url).host, apiToken: 'token-1' },
	});

	it('runs a list search with filter and follows its pagination token, signed with the credential', async () => {
		const firstPage = await runListSearch({
			nodeType: new HarnessPickerNode(),
			method: 'searchTeams',
			filter: 'Ops',
			credentials: credentials(),
			credentialTypes: [new HarnessTokenApi()],
		});
		const secondPage = await runListSearch({
			nodeType: new HarnessPickerNode(),
			method: 'searchTeams',
			paginationToken: firstPage.paginationToken as string,
			credentials: credentials(),
		});

		expect(firstPage).toEqual({
			results: [
				{ name: 'Team Ops', value: 't1' },
				{ name: 'Support', value: 't2' },
			],
			paginationToken: `${api.url}/api/teams?page=2`,
		});
		expect(secondPage.results).toEqual([{ name: 'Sales', value: 't3' }]);
		expect(
			api.received.every((request) => request.headers.authorization === 'Bearer token-1'),
		).toBe(true);
	});

	it("gives load-options methods the node's current parameters, with defaults for unset ones", async () => {
		const withPrefix = await runLoadOptions({
			nodeType: new HarnessPickerNode(),
			method: 'getPrefixedOptions',
			parameters: { prefix: 'Channel' },
		});
		const withDefault = await runLoadOptions({
			nodeType: new HarnessPickerNode(),
			method: 'getPrefixedOptions',
		});

		expect(withPrefix).toEqual([
			{ name: 'Channel 1', value: 'channel-1' },
			{ name: 'Channel 2', value: 'channel-2' },
		]);
		expect(withDefault.map((option) => option.value)).toEqual(['team-1', 'team-2']);
	});
});
