// Small node and credential types that exist only to prove the harness: each uses one n8n facility the
// package's real nodes rely on, in the way those nodes use it.
import type {
	ICredentialDataDecryptedObject,
	ICredentialTestFunctions,
	ICredentialType,
	ICredentialsDecrypted,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestHelper,
	IHttpRequestOptions,
	IHookFunctions,
	ILoadOptionsFunctions,
	INodeCredentialTestResult,
	INodeExecutionData,
	INodeListSearchResult,
	INodePropertyOptions,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
	IWebhookFunctions,
	IWebhookResponseData,
	JsonObject,
} from 'n8n-workflow';
import {
	NodeApiError,
	NodeConnectionTypes,
	NodeOperationError,
	VersionedNodeType,
} from 'n8n-workflow';

/** API-key credential whose base URL is an expression over its own host field, signed by a generic template. */
export class HarnessTokenApi implements ICredentialType {
	name = 'harnessTokenApi';

	displayName = 'Harness Token API';

	properties: ICredentialType['properties'] = [
		{ displayName: 'Host', name: 'host', type: 'string', default: '' },
		{
			displayName: 'API Token',
			name: 'apiToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'hidden',
			default: '=https://{{$self["host"]}}/api',
		},
	];

	authenticate: ICredentialType['authenticate'] = {
		type: 'generic',
		properties: { headers: { Authorization: '=Bearer {{$credentials.apiToken}}' } },
	};

	test: ICredentialType['test'] = {
		request: { baseURL: '={{$credentials.baseUrl}}', url: '/whoami' },
		rules: [
			{ type: 'responseCode', properties: { value: 403, message: 'The token has no access' } },
		],
	};
}

/** The same kind of key, signed by an authenticate function instead of a template. */
export class HarnessFunctionSignedApi implements ICredentialType {
	name = 'harnessFunctionSignedApi';

	displayName = 'Harness Function-Signed API';

	properties: ICredentialType['properties'] = [
		{ displayName: 'Host', name: 'host', type: 'string', default: '' },
		{
			displayName: 'Key',
			name: 'key',
			type: 'string',
			typeOptions: { password: true },
			default: '',
		},
	];

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		return {
			...requestOptions,
			headers: { ...requestOptions.headers, 'x-api-key': `${credentials.key as string}` },
		};
	}
}

/** A credential that trades its key for a session token it keeps in an expirable hidden field. */
export class HarnessSessionApi implements ICredentialType {
	name = 'harnessSessionApi';

	displayName = 'Harness Session API';

	properties: ICredentialType['properties'] = [
		{ displayName: 'Host', name: 'host', type: 'string', default: '' },
		{
			displayName: 'Key',
			name: 'key',
			type: 'string',
			typeOptions: { password: true },
			default: '',
		},
		{
			displayName: 'Session Token',
			name: 'sessionToken',
			type: 'hidden',
			typeOptions: { expirable: true, password: true },
			default: '',
		},
	];

	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		const session = (await this.helpers.httpRequest({
			method: 'POST',
			url: `https://${credentials.host as string}/session`,
			body: { key: credentials.key },
			json: true,
		})) as { token: string };
		return { sessionToken: session.token };
	}

	authenticate: ICredentialType['authenticate'] = {
		type: 'generic',
		properties: { headers: { 'x-session': '={{$credentials.sessionToken}}' } },
	};
}

/** OAuth2 child credential whose token URL is an expression over its own host field, like the M365 one. */
export class HarnessOAuth2Api implements ICredentialType {
	name = 'harnessOAuth2Api';

	extends = ['oAuth2Api'];

	displayName = 'Harness OAuth2 API';

	properties: ICredentialType['properties'] = [
		{ displayName: 'Host', name: 'host', type: 'string', default: '' },
		{ displayName: 'Grant Type', name: 'grantType', type: 'hidden', default: 'authorizationCode' },
		{
			displayName: 'Authorization URL',
			name: 'authUrl',
			type: 'hidden',
			default: '=https://{{$self["host"]}}/authorize',
		},
		{
			displayName: 'Access Token URL',
			name: 'accessTokenUrl',
			type: 'hidden',
			default: '=https://{{$self["host"]}}/token',
		},
		{ displayName: 'Scope', name: 'scope', type: 'hidden', default: 'offline_access api.read' },
		{ displayName: 'Authentication', name: 'authentication', type: 'hidden', default: 'body' },
	];
}

const baseDescription = {
	group: ['transform'],
	version: 1,
	inputs: [NodeConnectionTypes.Main],
	outputs: [NodeConnectionTypes.Main],
} satisfies Partial<INodeTypeDescription>;

/** Fetches `path` for every item with the chosen credential and outputs the JSON answer. */
export class HarnessFetchNode implements INodeType {
	description: INodeTypeDescription = {
		...baseDescription,
		displayName: 'Harness Fetch',
		name: 'harnessFetch',
		description: 'Fetches a path with a credential',
		defaults: { name: 'Harness Fetch' },
		credentials: [
			{
				name: 'harnessTokenApi',
				required: true,
				displayOptions: { show: { authentication: ['token'] } },
			},
			{
				name: 'harnessOAuth2Api',
				required: true,
				displayOptions: { show: { authentication: ['oAuth2'] } },
			},
			{
				name: 'harnessFunctionSignedApi',
				required: true,
				displayOptions: { show: { authentication: ['function'] } },
			},
			{
				name: 'harnessSessionApi',
				required: true,
				displayOptions: { show: { authentication: ['session'] } },
			},
		],
		properties: [
			{
				displayName: 'Authentication',
				name: 'authentication',
				type: 'options',
				options: [
					{ name: 'Token', value: 'token' },
					{ name: 'OAuth2', value: 'oAuth2' },
					{ name: 'Function', value: 'function' },
					{ name: 'Session', value: 'session' },
				],
				default: 'token',
			},
			{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: '' },
			{ displayName: 'Path', name: 'path', type: 'string', default: '/' },
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const credentialTypeByAuthentication: Record<string, string> = {
			token: 'harnessTokenApi',
			oAuth2: 'harnessOAuth2Api',
			function: 'harnessFunctionSignedApi',
			session: 'harnessSessionApi',
		};
		const output: INodeExecutionData[] = [];
		for (let itemIndex = 0; itemIndex < this.getInputData().length; itemIndex++) {
			try {
				const credentialType =
					credentialTypeByAuthentication[
						this.getNodeParameter('authentication', itemIndex) as string
					];
				let baseUrl = this.getNodeParameter('baseUrl', itemIndex) as string;
				if (baseUrl === '') baseUrl = (await this.getCredentials(credentialType)).baseUrl as string;
				const answer = (await this.helpers.httpRequestWithAuthentication.call(
					this,
					credentialType,
					{
						method: 'GET',
						url: `${baseUrl}${this.getNodeParameter('path', itemIndex) as string}`,
						json: true,
					},
				)) as IDataObject;
				output.push({ json: answer, pairedItem: { item: itemIndex } });
			} catch (error) {
				if (this.continueOnFail()) {
					output.push({
						json: { error: (error as Error).message },
						pairedItem: { item: itemIndex },
					});
					continue;
				}
				if (error instanceof NodeApiError || error instanceof NodeOperationError) {
					error.context.itemIndex = itemIndex;
					throw error;
				}
				throw new NodeApiError(this.getNode(), error as JsonObject, { itemIndex });
			}
		}
		return [output];
	}
}

/** Counts its polls in the node's static data and emits the count on every third poll. */
export class HarnessCounterPoll implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Harness Counter Poll',
		name: 'harnessCounterPoll',
		group: ['trigger'],
		version: 1,
		description: 'Emits on every third poll',
		defaults: { name: 'Harness Counter Poll' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		properties: [{ displayName: 'Fail', name: 'fail', type: 'boolean', default: false }],
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		if (this.getNodeParameter('fail') as boolean) {
			throw new NodeOperationError(this.getNode(), 'The poll failed on purpose');
		}
		const nodeStaticData = this.getWorkflowStaticData('node');
		const count = ((nodeStaticData.count as number | undefined) ?? 0) + 1;
		nodeStaticData.count = count;
		// A manual "Fetch Test Event" must always show something, as n8n's own polling triggers do.
		if (this.getMode() === 'manual' || count % 3 === 0) {
			return [[{ json: { count, mode: this.getMode(), activation: this.getActivationMode() } }]];
		}
		return null;
	}
}

/** Registers a "subscription" with a local service on activation and emits every notification it receives. */
export class HarnessSubscriptionTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Harness Subscription Trigger',
		name: 'harnessSubscriptionTrigger',
		group: ['trigger'],
		version: 1,
		description: 'Receives notifications from a local service',
		defaults: { name: 'Harness Subscription Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'harnessTokenApi', required: true }],
		webhooks: [
			{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'notifications' },
		],
		properties: [
			{
				displayName: 'Client State',
				name: 'clientState',
				type: 'string',
				default: 'harness-state',
			},
		],
	};

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				const webhookData = this.getWorkflowStaticData('node');
				return webhookData.subscriptionId !== undefined;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				const { baseUrl } = await this.getCredentials('harnessTokenApi');
				const subscription = (await this.helpers.httpRequestWithAuthentication.call(
					this,
					'harnessTokenApi',
					{
						method: 'POST',
						url: `${baseUrl as string}/subscriptions`,
						body: {
							notificationUrl: this.getNodeWebhookUrl('default'),
							clientState: this.getNodeParameter('clientState') as string,
						},
						json: true,
					},
				)) as IDataObject;
				this.getWorkflowStaticData('node').subscriptionId = subscription.id;
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				const webhookData = this.getWorkflowStaticData('node');
				const { baseUrl } = await this.getCredentials('harnessTokenApi');
				await this.helpers.httpRequestWithAuthentication.call(this, 'harnessTokenApi', {
					method: 'DELETE',
					url: `${baseUrl as string}/subscriptions/${webhookData.subscriptionId as string}`,
				});
				delete webhookData.subscriptionId;
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const query = this.getQueryData() as IDataObject;
		// Graph's validation handshake: echo the token as plain text and start no execution.
		if (typeof query.validationToken === 'string') {
			const response = this.getResponseObject();
			response.status(200).type('text/plain').send(query.validationToken);
			return { noWebhookResponse: true };
		}
		const body = this.getBodyData() as { value?: IDataObject[]; fail?: boolean };
		const nodeStaticData = this.getWorkflowStaticData('node');
		nodeStaticData.notificationsReceived =
			((nodeStaticData.notificationsReceived as number) ?? 0) + 1;
		if (body.fail === true)
			throw new NodeOperationError(this.getNode(), 'The notification broke the node');
		const clientState = this.getNodeParameter('clientState') as string;
		const accepted = (body.value ?? []).filter(
			(notification) => notification.clientState === clientState,
		);
		if (accepted.length === 0) return { webhookResponse: 'ignored' };
		return { workflowData: [this.helpers.returnJsonArray(accepted)] };
	}
}

/** Offers list-search and load-options results from a local service. */
export class HarnessPickerNode implements INodeType {
	description: INodeTypeDescription = {
		...baseDescription,
		displayName: 'Harness Picker',
		name: 'harnessPicker',
		description: 'Picks a team',
		defaults: { name: 'Harness Picker' },
		credentials: [
			{ name: 'harnessTokenApi', required: true },
			{ name: 'harnessFunctionSignedApi', testedBy: 'harnessKeyTest' },
			{ name: 'harnessOAuth2Api', testedBy: 'harnessKeyTest' },
		],
		properties: [
			{ displayName: 'Prefix', name: 'prefix', type: 'string', default: 'Team' },
			{
				displayName: 'Team',
				name: 'team',
				type: 'resourceLocator',
				default: { mode: 'list', value: '' },
				modes: [
					{
						displayName: 'From List',
						name: 'list',
						type: 'list',
						typeOptions: { searchListMethod: 'searchTeams' },
					},
				],
			},
		],
	};

	methods = {
		listSearch: {
			async searchTeams(
				this: ILoadOptionsFunctions,
				filter?: string,
				paginationToken?: string,
			): Promise<INodeListSearchResult> {
				const { baseUrl } = await this.getCredentials('harnessTokenApi');
				const page = (await this.helpers.httpRequestWithAuthentication.call(
					this,
					'harnessTokenApi',
					{
						method: 'GET',
						url: paginationToken ?? `${baseUrl as string}/teams`,
						qs: paginationToken ? undefined : { filter: filter ?? '' },
						json: true,
					},
				)) as { value: Array<{ id: string; name: string }>; next?: string };
				return {
					results: page.value.map((team) => ({ name: team.name, value: team.id })),
					paginationToken: page.next,
				};
			},
		},
		loadOptions: {
			async getPrefixedOptions(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
				const prefix = this.getCurrentNodeParameter('prefix') as string;
				return [1, 2].map((number) => ({
					name: `${prefix} ${number}`,
					value: `${prefix.toLowerCase()}-${number}`,
				}));
			},
		},
		credentialTest: {
			async harnessKeyTest(
				this: ICredentialTestFunctions,
				credential: ICredentialsDecrypted,
			): Promise<INodeCredentialTestResult> {
				const data = credential.data ?? {};
				if (!data.key)
					return { status: 'Error', message: 'Account credentials are incomplete: Key' };
				try {
					const answer = (await this.helpers.request({
						method: 'GET',
						uri: `https://${data.host as string}/whoami`,
						headers: { 'x-api-key': data.key as string },
						json: true,
					})) as IDataObject;
					return { status: 'OK', message: `Signed in as ${answer.name as string}` };
				} catch (error) {
					return { status: 'Error', message: `Failed: ${(error as Error).message}` };
				}
			},
		},
	};
}

/** A versioned node whose versions answer with their own number, as n8n's versioned nodes are built. */
export class HarnessVersionedNode extends VersionedNodeType {
	constructor() {
		const versionNode = (version: number): INodeType => ({
			description: {
				...baseDescription,
				displayName: 'Harness Versioned',
				name: 'harnessVersioned',
				description: 'Says which version ran',
				defaults: { name: 'Harness Versioned' },
				version,
				properties: [],
			},
			async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
				return [[{ json: { version: this.getNode().typeVersion }, pairedItem: { item: 0 } }]];
			},
		});
		super(
			{ 1: versionNode(1), 2: versionNode(2) },
			{
				displayName: 'Harness Versioned',
				name: 'harnessVersioned',
				group: ['transform'],
				description: 'Says which version ran',
				defaultVersion: 2,
			},
		);
	}
}
