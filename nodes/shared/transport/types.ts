import type {
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	IHttpRequestMethods,
	ILoadOptionsFunctions,
	IPollFunctions,
	ITriggerFunctions,
	IWebhookFunctions,
} from 'n8n-workflow';

import type { RetryBudget } from './retryBudget';

/** Every n8n context that may call Graph: they all carry n8n's request helpers and the node's credentials. */
export type GraphFunctions =
	| IExecuteFunctions
	| ILoadOptionsFunctions
	| IPollFunctions
	| IHookFunctions
	| IWebhookFunctions
	| ITriggerFunctions;

export const TENANT_APP_CREDENTIAL = 'm365TenantAppApi';
export const INTEGRATION_ACCOUNT_CREDENTIAL = 'm365IntegrationAccountOAuth2Api';

export type GraphVersion = 'v1.0' | 'beta';

export interface GraphRequest {
	/** n8n credential type name: the tenant app, the integration account, or another delegated credential of this package. */
	credentialType: string;
	method: IHttpRequestMethods;
	/** Relative to the version root ('/users/{id}'), or an absolute @odata.nextLink / @odata.deltaLink of the same Graph host. */
	url: string;
	version?: GraphVersion;
	qs?: IDataObject;
	body?: IDataObject | IDataObject[];
	headers?: Record<string, string>;
	/** Put on the NodeApiError, so n8n shows which item failed. */
	itemIndex?: number;
	/**
	 * For POST/PATCH: when the answer is lost (timeout, dropped connection, 5xx) the write may have happened.
	 * The transport calls this before any retry: a result means "it happened, here it is"; undefined means
	 * "it did not", and only then is the request sent again. Without it, such a write is never retried.
	 */
	verifyAfterAmbiguousFailure?: () => Promise<unknown>;
	/** Overrides the default: GET, PUT, DELETE, HEAD and OPTIONS are idempotent; POST and PATCH are not. */
	idempotent?: boolean;
	/** Body is returned as a Buffer (attachments' $value). */
	binary?: boolean;
	/**
	 * The retry budget of the logical operation this request belongs to (paging and $batch pass theirs); a
	 * request without one gets its own. See retryBudget.ts.
	 */
	retryBudget?: RetryBudget;
}

export interface GraphResponse<T> {
	statusCode: number;
	headers: Record<string, string>;
	body: T;
}

export interface GraphCollection<T> {
	value: T[];
	'@odata.nextLink'?: string;
	'@odata.deltaLink'?: string;
	'@odata.count'?: number;
}

export interface GraphPage<T> {
	value: T[];
	nextLink?: string;
	deltaLink?: string;
}

export interface GraphErrorBody {
	error: {
		code: string;
		message: string;
		innerError?: { 'request-id'?: string; 'client-request-id'?: string; date?: string; code?: string };
		details?: Array<{ code?: string; message?: string; target?: string }>;
	};
}

export interface BatchRequestItem {
	/** Unique within one graphBatch call. */
	id: string;
	method: IHttpRequestMethods;
	/** Relative to the version root, e.g. '/users/{id}/presence'. */
	url: string;
	body?: IDataObject | IDataObject[];
	headers?: Record<string, string>;
	dependsOn?: string[];
	/** As on GraphRequest: lets a write inside a batch survive a lost answer without being repeated. */
	verifyAfterAmbiguousFailure?: () => Promise<unknown>;
}

export interface BatchResponseItem<T = unknown> {
	id: string;
	/** HTTP status of the sub-request; 0 when its outcome is unknown (lost answer on a write without verify). */
	status: number;
	headers: Record<string, string>;
	body: T;
	error?: GraphErrorBody['error'];
	/**
	 * With `onBatchFailure: 'results'`: set when this request was not answered on its own because its `$batch` was refused
	 * as a whole (status and error are the batch's), or was never sent after that (status 0, code NotSent).
	 */
	batchRefused?: boolean;
}
