// Activates a webhook trigger as n8n activates it, and serves its webhook URLs from a real HTTPS server on
// 127.0.0.1 (the emulator's certificate, which test processes trust), so a Graph emulator can run the
// validation handshake and post change notifications to it. Mirrors, reduced to one node:
// n8n's WebhookService (checkExists, then create; delete on failure and on deactivation) and the webhook
// request path (the node's webhook() with a WebhookContext over the real request and response, then
// n8n's default "respond when received" answer).
import { HookContext, WebhookContext } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IDataObject,
	INode,
	INodeExecutionData,
	INodeParameters,
	IWebhookData,
	IWebhookResponseData,
	IHttpRequestMethods,
	WebhookType,
	Workflow,
	WorkflowActivateMode,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { deepCopy, NodeHelpers } from 'n8n-workflow';
import {
	createServer as createHttpServer,
	type IncomingMessage,
	type Server,
	type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

import './environment';
import { createAdditionalData } from './additionalData';
import { CredentialStore } from './credentialStore';
import { HarnessCredentialsHelper } from './credentialsHelper';
import { registerCredentialTypes } from './credentialTypes';
import type { TestableNodeType } from './nodeTypes';
import { loopbackTlsOptions } from './tls';
import { toWebhookRequest, toWebhookResponse, UnparsableBodyError } from './webhookHttp';
import { buildWorkflow, exportStaticData, nodeStaticDataKey, reloadWorkflow } from './workflow';

export interface ActivateWebhookTriggerOptions {
	nodeType: TestableNodeType;
	parameters?: INodeParameters;
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	credentialTypes?: ICredentialType[];
	staticData?: IDataObject;
	typeVersion?: number;
	/** 'trigger' (default): an active workflow's production URL. 'manual': the editor's test URL. */
	mode?: 'trigger' | 'manual';
	/** How the workflow became active: 'activate' (default), 'init' (n8n started with it active), 'update'. */
	activation?: WorkflowActivateMode;
	/** 'https' (default; what Graph requires) or 'http'. */
	protocol?: 'https' | 'http';
}

/** One request the webhook server received, with what the node made of it. */
export interface WebhookCall {
	method: string;
	path: string;
	query: Record<string, string | string[]>;
	headers: IncomingMessage['headers'];
	body: unknown;
	/** The items the node emitted to start an execution, if it started one. */
	workflowData?: INodeExecutionData[][];
	/** The error the node's webhook() threw, if it threw. */
	error?: Error;
	/** What the caller received. */
	answer: { statusCode: number; headers: Record<string, string>; body: string };
}

export interface ActiveWebhookTrigger {
	/** The node's 'default' webhook URL, as getNodeWebhookUrl('default') returns it to the node. */
	webhookUrl: string;
	/** All the node's webhook URLs by webhook name. */
	webhookUrls: Record<string, string>;
	/** Every workflowData the node emitted, in arrival order (each one would have started an execution). */
	emitted: INodeExecutionData[][][];
	/** Every request received, in the order they were answered. */
	calls: WebhookCall[];
	/**
	 * The workflow's static data as n8n has saved it: after activation, after each webhook request the node
	 * handled without throwing, and after deactivation. n8n loads it afresh for every request (and for
	 * deactivation), so a change the node makes in a request that then throws is lost, as in n8n.
	 */
	readonly staticData: IDataObject;
	/** This node's part of that static data. */
	readonly nodeStaticData: IDataObject;
	/** The credential data as saved now, by type. */
	readonly credentials: Record<string, ICredentialDataDecryptedObject>;
	/**
	 * Saves `staticData` as n8n saves the copy a webhook call loaded when that call ends: a call that outlived a
	 * deactivation and reactivation writes back what the earlier activation held.
	 */
	saveStaticData(staticData: IDataObject): void;
	/** Resolves once at least `count` requests have been answered (no timeout: the test's own applies). */
	waitForCalls(count: number): Promise<WebhookCall[]>;
	/** Runs the node's delete webhook methods as n8n does on deactivation, stops the server, returns static data. */
	deactivate(): Promise<IDataObject>;
}

type WebhookMethodName = 'checkExists' | 'create' | 'delete';

interface ServedWebhook {
	webhookData: IWebhookData;
	pathname: string;
}

function header(name: string, value: number | string | string[] | undefined): [string, string] {
	return [name, Array.isArray(value) ? value.join(', ') : String(value)];
}

/** The node's webhooks with their paths and methods, resolved as n8n's WebhookService.getNodeWebhooks does. */
function nodeWebhooks(
	workflow: Workflow,
	node: INode,
	additionalData: IWebhookData['workflowExecuteAdditionalData'],
	isTest: boolean,
): IWebhookData[] {
	const nodeType = workflow.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
	const webhooks: IWebhookData[] = [];
	for (const webhookDescription of nodeType.description.webhooks ?? []) {
		// Activation skips the webhooks that resume waiting executions, as n8n does.
		if (webhookDescription.restartWebhook === true) continue;
		const resolve = <T>(value: unknown, fallback?: T) =>
			workflow.expression.getSimpleParameterValue(
				node,
				value as string,
				'internal',
				{},
				undefined,
				fallback as string,
			) as T;
		let nodeWebhookPath = String(resolve<string>(webhookDescription.path)).trim();
		if (nodeWebhookPath.startsWith('/')) nodeWebhookPath = nodeWebhookPath.slice(1);
		if (nodeWebhookPath.endsWith('/')) nodeWebhookPath = nodeWebhookPath.slice(0, -1);
		const isFullPath = resolve<boolean>(webhookDescription.isFullPath, false);
		const path = NodeHelpers.getNodeWebhookPath(workflow.id, node, nodeWebhookPath, isFullPath);
		const httpMethods = resolve<IHttpRequestMethods | IHttpRequestMethods[]>(
			webhookDescription.httpMethod,
			'GET',
		);
		for (const httpMethod of Array.isArray(httpMethods) ? httpMethods : [httpMethods]) {
			webhooks.push({
				httpMethod,
				node: node.name,
				path,
				webhookDescription,
				workflowId: workflow.id,
				workflowExecuteAdditionalData: additionalData,
				webhookId: node.webhookId,
				isTest,
			});
		}
	}
	return webhooks;
}

async function runWebhookMethod(
	method: WebhookMethodName,
	workflow: Workflow,
	webhookData: IWebhookData,
	mode: WorkflowExecuteMode,
	activation: WorkflowActivateMode,
): Promise<boolean | undefined> {
	const node = workflow.getNode(webhookData.node) as INode;
	const nodeType = workflow.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
	const webhookMethod = nodeType.webhookMethods?.[webhookData.webhookDescription.name]?.[method];
	if (webhookMethod === undefined) return undefined;
	const context = new HookContext(
		workflow,
		node,
		webhookData.workflowExecuteAdditionalData,
		mode,
		activation,
		webhookData,
	);
	return await webhookMethod.call(context);
}

export async function activateWebhookTrigger(
	options: ActivateWebhookTriggerOptions,
): Promise<ActiveWebhookTrigger> {
	registerCredentialTypes(options.credentialTypes);
	const isTest = options.mode === 'manual';
	const hookMode: WorkflowExecuteMode = isTest ? 'manual' : 'trigger';
	const requestMode: WorkflowExecuteMode = isTest ? 'manual' : 'webhook';
	const activation = options.activation ?? (isTest ? 'manual' : 'activate');
	const protocol = options.protocol ?? 'https';

	const store = new CredentialStore();
	const credentialsHelper = new HarnessCredentialsHelper(store);
	const activated = buildWorkflow({
		nodeType: options.nodeType,
		parameters: options.parameters,
		typeVersion: options.typeVersion,
		credentials: store.addAll(options.credentials),
		staticData: options.staticData,
	});
	const { workflow, node } = activated;
	let savedStaticData = exportStaticData(workflow);

	const calls: WebhookCall[] = [];
	const emitted: INodeExecutionData[][][] = [];
	const waiters: Array<{ count: number; resolve: (calls: WebhookCall[]) => void }> = [];
	const recordCall = (call: WebhookCall) => {
		calls.push(call);
		for (const waiter of waiters.filter(({ count }) => calls.length >= count)) {
			waiters.splice(waiters.indexOf(waiter), 1);
			waiter.resolve([...calls]);
		}
	};

	let served: ServedWebhook[] = [];
	let baseUrl = '';
	const additionalDataFor = (mode: WorkflowExecuteMode) =>
		createAdditionalData({
			workflow,
			credentialsHelper,
			mode,
			webhookBaseUrl: `${baseUrl}/webhook`,
			webhookTestBaseUrl: `${baseUrl}/webhook-test`,
		});

	const handle = async (incoming: IncomingMessage, outgoing: ServerResponse) => {
		const response = toWebhookResponse(outgoing);
		const answerChunks: Buffer[] = [];
		const originalWrite = outgoing.write.bind(outgoing) as (...args: unknown[]) => boolean;
		const originalEnd = outgoing.end.bind(outgoing) as (...args: unknown[]) => ServerResponse;
		const keep = (chunk: unknown) => {
			if (typeof chunk === 'string' || Buffer.isBuffer(chunk))
				answerChunks.push(Buffer.from(chunk));
		};
		outgoing.write = ((chunk: unknown, ...rest: unknown[]) => {
			keep(chunk);
			return originalWrite(chunk, ...rest);
		}) as ServerResponse['write'];
		outgoing.end = ((chunk?: unknown, ...rest: unknown[]) => {
			if (typeof chunk !== 'function') keep(chunk);
			return originalEnd(chunk, ...rest);
		}) as ServerResponse['end'];

		const call: Omit<WebhookCall, 'answer'> = {
			method: incoming.method ?? 'GET',
			path: new URL(incoming.url ?? '/', baseUrl).pathname,
			query: {},
			headers: incoming.headers,
			body: undefined,
		};
		outgoing.on('finish', () =>
			recordCall({
				...call,
				answer: {
					statusCode: outgoing.statusCode,
					headers: Object.fromEntries(
						Object.entries(outgoing.getHeaders()).map(([name, value]) => header(name, value)),
					),
					body: Buffer.concat(answerChunks).toString('utf8'),
				},
			}),
		);

		const target = served.find(
			({ pathname, webhookData }) =>
				pathname === call.path && webhookData.httpMethod === call.method,
		);
		if (target === undefined) {
			response.status(404).json({
				code: 404,
				message: `The requested webhook "${call.method} ${call.path}" is not registered.`,
			});
			return;
		}

		let request;
		try {
			request = await toWebhookRequest(incoming, baseUrl);
		} catch (error) {
			if (!(error instanceof UnparsableBodyError)) throw error;
			response
				.status(422)
				.json({ code: 422, message: 'Failed to parse request body', hint: error.message });
			return;
		}
		call.query = request.query;
		call.body = request.body;

		const additionalData = additionalDataFor(requestMode);
		additionalData.httpRequest = request as unknown as typeof additionalData.httpRequest;
		additionalData.httpResponse = response as unknown as typeof additionalData.httpResponse;
		const loaded = reloadWorkflow(activated, savedStaticData);
		const context = new WebhookContext(
			loaded.workflow,
			loaded.node,
			additionalData,
			requestMode,
			target.webhookData,
			[],
			null,
		);
		const nodeType = loaded.workflow.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);

		let result: IWebhookResponseData;
		try {
			result = await (nodeType.webhook as NonNullable<typeof nodeType.webhook>).call(context);
		} catch (error) {
			call.error = error as Error;
			if (!outgoing.headersSent) {
				response
					.status(500)
					.json({ code: 0, message: 'Workflow Webhook Error: Workflow could not be started!' });
			}
			return;
		}

		savedStaticData = exportStaticData(loaded.workflow);
		if (result.workflowData !== undefined) {
			call.workflowData = result.workflowData;
			emitted.push(result.workflowData);
		}
		if (result.noWebhookResponse === true) return;
		// n8n's answer for a trigger that responds "when received" (the default response mode).
		let answer: unknown;
		if (result.workflowData === undefined)
			answer = result.webhookResponse ?? { message: 'Webhook call received' };
		else answer = result.webhookResponse ?? { message: 'Workflow was started' };
		response.status(200);
		if (typeof answer === 'string') response.send(answer);
		else response.json(answer);
	};

	const listener = (incoming: IncomingMessage, outgoing: ServerResponse) => {
		handle(incoming, outgoing).catch((error: Error) => {
			if (!outgoing.headersSent) outgoing.writeHead(500).end(error.message);
		});
	};
	const server: Server =
		protocol === 'https'
			? createHttpsServer(loopbackTlsOptions(), listener)
			: createHttpServer(listener);
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	baseUrl = `${protocol}://127.0.0.1:${(server.address() as AddressInfo).port}`;
	const stopServer = async () => {
		server.closeAllConnections();
		await new Promise<void>((resolve) => server.close(() => resolve()));
	};

	const hookAdditionalData = additionalDataFor(hookMode);
	const webhooks = nodeWebhooks(workflow, node, hookAdditionalData, isTest);
	const endpoint = isTest ? 'webhook-test' : 'webhook';
	served = webhooks.map((webhookData) => ({
		webhookData,
		pathname: `/${endpoint}/${webhookData.path}`,
	}));

	// n8n removes webhooks on the workflow loaded from its database, then saves its static data.
	const deleteWebhooks = async () => {
		const loaded = reloadWorkflow(activated, savedStaticData);
		for (const webhookData of webhooks) {
			await runWebhookMethod('delete', loaded.workflow, webhookData, 'internal', 'update');
		}
		savedStaticData = exportStaticData(loaded.workflow);
	};

	try {
		for (const webhookData of webhooks) {
			const exists = await runWebhookMethod(
				'checkExists',
				workflow,
				webhookData,
				hookMode,
				activation,
			);
			if (!exists) await runWebhookMethod('create', workflow, webhookData, hookMode, activation);
		}
		savedStaticData = exportStaticData(workflow);
	} catch (error) {
		// n8n removes whatever was registered, then refuses to activate the workflow with this error.
		try {
			await deleteWebhooks();
		} finally {
			await stopServer();
		}
		throw error;
	}

	const urlFor = (name: WebhookType) => {
		const context = new HookContext(
			workflow,
			node,
			hookAdditionalData,
			hookMode,
			activation,
			webhooks[0],
		);
		return context.getNodeWebhookUrl(name) as string;
	};
	const webhookUrls = Object.fromEntries(
		webhooks.map(({ webhookDescription }) => [
			webhookDescription.name,
			urlFor(webhookDescription.name),
		]),
	);

	let deactivated = false;
	return {
		webhookUrl: webhookUrls.default,
		webhookUrls,
		emitted,
		calls,
		get staticData() {
			return deepCopy(savedStaticData);
		},
		get nodeStaticData() {
			return deepCopy((savedStaticData[nodeStaticDataKey(node)] as IDataObject | undefined) ?? {});
		},
		get credentials() {
			return store.snapshot();
		},
		saveStaticData: (staticData) => {
			savedStaticData = deepCopy(staticData);
		},
		waitForCalls: async (count) => {
			if (calls.length >= count) return [...calls];
			return await new Promise<WebhookCall[]>((resolve) => waiters.push({ count, resolve }));
		},
		deactivate: async () => {
			if (!deactivated) {
				deactivated = true;
				try {
					await deleteWebhooks();
				} finally {
					await stopServer();
				}
			}
			return deepCopy(savedStaticData);
		},
	};
}
