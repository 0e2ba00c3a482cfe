// The node types a harness workflow can hold: the node under test and the harness's start node. Types are
// registered under a package-qualified name, as n8n registers community nodes ("<package>.<name>").
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	INodeType,
	INodeTypeDescription,
	INodeTypes,
	IVersionedNodeType,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeHelpers, UnexpectedError } from 'n8n-workflow';

export const PACKAGE_NAME = 'n8n-nodes-m365-integration';

export type TestableNodeType = INodeType | IVersionedNodeType;

/** Passes the items the harness gives it to the node under test, like n8n's Manual Trigger passes its item. */
class HarnessStartNode implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Harness Start',
		name: 'harnessStart',
		group: ['trigger'],
		version: 1,
		description: 'Starts a harness workflow with the items the test supplies',
		defaults: { name: 'Harness Start' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [this.getInputData()];
	}
}

export const START_NODE_TYPE = `${PACKAGE_NAME}.harnessStart`;

export function describeNodeType(nodeType: TestableNodeType): INodeTypeDescription {
	if ('nodeVersions' in nodeType) {
		return nodeType.getNodeType(nodeType.currentVersion).description;
	}
	return nodeType.description;
}

export function qualifiedNodeTypeName(nodeType: TestableNodeType): string {
	return `${PACKAGE_NAME}.${describeNodeType(nodeType).name}`;
}

export function latestTypeVersion(nodeType: TestableNodeType): number {
	if ('nodeVersions' in nodeType) return nodeType.currentVersion;
	const { version } = nodeType.description;
	return Array.isArray(version) ? Math.max(...version) : version;
}

/**
 * Remembers the last error a node's own code threw. n8n-core records a failed node's error as a plain copy
 * (`{ ...error, message, stack }`); tests want the NodeApiError or NodeOperationError the node actually threw.
 */
export class ThrownErrorTrap {
	lastError?: unknown;
}

const ENTRY_POINTS = ['execute', 'poll', 'trigger', 'webhook'] as const;

function withErrorTrap(nodeType: INodeType, trap: ThrownErrorTrap): INodeType {
	// The prototype link keeps description, methods and webhookMethods reachable unchanged.
	const trapped = Object.create(nodeType) as INodeType;
	for (const entryPoint of ENTRY_POINTS) {
		const original = nodeType[entryPoint] as ((...args: unknown[]) => Promise<unknown>) | undefined;
		if (typeof original !== 'function') continue;
		const wrapper = async function (this: unknown, ...args: unknown[]): Promise<unknown> {
			try {
				return await original.apply(this, args);
			} catch (error) {
				trap.lastError = error;
				throw error;
			}
		};
		Object.defineProperty(trapped, entryPoint, { value: wrapper });
	}
	return trapped;
}

/**
 * n8n's node loader adds "Poll Times" to every polling node's properties (DirectoryLoader.applySpecialNodeParameters
 * with commonPollingParameters, n8n-core's nodes-loader/constants): the same parameter, so `getNodeParameter('pollTimes')`
 * works as in n8n.
 */
const POLL_TIMES: INodeProperties = {
	displayName: 'Poll Times',
	name: 'pollTimes',
	type: 'fixedCollection',
	typeOptions: { multipleValues: true, multipleValueButtonText: 'Add Poll Time' },
	default: { item: [{ mode: 'everyMinute' }] },
	description: 'Time at which polling should occur',
	placeholder: 'Add Poll Time',
	options: NodeHelpers.cronNodeOptions,
};

const specialised = new WeakMap<INodeType, INodeType>();

function withSpecialParameters(nodeType: INodeType): INodeType {
	const { description } = nodeType;
	if (!description.polling || description.properties.some((p) => p.name === 'pollTimes')) return nodeType;
	let wrapped = specialised.get(nodeType);
	if (!wrapped) {
		wrapped = Object.create(nodeType) as INodeType;
		Object.defineProperty(wrapped, 'description', { value: { ...description, properties: [POLL_TIMES, ...description.properties] } });
		specialised.set(nodeType, wrapped);
	}
	return wrapped;
}

export class HarnessNodeTypes implements INodeTypes {
	private readonly types = new Map<string, TestableNodeType>([
		[START_NODE_TYPE, new HarnessStartNode()],
	]);

	private readonly trappedVersions = new Map<string, INodeType>();

	constructor(
		nodeTypes: TestableNodeType[],
		private readonly errorTrap?: ThrownErrorTrap,
	) {
		for (const nodeType of nodeTypes) this.types.set(qualifiedNodeTypeName(nodeType), nodeType);
	}

	getByName(nodeType: string): TestableNodeType {
		const found = this.types.get(nodeType);
		if (found === undefined) throw new UnexpectedError(`Unknown node type "${nodeType}"`);
		return found;
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		const resolved = withSpecialParameters(NodeHelpers.getVersionedNodeType(this.getByName(nodeType), version));
		if (this.errorTrap === undefined || nodeType === START_NODE_TYPE) return resolved;
		const key = `${nodeType}@${version ?? 'latest'}`;
		let trapped = this.trappedVersions.get(key);
		if (trapped === undefined) {
			trapped = withErrorTrap(resolved, this.errorTrap);
			this.trappedVersions.set(key, trapped);
		}
		return trapped;
	}

	getKnownTypes(): IDataObject {
		return {};
	}
}
