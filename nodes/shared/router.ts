/**
 * The item loop every action node shares: picks each item's operation, runs it, pairs outputs with their input
 * item, and applies Continue On Fail. Operations handle one item (`execute`) or, when Graph work is batched across
 * items, the whole input (`executeBatch`), and then pair their outputs themselves.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { asNodeError } from './nodeErrors';

export interface OperationModule {
	description: INodeProperties[];
	execute?(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject | IDataObject[] | INodeExecutionData[]>;
	executeBatch?(this: IExecuteFunctions, itemIndexes: number[]): Promise<INodeExecutionData[]>;
}

export type OperationMap = Record<string, Record<string, OperationModule>>;

function isExecutionData(value: unknown): value is INodeExecutionData {
	return typeof value === 'object' && value !== null && 'json' in value && typeof (value as INodeExecutionData).json === 'object';
}

function toOutputItems(result: IDataObject | IDataObject[] | INodeExecutionData[], itemIndex: number): INodeExecutionData[] {
	const list = Array.isArray(result) ? result : [result];
	return list.map((entry) =>
		isExecutionData(entry)
			? { ...entry, pairedItem: entry.pairedItem ?? { item: itemIndex } }
			: { json: entry as IDataObject, pairedItem: { item: itemIndex } },
	);
}

/** What Continue On Fail emits for a failed item: the message and, when there is one, n8n's description. */
export function errorItem(error: unknown, itemIndex: number): INodeExecutionData {
	const e = error as { message?: string; description?: string | null };
	const json: IDataObject = { error: e?.message ?? String(error) };
	if (e?.description) json.description = e.description;
	return { json, pairedItem: { item: itemIndex } };
}

export async function routeItems(this: IExecuteFunctions, operations: OperationMap): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const output: INodeExecutionData[] = [];
	const batches = new Map<OperationModule, number[]>();

	for (let i = 0; i < items.length; i++) {
		let operation: OperationModule | undefined;
		try {
			const resource = this.getNodeParameter('resource', i) as string;
			const operationName = this.getNodeParameter('operation', i) as string;
			operation = operations[resource]?.[operationName];
			if (!operation) {
				throw new NodeOperationError(this.getNode(), `The operation "${operationName}" of "${resource}" is not supported`, { itemIndex: i });
			}
			if (operation.executeBatch) {
				const indexes = batches.get(operation) ?? [];
				indexes.push(i);
				batches.set(operation, indexes);
				continue;
			}
			const result = await operation.execute!.call(this, i);
			output.push(...toOutputItems(result, i));
		} catch (error) {
			if (this.continueOnFail()) {
				output.push(errorItem(error, i));
				continue;
			}
			throw asNodeError(error, this.getNode(), i);
		}
	}

	for (const [operation, indexes] of batches) {
		output.push(...(await operation.executeBatch!.call(this, indexes)));
	}
	return [output];
}
