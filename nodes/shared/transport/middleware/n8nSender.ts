/**
 * The last link of the chain: sends the request through n8n's own request helpers, so n8n's proxy settings and
 * SSRF guard apply, and turns n8n's answer back into a fetch Response for the middleware above.
 *
 * Tenant app: msal's token is attached here. Delegated credentials: n8n's OAuth2 helper signs the request and
 * refreshes the token when Graph answers the "token expired" status; we ask it to treat 403 as that status only
 * on the resend the token-refresh middleware requests after a 403 InvalidAuthenticationToken, because Graph also
 * answers 403 for missing permissions, which a refresh cannot fix.
 */
import type { Context, Middleware } from '@microsoft/microsoft-graph-client';
import type { IHttpRequestOptions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { getTenantAppToken, type TokenHttpSender } from '../../auth/tenantAppToken';
import type { GraphConnection } from '../connection';
import { notSignedInError, sanitizedNetworkError } from '../errors';
import type { GraphFunctions } from '../types';
import { callState } from './callState';

interface FullResponse {
	statusCode: number;
	headers: Record<string, unknown>;
	body: unknown;
}

const REQUEST_TIMEOUT_MS = 100_000;

function headerRecord(headers: HeadersInit | undefined): Record<string, string> {
	const record: Record<string, string> = {};
	new Headers((headers ?? {}) as Record<string, string>).forEach((value, name) => {
		record[name] = value;
	});
	return record;
}

function toResponse(result: FullResponse): Response {
	const headers = new Headers();
	for (const [name, value] of Object.entries(result.headers ?? {})) {
		if (value !== undefined && value !== null) headers.set(name, Array.isArray(value) ? value.join(', ') : String(value));
	}
	let body: Buffer | null;
	if (result.body === undefined || result.body === null) body = null;
	else if (Buffer.isBuffer(result.body)) body = result.body;
	else if (result.body instanceof ArrayBuffer) body = Buffer.from(result.body);
	else if (typeof result.body === 'string') body = Buffer.from(result.body);
	else body = Buffer.from(JSON.stringify(result.body));
	const status = result.statusCode;
	const noBody = status === 204 || status === 205 || status === 304 || !body || body.length === 0;
	// A view on the same bytes (not a copy: a Graph page of mail is megabytes).
	return new Response(noBody || !body ? null : new Uint8Array(body.buffer as ArrayBuffer, body.byteOffset, body.byteLength), { status, headers });
}

function isReconnectFailure(error: unknown): boolean {
	const chain = [error, (error as { cause?: unknown })?.cause];
	return chain.some((e) => {
		const err = e as { message?: string; failure?: { cause?: string } } | undefined;
		return (
			err?.failure?.cause === 'credential-invalid' ||
			/needs to be reconnected|OAuth credentials not connected|Unable to sign without access token|invalid_grant/i.test(err?.message ?? '')
		);
	});
}

/** axios errors carry the response for statuses n8n was told not to ignore. */
function responseOf(error: unknown): FullResponse | undefined {
	for (const candidate of [error, (error as { cause?: unknown })?.cause]) {
		const response = (candidate as { response?: { status?: number; headers?: Record<string, unknown>; data?: unknown } })
			?.response;
		if (response && typeof response.status === 'number') {
			return { statusCode: response.status, headers: response.headers ?? {}, body: response.data };
		}
	}
	return undefined;
}

export function msalSenderFor(ctx: GraphFunctions): TokenHttpSender {
	return async (request) => {
		const result = (await ctx.helpers.httpRequest({
			method: request.method,
			url: request.url,
			headers: request.headers,
			body: request.body,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			json: false,
			timeout: REQUEST_TIMEOUT_MS,
		})) as FullResponse;
		let body = result.body;
		if (Buffer.isBuffer(body)) body = body.toString('utf8');
		if (typeof body === 'string') {
			try {
				body = JSON.parse(body);
			} catch {
				// not JSON: msal reports it as an invalid response
			}
		}
		const headers: Record<string, string> = {};
		for (const [name, value] of Object.entries(result.headers ?? {})) headers[name.toLowerCase()] = String(value);
		return { status: result.statusCode, headers, body };
	};
}

export class N8nSender implements Middleware {
	constructor(
		private readonly ctx: GraphFunctions,
		private readonly connection: GraphConnection,
	) {}

	async execute(context: Context): Promise<void> {
		const state = callState(context);
		const headers = headerRecord(context.options?.headers);
		const request: IHttpRequestOptions = {
			method: state.method as IHttpRequestOptions['method'],
			url: context.request as string,
			headers,
			body: (context.options?.body as string | undefined) ?? undefined,
			returnFullResponse: true,
			encoding: 'arraybuffer',
			json: false,
			timeout: REQUEST_TIMEOUT_MS,
		};
		let result: FullResponse | undefined;
		let failure: unknown;
		try {
			if (this.connection.kind === 'tenantApp') {
				const { accessToken } = await getTenantAppToken(this.connection.settings, {
					forceRefresh: state.forceTokenRefresh,
					sender: msalSenderFor(this.ctx),
				});
				request.headers = { ...headers, Authorization: `Bearer ${accessToken}` };
				request.ignoreHttpStatusErrors = true;
				result = (await this.ctx.helpers.httpRequest(request)) as FullResponse;
			} else {
				const expiredStatus = state.forceTokenRefresh ? 403 : 401;
				request.ignoreHttpStatusErrors = { ignore: true, except: [expiredStatus] };
				result = (await this.ctx.helpers.httpRequestWithAuthentication.call(
					this.ctx,
					this.connection.credentialType,
					request,
					{ oauth2: { tokenExpiredStatusCode: expiredStatus } },
				)) as FullResponse;
			}
		} catch (error) {
			result = responseOf(error);
			failure = result ? undefined : error;
		}
		if (failure !== undefined) throw this.failureToThrow(failure);
		context.response = toResponse(result!);
	}

	/** n8n errors and token failures keep their message; anything else is a network failure, stripped of the request. */
	private failureToThrow(error: unknown): Error {
		const node = this.ctx.getNode();
		if (this.connection.kind === 'oauth2' && isReconnectFailure(error)) return notSignedInError(node, this.connection.credentialType);
		if ((error as Error)?.name === 'TokenRequestError') return new NodeOperationError(node, (error as Error).message);
		if (error instanceof NodeOperationError) return error;
		return sanitizedNetworkError(error, this.connection.graphHost);
	}
}

