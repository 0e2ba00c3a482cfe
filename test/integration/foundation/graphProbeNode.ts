/**
 * A test-only node that sends whatever Graph call its parameters describe through the shared transport and
 * router, so transport behaviour is tested through n8n-core's real engine (credentials helper, OAuth2 refresh,
 * Continue On Fail, pairing) rather than with a hand-made context.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { routeItems } from '../../../nodes/shared/router';
import { graphFor, type BatchRequestItem } from '../../../nodes/shared/transport';

type Mode = 'request' | 'all' | 'batch';

function read(ctx: IExecuteFunctions, i: number) {
	const body = ctx.getNodeParameter('body', i, '') as string;
	return {
		credentialType: ctx.getNodeParameter('credentialType', i) as string,
		method: ctx.getNodeParameter('method', i, 'GET') as 'GET',
		url: ctx.getNodeParameter('url', i) as string,
		body: body ? (JSON.parse(body) as IDataObject) : undefined,
		verifyUrl: ctx.getNodeParameter('verifyUrl', i, '') as string,
	};
}

const call = {
	description: [],
	async execute(this: IExecuteFunctions, i: number): Promise<IDataObject | IDataObject[]> {
		const { credentialType, method, url, body, verifyUrl } = read(this, i);
		const graph = graphFor(this);
		const mode = this.getNodeParameter('mode', i, 'request') as Mode;
		if (mode === 'all') return await graph.all<IDataObject>({ credentialType, method, url });
		if (mode === 'batch') {
			const urls = (this.getNodeParameter('batchUrls', i) as string).split('\n').filter(Boolean);
			const requests: BatchRequestItem[] = urls.map((u, n) => ({ id: String(n + 1), method: 'GET', url: u }));
			const results = await graph.batch<IDataObject>(credentialType, requests);
			return results.map((r) => ({ id: r.id, status: r.status, body: r.body as IDataObject, error: (r.error as IDataObject | undefined) ?? null }));
		}
		const verify = verifyUrl
			? async () => {
					const found = await graph.request<{ value: IDataObject[] }>({ credentialType, method: 'GET', url: verifyUrl });
					return found.value[0];
				}
			: undefined;
		const result = await graph.request<IDataObject | undefined>({ credentialType, method, url, body, itemIndex: i, verifyAfterAmbiguousFailure: verify });
		return result ?? {};
	},
};

export class GraphProbe implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Graph Probe',
		name: 'graphProbe',
		group: ['transform'],
		version: 1,
		description: 'Test-only: one Graph call per item through the shared transport',
		defaults: { name: 'Graph Probe' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: 'm365TenantAppApi', required: false },
			{ name: 'm365IntegrationAccountOAuth2Api', required: false },
		],
		properties: [
			{ displayName: 'Resource', name: 'resource', type: 'hidden', default: 'graph' },
			{ displayName: 'Operation', name: 'operation', type: 'hidden', default: 'call' },
			{ displayName: 'Credential Type', name: 'credentialType', type: 'string', default: 'm365TenantAppApi' },
			{ displayName: 'Mode', name: 'mode', type: 'string', default: 'request' },
			{ displayName: 'Method', name: 'method', type: 'string', default: 'GET' },
			{ displayName: 'URL', name: 'url', type: 'string', default: '' },
			{ displayName: 'Body', name: 'body', type: 'string', default: '' },
			{ displayName: 'Verify URL', name: 'verifyUrl', type: 'string', default: '' },
			{ displayName: 'Batch URLs', name: 'batchUrls', type: 'string', default: '' },
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await routeItems.call(this, { graph: { call } });
	}
}
