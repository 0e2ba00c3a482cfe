// OpenID Connect discovery and the signing keys, per tenant path segment (what msal fetches before anything else).
import type { HttpReply } from '../http/io';
import { aadstsReply } from './errors';
import type { EntraDeps } from './context';
import { resolveTenant } from './tenant';

export function openIdConfiguration(deps: EntraDeps, tenantSegment: string): HttpReply {
	const state = deps.state();
	const resolved = resolveTenant(state, tenantSegment, 'invalid_tenant');
	if (!resolved.ok) return aadstsReply(resolved.error, deps.clock.now());
	const base = `${deps.loginUrl()}/${tenantSegment}`;
	const issuerTenant = resolved.multiTenant ? '{tenantid}' : state.tenantId;
	return {
		status: 200,
		headers: { 'Cache-Control': 'max-age=86400, private', 'Access-Control-Allow-Origin': '*' },
		body: {
			token_endpoint: `${base}/oauth2/v2.0/token`,
			token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
			jwks_uri: `${base}/discovery/v2.0/keys`,
			response_modes_supported: ['query', 'fragment', 'form_post'],
			subject_types_supported: ['pairwise'],
			id_token_signing_alg_values_supported: ['RS256'],
			response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
			scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
			issuer: `${deps.loginUrl()}/${issuerTenant}/v2.0`,
			request_uri_parameter_supported: false,
			userinfo_endpoint: `${deps.graphUrl()}/oidc/userinfo`,
			authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
			device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
			http_logout_supported: true,
			frontchannel_logout_supported: true,
			end_session_endpoint: `${base}/oauth2/v2.0/logout`,
			claims_supported: ['sub', 'iss', 'cloud_instance_name', 'cloud_instance_host_name', 'cloud_graph_host_name', 'msgraph_host', 'aud', 'exp', 'iat', 'auth_time', 'acr', 'nonce', 'preferred_username', 'name', 'tid', 'ver', 'at_hash', 'c_hash', 'email'],
			kerberos_endpoint: `${base}/kerberos`,
			tenant_region_scope: 'EU',
			cloud_instance_name: 'microsoftonline.com',
			cloud_graph_host_name: 'graph.windows.net',
			msgraph_host: deps.graphHost(),
			rbac_url: 'https://pas.windows.net',
		},
	};
}

export function signingKeys(deps: EntraDeps, tenantSegment: string): HttpReply {
	const resolved = resolveTenant(deps.state(), tenantSegment, 'invalid_tenant');
	if (!resolved.ok) return aadstsReply(resolved.error, deps.clock.now());
	return { status: 200, headers: { 'Cache-Control': 'max-age=86400, private' }, body: deps.tokens.jwks() };
}
