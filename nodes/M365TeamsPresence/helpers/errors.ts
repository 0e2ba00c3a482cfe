import type { IExecuteFunctions, NodeApiError, NodeOperationError } from 'n8n-workflow';

import { asNodeError as toNodeError } from '../../shared/nodeErrors';

/** The shared asNodeError (nodes/shared/nodeErrors.ts) in the argument order the presence operations use. */
export function asNodeError(ctx: IExecuteFunctions, error: unknown, itemIndex: number): NodeApiError | NodeOperationError {
	return toNodeError(error, ctx.getNode(), itemIndex);
}
