// The login host: routes Entra's endpoints by path (msal appends ?client-request-id= to the token URL).
import type { IncomingMessage } from 'http';

import type { HttpReply } from '../http/io';
import { adminConsentEndpoint, authorizeEndpoint, logoutEndpoint } from './authorize';
import type { EntraDeps } from './context';
import { openIdConfiguration, signingKeys } from './discovery';
import { tokenEndpoint } from './token';

export interface LoginRequest {
	method: string;
	path: string;
	query: URLSearchParams;
	headers: Record<string, string>;
	bodyText: string;
	raw: IncomingMessage;
}

export type LoginReply = HttpReply & { route?: string; appId?: string };

const NOT_FOUND: LoginReply = { status: 404, body: '<html><body><h1>404 - Not Found</h1></body></html>', contentType: 'text/html; charset=utf-8' };

export async function handleLogin(deps: EntraDeps, request: LoginRequest): Promise<LoginReply> {
	const segments = request.path.split('/').filter(Boolean).map((s) => decodeURIComponent(s));
	const [tenant, ...rest] = segments;
	const tail = rest.join('/').toLowerCase();
	const method = request.method.toUpperCase();

	if (method === 'GET' && (tail === 'v2.0/.well-known/openid-configuration' || tail === '.well-known/openid-configuration')) {
		return { ...openIdConfiguration(deps, tenant), route: 'GET /:tenant/v2.0/.well-known/openid-configuration' };
	}
	if (method === 'GET' && (tail === 'discovery/v2.0/keys' || tail === 'discovery/keys')) {
		return { ...signingKeys(deps, tenant), route: 'GET /:tenant/discovery/v2.0/keys' };
	}
	if (tail === 'oauth2/v2.0/token') {
		if (method !== 'POST') return { status: 405, body: { error: 'invalid_request', error_description: 'AADSTS900561: The endpoint only accepts POST requests.' } };
		const form = new URLSearchParams(request.bodyText);
		const tokenUrl = `${deps.loginUrl()}${request.path}`;
		// The correlation id comes as a header or (msal) as ?client-request-id=.
		const clientRequestId = request.headers['client-request-id'] ?? request.query.get('client-request-id') ?? undefined;
		const headers = clientRequestId ? { ...request.headers, 'client-request-id': clientRequestId } : request.headers;
		return { ...tokenEndpoint(deps, { tenantSegment: tenant, form, headers, tokenUrl }), route: 'POST /:tenant/oauth2/v2.0/token' };
	}
	if (tail === 'oauth2/v2.0/authorize' && (method === 'GET' || method === 'POST')) {
		return { ...authorizeEndpoint(deps, tenant, method, request.query, new URLSearchParams(request.bodyText)), route: `${method} /:tenant/oauth2/v2.0/authorize` };
	}
	if ((tail === 'adminconsent' || tail === 'v2.0/adminconsent') && method === 'GET') {
		return { ...adminConsentEndpoint(deps, tenant, request.query, tail.startsWith('v2.0')), route: `GET /:tenant/${tail}` };
	}
	if (tail === 'oauth2/v2.0/logout') return { ...logoutEndpoint(request.query), route: 'GET /:tenant/oauth2/v2.0/logout' };
	return NOT_FOUND;
}
