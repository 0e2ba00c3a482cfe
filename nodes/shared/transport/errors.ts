/**
 * Graph failures as n8n errors. Every NodeApiError carries Graph's code, message and request-id (in the
 * description and in `context`), plus a fix where we know one. Nothing here ever reads request headers, so no
 * token can reach an error.
 */
import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { adminConsentUrl } from '../auth/adminConsent';
import { describeNetworkFailure, networkErrorCode } from '../networkFailure';
import { isProtectedApiDenial, PROTECTED_API_FIX } from '../protectedApis';
import type { GraphConnection } from './connection';
import type { GraphErrorBody } from './types';

export interface GraphFailure {
	status: number;
	code: string;
	message: string;
	requestId?: string;
	retryAfterSeconds?: number;
}

export function parseGraphError(status: number, body: unknown, headers: Record<string, string> = {}): GraphFailure {
	const error = (body as Partial<GraphErrorBody> | undefined)?.error;
	const retryAfter = Number(headers['retry-after']);
	return {
		status,
		code: typeof error?.code === 'string' ? error.code : `HTTP${status}`,
		message:
			typeof error?.message === 'string' && error.message
				? error.message
				: typeof body === 'string' && body && body.length < 500
					? body
					: `Microsoft Graph answered HTTP ${status}`,
		requestId: error?.innerError?.['request-id'] ?? headers['request-id'],
		retryAfterSeconds: Number.isFinite(retryAfter) ? retryAfter : undefined,
	};
}

function consentUrl(connection: GraphConnection): string | undefined {
	if (connection.kind !== 'tenantApp') return undefined;
	return adminConsentUrl({ loginHost: connection.loginHost, tenantId: connection.settings.tenantId, clientId: connection.settings.clientId });
}

/** A fix for the failures users meet most; undefined when Graph's own message is the best we have. */
export function fixFor(failure: GraphFailure, connection: GraphConnection): string | undefined {
	if (failure.status === 401) {
		return connection.kind === 'tenantApp'
			? 'Graph refused a freshly minted token. Check that the app registration still exists and is enabled, and the National Cloud setting.'
			: 'Graph refused the token even after a refresh. Open the credential and click Connect again.';
	}
	if (isProtectedApiDenial(failure)) return PROTECTED_API_FIX;
	if (failure.status === 403 && /Authorization_RequestDenied|Forbidden|AccessDenied|ErrorAccessDenied/i.test(failure.code)) {
		const url = consentUrl(connection);
		return connection.kind === 'tenantApp'
			? `The app lacks an application permission this operation needs. Add it under API permissions in the app registration and grant admin consent${url ? ` (${url})` : ''}; see the README's permission table.`
			: 'The signed-in account is not allowed to do this: it may lack a delegated permission (reconnect the credential after an admin consented to it), or it may not be a member of the team, channel or chat.';
	}
	if (failure.status === 429) {
		return 'Microsoft Graph kept throttling until the retry budget of this operation was spent (a few minutes of waiting in all). Run the workflow less often or with fewer items, or later.';
	}
	return undefined;
}

export function graphApiError(
	node: INode,
	failure: GraphFailure,
	connection: GraphConnection,
	itemIndex?: number,
): NodeApiError {
	const fix = fixFor(failure, connection);
	const description = [
		`Graph error ${failure.code} (HTTP ${failure.status})${failure.requestId ? `, request-id ${failure.requestId}` : ''}.`,
		fix,
	]
		.filter(Boolean)
		.join(' ');
	const error = new NodeApiError(node, { error: { code: failure.code, message: failure.message } } as JsonObject, {
		message: failure.message,
		description,
		httpCode: String(failure.status),
		itemIndex,
	});
	error.context = { ...(error.context ?? {}), graphCode: failure.code, status: failure.status, requestId: failure.requestId };
	return error;
}

/** Graph's code and status from an error our transport threw, for callers that turn it into a friendlier one. */
export function graphFailureOf(error: unknown): { status: number; code: string; requestId?: string } | undefined {
	const context = (error as { context?: Record<string, unknown> } | undefined)?.context;
	if (!context || typeof context.graphCode !== 'string') return undefined;
	return {
		status: Number(context.status),
		code: context.graphCode,
		requestId: typeof context.requestId === 'string' ? context.requestId : undefined,
	};
}

/** Raised when a delegated credential has no usable sign-in: the refresh token is missing, expired or revoked. */
export function notSignedInError(node: INode, credentialType: string, itemIndex?: number): NodeOperationError {
	const name = node.credentials?.[credentialType]?.name;
	const which = name ? `credential "${name}"` : 'the credential';
	const who = credentialType === 'm365IntegrationAccountOAuth2Api' ? 'The integration account' : 'This Microsoft 365 account';
	return new NodeOperationError(node, `${who} is not signed in: open ${which} and click Connect again`, {
		description:
			'Its sign-in expired, was revoked (for example by a password change or "revoke sessions"), or was never completed. Connecting again stores a new refresh token; nothing else needs to change.',
		itemIndex,
	});
}

export class AmbiguousWriteError extends Error {
	constructor(method: string, path: string, cause: string) {
		super(
			`The answer to ${method} ${path} was lost (${cause}), so it is unknown whether Microsoft Graph applied it. It was not sent again, to avoid doing it twice; check the target before running again.`,
		);
		this.name = 'AmbiguousWriteError';
	}
}

/**
 * Keeps only what is safe to show from a network-level failure (axios errors carry the request and its headers).
 * The message describes the failure in words: n8n replaces any error message that contains a code such as
 * ECONNRESET with its own generic text, which would hide what happened to the write.
 */
export function sanitizedNetworkError(error: unknown, host: string): Error {
	const code = networkErrorCode(error);
	const sanitized = new Error(`Could not reach Microsoft Graph at ${host}: ${describeNetworkFailure(error)}`);
	sanitized.name = 'GraphNetworkError';
	(sanitized as Error & { code?: string }).code = code;
	return sanitized;
}

const NETWORK_CODES = new Set([
	'ECONNRESET',
	'ECONNREFUSED',
	'ECONNABORTED',
	'ETIMEDOUT',
	'EPIPE',
	'EAI_AGAIN',
	'ENOTFOUND',
	'ERR_SOCKET_CONNECTION_TIMEOUT',
	'UND_ERR_SOCKET',
]);

export function isNetworkError(error: unknown): boolean {
	const e = error as { code?: string; message?: string; name?: string } | undefined;
	if (!e) return false;
	if (e.name === 'GraphNetworkError') return true;
	if (e.code && NETWORK_CODES.has(e.code)) return true;
	return /socket hang up|ECONNRESET|timeout|network error|aborted/i.test(e.message ?? '');
}
