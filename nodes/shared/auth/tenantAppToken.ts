/**
 * App-only tokens for the tenant-app credential, from @azure/msal-node's ConfidentialClientApplication.
 *
 * One msal application per distinct credential (keyed by a hash of its fields, never by the secret itself in
 * clear), so msal's in-memory token cache is reused across executions and the token is re-minted by msal before
 * it expires (n8n's own app-only credential keeps a token until Graph refuses it, and breaks after an hour).
 * This cache is an optimisation only: a new process or queue-mode worker simply mints its own token.
 */
import { ConfidentialClientApplication, type Configuration } from '@azure/msal-node';
import { createHash } from 'node:crypto';

import { describeTokenFailure, readAadError } from './aadErrors';
import { plainHttpsRequest, type PlainResponse } from './plainHttps';
import type { TenantAppSettings } from './tenantAppCredentials';

/** Sends one HTTP request for msal; lets callers route msal's traffic through n8n's request helpers. */
export type TokenHttpSender = (request: {
	method: 'GET' | 'POST';
	url: string;
	headers?: Record<string, string>;
	body?: string;
}) => Promise<PlainResponse>;

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

interface CacheEntry {
	app: ConfidentialClientApplication;
	/**
	 * Senders of the token calls in progress; msal's network client uses the latest. Each is dropped when its call
	 * ends: a sender closes over its execution's context, which reaches every item of that execution, and a cached
	 * application would otherwise keep the last execution in memory for the life of the process.
	 */
	senders: TokenHttpSender[];
}

const applications = new Map<string, CacheEntry>();
const MAX_APPLICATIONS = 200;

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

const plainSender: TokenHttpSender = async (request) => await plainHttpsRequest(request);

function currentSender(entry: Partial<CacheEntry>): TokenHttpSender {
	return entry.senders?.[entry.senders.length - 1] ?? plainSender;
}

function createApplication(settings: TenantAppSettings, entry: Partial<CacheEntry>): ConfidentialClientApplication {
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
		system: {
			loggerOptions: { piiLoggingEnabled: false, loggerCallback: () => undefined },
			networkClient: {
				sendGetRequestAsync: async (url, options) =>
					(await currentSender(entry)({ method: 'GET', url, headers: options?.headers })) as never,
				sendPostRequestAsync: async (url, options) =>
					(await currentSender(entry)({
						method: 'POST',
						url,
						headers: options?.headers,
						body: options?.body,
					})) as never,
			},
		},
	};
	return new ConfidentialClientApplication(config);
}

function entryFor(settings: TenantAppSettings): CacheEntry {
	const key = fingerprint(settings);
	let entry = applications.get(key);
	if (!entry) {
		if (applications.size >= MAX_APPLICATIONS) applications.delete(applications.keys().next().value as string);
		const partial: Partial<CacheEntry> = { senders: [] };
		partial.app = createApplication(settings, partial);
		entry = partial as CacheEntry;
		applications.set(key, entry);
	}
	return entry;
}

/** Graph's resource in the chosen cloud: the token's audience, whichever host serves the calls. */
export function graphScope(graphResourceHost: string): string {
	return `https://${graphResourceHost}/.default`;
}

function tokenRequestError(error: unknown, settings: TenantAppSettings): TokenRequestError {
	const info = readAadError(error);
	const text = error instanceof Error ? error.message : '';
	if (!info.code && !info.status && /ENOTFOUND|ECONNREFUSED|ETIMEDOUT|timed out|ECONNRESET|certificate/i.test(text)) {
		return new TokenRequestError(
			`Failed to request refresh token: could not reach the sign-in host ${settings.loginHost} (${text.split('\n')[0]}). Check the National Cloud setting, the network and any proxy.`,
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
	const entry = entryFor(settings);
	const { sender } = options;
	if (sender) entry.senders.push(sender);
	const result = await entry.app
		.acquireTokenByClientCredential({ scopes: [graphScope(settings.graphResourceHost)], skipCache: options.forceRefresh === true })
		.catch((error: unknown) => ({ failure: error }))
		.finally(() => {
			if (sender) entry.senders.splice(entry.senders.lastIndexOf(sender), 1);
		});
	if (result && 'failure' in result) throw tokenRequestError(result.failure, settings);
	// msal resolves with an empty token when the endpoint answers 404 with an empty body: treat that as a failure.
	if (!result?.accessToken) {
		throw new TokenRequestError(
			`Failed to request refresh token: the sign-in host ${settings.loginHost} returned no access token. Check the National Cloud and custom host settings.`,
		);
	}
	return { accessToken: result.accessToken, expiresOn: result.expiresOn ?? null };
}

/** Forgets every cached application (tests use it to simulate a fresh process). */
export function clearTenantAppTokenCache(): void {
	applications.clear();
}
