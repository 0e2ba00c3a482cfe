/**
 * The item loop every action node shares: picks each item's operation, runs it, pairs outputs with their input
 * item, and applies Continue On Fail. Operations handle one item (`execute`) or, when Graph work is batched across
 * items, the whole input (`executeBatch`), and then pair their outputs themselves.
 *
 * An operation that gives each item an `orderKey` (the conversation a message goes to) has its items run at once
 * across keys, at most PARALLEL_KEYS at a time, and one after another within a key, in input order; the transport's
 * limiter holds the requests to Microsoft's limits. Outputs stay in input order. Without Continue On Fail the first
 * failing item (by index) stops the run: no item after it starts, those already running end, and its error is thrown.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { KeyedQueue } from './keyedQueue';
import { asNodeError } from './nodeErrors';

export interface OperationModule {
	description: INodeProperties[];
	execute?(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject | IDataObject[] | INodeExecutionData[]>;
	executeBatch?(this: IExecuteFunctions, itemIndexes: number[]): Promise<INodeExecutionData[]>;
	/** With `execute`: what must keep input order (items with the same key run one after another; others at once). */
	orderKey?(this: IExecuteFunctions, itemIndex: number): string;
}

/**
 * Items of keyed operations running at once. Teams' tenant-wide posting limits are 20 chat and 50 channel posts per
 * second; at Graph's few hundred milliseconds per post, 20 conversations in flight reach them.
 */
export const PARALLEL_KEYS = 20;

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
	const outputs: INodeExecutionData[][] = [];
	const batches = new Map<OperationModule, number[]>();
	const queue = new KeyedQueue(PARALLEL_KEYS);
	let failure: { itemIndex: number; error: unknown } | undefined;
	const fail = (itemIndex: number, error: unknown) => {
		if (!failure || itemIndex < failure.itemIndex) failure = { itemIndex, error };
	};
	const run = async (operation: OperationModule, i: number) => {
		try {
			outputs[i] = toOutputItems(await operation.execute!.call(this, i), i);
		} catch (error) {
			if (!this.continueOnFail()) throw asNodeError(error, this.getNode(), i);
			outputs[i] = [errorItem(error, i)];
		}
	};

	for (let i = 0; i < items.length && !failure; i++) {
		try {
			const resource = this.getNodeParameter('resource', i) as string;
			const operationName = this.getNodeParameter('operation', i) as string;
			const operation = operations[resource]?.[operationName];
			if (!operation) {
				throw new NodeOperationError(this.getNode(), `The operation "${operationName}" of "${resource}" is not supported`, { itemIndex: i });
			}
			if (operation.executeBatch) {
				const indexes = batches.get(operation) ?? [];
				indexes.push(i);
				batches.set(operation, indexes);
				continue;
			}
			if (operation.orderKey) {
				const key = operation.orderKey.call(this, i);
				queue.add(key, async () => {
					if (failure && failure.itemIndex < i) return;
					await run(operation, i).catch((error: unknown) => fail(i, error));
				});
				continue;
			}
			// An item without a key runs alone, after every item before it.
			await queue.idle();
			if (failure) break;
			await run(operation, i);
		} catch (error) {
			if (this.continueOnFail()) {
				outputs[i] = [errorItem(error, i)];
				continue;
			}
			fail(i, error);
		}
	}
	await queue.idle();
	if (failure) throw asNodeError(failure.error, this.getNode(), failure.itemIndex);

	const output = outputs.flatMap((entries) => entries ?? []);
	for (const [operation, indexes] of batches) {
		output.push(...(await operation.executeBatch!.call(this, indexes)));
	}
	return [output];
}
