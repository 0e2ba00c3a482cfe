/**
 * Makes sure what leaves a node is an n8n error (NodeApiError for Graph, NodeOperationError for everything else),
 * carrying the item index, without wrapping an n8n error a second time (which would hide Graph's details).
 */
import type { INode } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

export function asNodeError(error: unknown, node: INode, itemIndex?: number): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		if (itemIndex !== undefined && error.context && error.context.itemIndex === undefined) error.context.itemIndex = itemIndex;
		return error;
	}
	const message = error instanceof Error ? error.message : String(error);
	return new NodeOperationError(node, message, itemIndex === undefined ? {} : { itemIndex });
}
