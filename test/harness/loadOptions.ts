// Calls a node's load-options and list-search methods the way n8n's editor backend does
// (DynamicNodeParametersService): a one-node workflow holding the node's current parameters and
// credentials, and n8n-core's LoadOptionsContext.
import { LoadOptionsContext } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	INodeListSearchResult,
	INodeParameters,
	INodePropertyOptions,
} from 'n8n-workflow';
import { UnexpectedError } from 'n8n-workflow';

import './environment';
import { createAdditionalData } from './additionalData';
import { CredentialStore } from './credentialStore';
import { HarnessCredentialsHelper } from './credentialsHelper';
import { registerCredentialTypes } from './credentialTypes';
import type { TestableNodeType } from './nodeTypes';
import { buildWorkflow } from './workflow';

export interface LoadOptionsCallOptions {
	nodeType: TestableNodeType;
	/** The method's name in `methods.loadOptions` or `methods.listSearch`. */
	method: string;
	/** The node's parameters as currently set in the editor. */
	parameters?: INodeParameters;
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	credentialTypes?: ICredentialType[];
	typeVersion?: number;
	/** Path of the parameter being filled, as the editor sends it (e.g. 'parameters.team'). */
	path?: string;
}

export interface ListSearchCallOptions extends LoadOptionsCallOptions {
	filter?: string;
	paginationToken?: string;
}

function contextFor(options: LoadOptionsCallOptions) {
	registerCredentialTypes(options.credentialTypes);
	const store = new CredentialStore();
	const { workflow, node } = buildWorkflow({
		nodeType: options.nodeType,
		parameters: options.parameters,
		typeVersion: options.typeVersion,
		credentials: store.addAll(options.credentials),
	});
	const additionalData = createAdditionalData({
		workflow,
		credentialsHelper: new HarnessCredentialsHelper(store),
		mode: 'internal',
		currentNodeParameters: node.parameters,
	});
	const nodeType = workflow.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
	const context = new LoadOptionsContext(
		workflow,
		node,
		additionalData,
		options.path ?? `parameters.${options.method}`,
	);
	return { nodeType, context };
}

export async function runLoadOptions(
	options: LoadOptionsCallOptions,
): Promise<INodePropertyOptions[]> {
	const { nodeType, context } = contextFor(options);
	const method = nodeType.methods?.loadOptions?.[options.method];
	if (method === undefined)
		throw new UnexpectedError(`Node type does not have loadOptions method "${options.method}"`);
	return await method.call(context);
}

export async function runListSearch(
	options: ListSearchCallOptions,
): Promise<INodeListSearchResult> {
	const { nodeType, context } = contextFor(options);
	const method = nodeType.methods?.listSearch?.[options.method];
	if (method === undefined)
		throw new UnexpectedError(`Node type does not have listSearch method "${options.method}"`);
	return await method.call(context, options.filter, options.paginationToken);
}
