// The credential Test button, as n8n's CredentialsTester runs it (n8n-io/n8n
// packages/cli/src/services/credentials-tester.service.ts, n8n 2.40). Which test runs follows n8n's order:
//   1. the credential type's own request-based `test`;
//   2. for a credential extending oAuth2Api that a node lists: n8n's fixed check "has an access token"
//      (a node's `testedBy` function is NOT called for OAuth2 credentials);
//   3. the node's `testedBy`: a function from `methods.credentialTest`, or a request definition.
// callCredentialTestFunction skips that choice and calls one function directly, for code n8n shadows.
import { CredentialTestContext, ExecuteContext, RoutingNode } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	ICredentialsDecrypted,
	ICredentialTestFunction,
	ICredentialTestRequest,
	ICredentialType,
	IDataObject,
	IExecuteData,
	INode,
	INodeCredentialTestResult,
	INodeExecutionData,
	INodeType,
	INodeTypes,
	IRunExecutionData,
} from 'n8n-workflow';
import { NodeHelpers, UnexpectedError, Workflow } from 'n8n-workflow';

import './environment';
import { createAdditionalData } from './additionalData';
import { CredentialStore } from './credentialStore';
import { HarnessCredentialsHelper } from './credentialsHelper';
import { credentialTypes, registerCredentialTypes } from './credentialTypes';
import type { TestableNodeType } from './nodeTypes';

// n8n's own messages for the fixed OAuth2 check (packages/cli/src/constants.ts RESPONSE_ERROR_MESSAGES).
export const OAUTH2_CREDENTIAL_TEST_SUCCEEDED = 'Connection Successful!';
export const OAUTH2_CREDENTIAL_TEST_FAILED =
	'This OAuth2 credential was not connected to an account.';

export interface TestCredentialOptions {
	credentialType: string;
	/** The credential data as the user saved it. */
	data: ICredentialDataDecryptedObject;
	/** The installed node types that use this credential (where n8n looks for `testedBy`). */
	nodeTypes?: TestableNodeType[];
	credentialTypes?: ICredentialType[];
}

export interface CallCredentialTestFunctionOptions
	extends Omit<TestCredentialOptions, 'nodeTypes'> {
	nodeType: TestableNodeType;
	/** The function's name in the node's `methods.credentialTest`. */
	functionName: string;
}

type CredentialTestChoice =
	| { kind: 'function'; test: ICredentialTestFunction }
	| { kind: 'request'; testRequest: ICredentialTestRequest; nodeType?: INodeType };

function versionsOf(nodeType: TestableNodeType): INodeType[] {
	return 'nodeVersions' in nodeType ? Object.values(nodeType.nodeVersions) : [nodeType];
}

const hasAccessToken = (credential: ICredentialsDecrypted) => {
	const tokenData = credential.data?.oauthTokenData;
	return typeof tokenData === 'object' && tokenData !== null && 'access_token' in tokenData;
};

async function oauth2CredentialTest(
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	return hasAccessToken(credential)
		? { status: 'OK', message: OAUTH2_CREDENTIAL_TEST_SUCCEEDED }
		: { status: 'Error', message: OAUTH2_CREDENTIAL_TEST_FAILED };
}

function chooseCredentialTest(
	credentialType: string,
	nodeTypes: TestableNodeType[],
): CredentialTestChoice | undefined {
	const type = credentialTypes.getByName(credentialType);
	if (type.test) return { kind: 'request', testRequest: type.test };

	const isOAuth2 =
		credentialType === 'oAuth2Api' ||
		credentialTypes.getParentTypes(credentialType).includes('oAuth2Api');
	for (const nodeType of nodeTypes) {
		for (const version of versionsOf(nodeType)) {
			for (const { name, testedBy } of version.description.credentials ?? []) {
				if (name !== credentialType) continue;
				if (isOAuth2) return { kind: 'function', test: oauth2CredentialTest };
				if (!testedBy) continue;
				if (typeof testedBy === 'string') {
					// Versioned nodes: the newest version that has the function wins.
					const candidates = [...versionsOf(nodeType)].reverse();
					const owner = candidates.find(
						(candidate) => candidate.methods?.credentialTest?.[testedBy],
					);
					const test = owner?.methods?.credentialTest?.[testedBy];
					if (test) return { kind: 'function', test };
					continue;
				}
				return { kind: 'request', testRequest: testedBy, nodeType: version };
			}
		}
	}
	return undefined;
}

/** The credential as n8n hands it to a test: stored, then with defaults and expressions applied. */
async function prepareCredential(options: TestCredentialOptions) {
	registerCredentialTypes(options.credentialTypes);
	const store = new CredentialStore();
	const reference = store.add(options.credentialType, options.data);
	const credentialsHelper = new HarnessCredentialsHelper(store);
	const placeholderWorkflow = new Workflow({
		nodes: [],
		connections: {},
		active: false,
		nodeTypes: emptyNodeTypes,
	});
	const additionalData = createAdditionalData({
		workflow: placeholderWorkflow,
		credentialsHelper,
		mode: 'internal',
	});
	const credential: ICredentialsDecrypted = {
		...reference,
		type: options.credentialType,
		data: await credentialsHelper.applyDefaultsAndOverwrites(
			additionalData,
			options.data,
			options.credentialType,
			'internal',
		),
	};
	return { credential, credentialsHelper, additionalData };
}

const emptyNodeTypes: INodeTypes = {
	getByName: (name) => {
		throw new UnexpectedError(`Unknown node type "${name}"`);
	},
	getByNameAndVersion: (name) => {
		throw new UnexpectedError(`Unknown node type "${name}"`);
	},
	getKnownTypes: () => ({}),
};

// n8n runs request-based tests on a placeholder node; without a node of its own it uses the No-Op node.
const noOpDescription = {
	displayName: 'No Operation, do nothing',
	name: 'noOp',
	group: ['organization'],
	version: 1,
	description: 'No Operation',
	defaults: { name: 'No Operation, do nothing' },
	inputs: ['main'],
	outputs: ['main'],
	properties: [],
} as unknown as INodeType['description'];

async function runRequestTest(
	choice: Extract<CredentialTestChoice, { kind: 'request' }>,
	credential: ICredentialsDecrypted,
	prepared: Awaited<ReturnType<typeof prepareCredential>>,
): Promise<INodeCredentialTestResult> {
	const baseDescription = choice.nodeType?.description ?? noOpDescription;
	const typeName = choice.nodeType ? baseDescription.name : 'n8n-nodes-base.noOp';
	const nodeTypeCopy: INodeType = {
		description: {
			...baseDescription,
			name: typeName,
			credentials: [{ name: credential.type, required: true }],
			properties: [
				{
					displayName: 'Temp',
					name: 'temp',
					type: 'string',
					routing: { request: choice.testRequest.request },
					default: '',
				},
			],
		},
	};
	const nodeTypes: INodeTypes = {
		getByName: () => nodeTypeCopy,
		getByNameAndVersion: (name, version) =>
			NodeHelpers.getVersionedNodeType(nodeTypes.getByName(name), version),
		getKnownTypes: () => ({}),
	};
	const node: INode = {
		id: 'temp',
		parameters: {},
		name: 'Temp-Node',
		type: typeName,
		typeVersion: Array.isArray(baseDescription.version)
			? (baseDescription.version.at(-1) as number)
			: baseDescription.version,
		position: [0, 0],
		credentials: { [credential.type]: { id: credential.id, name: credential.name } },
	};
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
	const workflowNode = workflow.getNode(node.name) as INode;
	const additionalData = createAdditionalData({
		workflow,
		credentialsHelper: prepared.credentialsHelper,
		mode: 'internal',
	});
	const runExecutionData = { resultData: { runData: {} } } as unknown as IRunExecutionData;
	const executeData: IExecuteData = { node: workflowNode, data: {}, source: null };
	const executeFunctions = new ExecuteContext(
		workflow,
		workflowNode,
		additionalData,
		'internal',
		runExecutionData,
		0,
		[],
		{ main: [[{ json: {} }]] },
		executeData,
		[],
	);

	let response: INodeExecutionData[][] | null | undefined;
	try {
		response = await new RoutingNode(executeFunctions, nodeTypeCopy, credential).runNode();
	} catch (error) {
		const cause = (
			error as { cause?: { response?: { status: number; statusText?: string }; code?: string } }
		).cause;
		if (cause?.response) {
			const { status, statusText } = cause.response;
			for (const rule of choice.testRequest.rules ?? []) {
				if (rule.type === 'responseCode' && status === rule.properties.value) {
					return { status: 'Error', message: rule.properties.message };
				}
			}
			if (status < 199 || status > 299) {
				return { status: 'Error', message: statusText || `Received HTTP status code: ${status}` };
			}
		} else if (cause?.code) {
			return { status: 'Error', message: cause.code };
		}
		return { status: 'Error', message: (error as Error).message.toString() };
	}

	for (const rule of choice.testRequest.rules ?? []) {
		if (rule.type === 'responseSuccessBody') {
			const responseData = response?.[0]?.[0]?.json as IDataObject | undefined;
			const actual = rule.properties.key
				.split('.')
				.reduce<unknown>((value, key) => (value as IDataObject | undefined)?.[key], responseData);
			if (actual === rule.properties.value)
				return { status: 'Error', message: rule.properties.message };
		}
	}
	return { status: 'OK', message: 'Connection successful!' };
}

/** What the credential's Test button shows in n8n. */
export async function testCredential(
	options: TestCredentialOptions,
): Promise<INodeCredentialTestResult> {
	registerCredentialTypes(options.credentialTypes);
	const choice = chooseCredentialTest(options.credentialType, options.nodeTypes ?? []);
	if (choice === undefined)
		return { status: 'Error', message: 'No testing function found for this credential.' };

	let prepared: Awaited<ReturnType<typeof prepareCredential>>;
	try {
		prepared = await prepareCredential(options);
	} catch (error) {
		return { status: 'Error', message: (error as Error).message.toString() };
	}
	if (choice.kind === 'function') {
		return await choice.test.call(new CredentialTestContext(), prepared.credential);
	}
	return await runRequestTest(choice, prepared.credential, prepared);
}

/** Calls one `methods.credentialTest` function with n8n's credential-test context, whatever n8n would pick. */
export async function callCredentialTestFunction(
	options: CallCredentialTestFunctionOptions,
): Promise<INodeCredentialTestResult> {
	const owner = [...versionsOf(options.nodeType)]
		.reverse()
		.find((version) => version.methods?.credentialTest?.[options.functionName]);
	const test = owner?.methods?.credentialTest?.[options.functionName];
	if (test === undefined)
		throw new UnexpectedError(`Node type has no credential test "${options.functionName}"`);
	const { credential } = await prepareCredential(options);
	return await test.call(new CredentialTestContext(), credential);
}
