/**
 * App-only tokens for the tenant-app credential, from @azure/msal-node's ConfidentialClientApplication.
 *
 * Each token call gets an msal application of its own, whose network client is that call's sender alone: a
 * sender closes over its execution (n8n's request helpers, proxy settings, lifetime), so one execution's token
 * request must never go out through another's, and no application outlives the call that made it (it would keep
 * the execution, and all its items, in memory). What is shared is msal's token cache: one serialized cache per
 * distinct credential (keyed by a hash of its fields, never by the secret in clear), read and written through
 * msal's own cache plugin interface, so a token is reused across calls and executions and re-minted by msal
 * before it expires (n8n's own app-only credential keeps a token until Graph refuses it, and breaks after an
 * hour). This cache is an optimisation only: a new process or queue-mode worker simply mints its own token.
 */
import { ConfidentialClientApplication, type Configuration, type ICachePlugin } from '@azure/msal-node';
import { createHash } from 'node:crypto';

import { describeNetworkFailure } from '../networkFailure';
import { describeTokenFailure, readAadError } from './aadErrors';
import { plainHttpsRequest, type PlainRequest, type PlainResponse } from './plainHttps';
import type { TenantAppSettings } from './tenantAppCredentials';

/** Sends one HTTP request for msal; lets callers route msal's traffic through n8n's request helpers. */
export type TokenHttpSender = (request: Omit<PlainRequest, 'timeoutMs'>) => Promise<PlainResponse>;

export class TokenRequestError extends Error {
	constructor(
		message: string,
		readonly aadCode?: number,
	) {
		super(message);
		this.name = 'TokenRequestError';
	}
}

export interface AppToken {
	accessToken: string;
	expiresOn: Date | null;
}

/** msal's serialized token cache of each credential, by fingerprint; the oldest is forgotten past the bound. */
const tokenCaches = new Map<string, string>();
const MAX_CACHED_CREDENTIALS = 200;

function fingerprint(settings: TenantAppSettings): string {
	return createHash('sha256')
		.update(
			JSON.stringify([
				settings.tenantId,
				settings.clientId,
				settings.authMethod,
				settings.clientSecret,
				settings.privateKey,
				settings.thumbprint,
				settings.loginHost,
				settings.graphHost,
				settings.graphResourceHost,
			]),
		)
		.digest('hex');
}

/** msal's cache plugin over the shared map: each call's application starts from, and writes back to, one entry. */
function sharedCachePlugin(key: string): ICachePlugin {
	return {
		beforeCacheAccess: async (context) => {
			const serialized = tokenCaches.get(key);
			if (serialized !== undefined) context.tokenCache.deserialize(serialized);
		},
		afterCacheAccess: async (context) => {
			if (!context.cacheHasChanged) return;
			tokenCaches.delete(key);
			if (tokenCaches.size >= MAX_CACHED_CREDENTIALS) tokenCaches.delete(tokenCaches.keys().next().value as string);
			tokenCaches.set(key, context.tokenCache.serialize());
		},
	};
}

const plainSender: TokenHttpSender = async (request) => await plainHttpsRequest(request);

/**
 * Failures of the connection itself that a new connection usually cures: above all a kept-alive socket the
 * server closed as it was being reused (Node's agents and servers both drop idle sockets after 5 s, so a
 * request that picks one up at that moment meets ECONNRESET or "socket hang up"). A client-credentials token
 * request may be sent again: it has no effect but a new token.
 */
function isStaleConnection(error: unknown): boolean {
	return describeNetworkFailure(error) === 'the connection was dropped';
}

/** The network client msal uses for one call: that call's sender, one resend on a stale connection, the cause kept. */
class CallNetwork {
	/** the last failure of the connection, which msal replaces by its own generic network_error */
	failure: unknown;

	constructor(private readonly sender: TokenHttpSender) {}

	async send(request: Parameters<TokenHttpSender>[0]): Promise<PlainResponse> {
		try {
			return await this.sender(request);
		} catch (error) {
			if (!isStaleConnection(error)) return this.fail(error);
			try {
				return await this.sender(request);
			} catch (again) {
				return this.fail(again);
			}
		}
	}

	private fail(error: unknown): never {
		this.failure = error;
		throw error;
	}
}

function createApplication(settings: TenantAppSettings, network: CallNetwork): ConfidentialClientApplication {
	const certificate =
		settings.authMethod === 'certificate'
			? settings.thumbprint.length === 64
				? { thumbprintSha256: settings.thumbprint, privateKey: settings.privateKey }
				: { thumbprint: settings.thumbprint, privateKey: settings.privateKey }
			: undefined;
	const tenant = encodeURIComponent(settings.tenantId);
	const base = `https://${settings.loginHost}/${tenant}`;
	const config: Configuration = {
		auth: {
			clientId: settings.clientId,
			authority: base,
			// The endpoints are known, so msal need not fetch the OpenID configuration: one request less, and an
			// unknown tenant is reported by the token endpoint with its AADSTS code instead of msal's generic
			// endpoints_resolution_error.
			authorityMetadata: JSON.stringify({
				token_endpoint: `${base}/oauth2/v2.0/token`,
				authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
				end_session_endpoint: `${base}/oauth2/v2.0/logout`,
				jwks_uri: `${base}/discovery/v2.0/keys`,
				issuer: `${base}/v2.0`,
			}),
			...(certificate ? { clientCertificate: certificate } : { clientSecret: settings.clientSecret }),
			// A custom host is not in msal's table of Microsoft clouds; listing it skips instance discovery,
			// which would otherwise go to login.microsoftonline.com.
			...(settings.customHosts ? { knownAuthorities: [settings.loginHost] } : {}),
		},
		cache: { cachePlugin: sharedCachePlugin(fingerprint(settings)) },
		system: {
			loggerOptions: { piiLoggingEnabled: false, loggerCallback: () => undefined },
			networkClient: {
				sendGetRequestAsync: async (url, options) =>
					(await network.send({ method: 'GET', url, headers: options?.headers })) as never,
				sendPostRequestAsync: async (url, options) =>
					(await network.send({ method: 'POST', url, headers: options?.headers, body: options?.body })) as never,
			},
		},
	};
	return new ConfidentialClientApplication(config);
}

/** Graph's resource in the chosen cloud: the token's audience, whichever host serves the calls. */
export function graphScope(graphResourceHost: string): string {
	return `https://${graphResourceHost}/.default`;
}

function tokenRequestError(error: unknown, settings: TenantAppSettings, connectionFailure: unknown): TokenRequestError {
	const info = readAadError(error);
	if (connectionFailure !== undefined && !info.status) {
		// msal reports any failure of its network client as a bare network_error: name the real cause instead.
		return new TokenRequestError(
			`Failed to request refresh token: could not reach the sign-in host ${settings.loginHost} (${describeNetworkFailure(connectionFailure)}). Check the National Cloud setting, the network and any proxy.`,
		);
	}
	return new TokenRequestError(
		describeTokenFailure(info, { tenantId: settings.tenantId, clientId: settings.clientId, loginHost: settings.loginHost }),
		info.code,
	);
}

/**
 * Returns a token for Microsoft Graph. `forceRefresh` skips msal's cache: used after Graph refused a token that
 * msal still considered valid (revoked, or a clock that disagrees).
 */
export async function getTenantAppToken(
	settings: TenantAppSettings,
	options: { forceRefresh?: boolean; sender?: TokenHttpSender } = {},
): Promise<AppToken> {
	const network = new CallNetwork(options.sender ?? plainSender);
	const result = await createApplication(settings, network)
		.acquireTokenByClientCredential({ scopes: [graphScope(settings.graphResourceHost)], skipCache: options.forceRefresh === true })
		.catch((error: unknown) => ({ failure: error }));
	if (result && 'failure' in result) throw tokenRequestError(result.failure, settings, network.failure);
	// msal resolves with an empty token when the endpoint answers 404 with an empty body: treat that as a failure.
	if (!result?.accessToken) {
		throw new TokenRequestError(
			`Failed to request refresh token: the sign-in host ${settings.loginHost} returned no access token. Check the National Cloud and custom host settings.`,
		);
	}
	return { accessToken: result.accessToken, expiresOn: result.expiresOn ?? null };
}

/** Forgets every cached token (tests use it to simulate a fresh process). */
export function clearTenantAppTokenCache(): void {
	tokenCaches.clear();
}
