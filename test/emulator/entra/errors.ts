// AADSTS error bodies exactly as Entra's token endpoint sends them: error, error_description with trace and
// correlation ids and timestamp, error_codes, timestamp, trace_id, correlation_id, error_uri, suberror.
import { randomUUID } from 'crypto';

import type { HttpReply } from '../http/io';

export interface AadstsError {
	code: number;
	error: string;
	status: number;
	description: string;
	suberror?: string;
	claims?: string;
}

/** `2026-11-23 18:21:37Z`, Entra's timestamp format. */
export function entraTimestamp(date: Date): string {
	return date.toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, 'Z');
}

export function aadstsBody(err: AadstsError, now: Date, correlationId: string = randomUUID()) {
	const traceId = randomUUID();
	const timestamp = entraTimestamp(now);
	return {
		error: err.error,
		error_description: `AADSTS${err.code}: ${err.description}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
		error_codes: [err.code],
		timestamp,
		trace_id: traceId,
		correlation_id: correlationId,
		error_uri: `https://login.microsoftonline.com/error?code=${err.code}`,
		...(err.suberror ? { suberror: err.suberror } : {}),
		...(err.claims ? { claims: err.claims } : {}),
	};
}

export function aadstsReply(err: AadstsError, now: Date, correlationId?: string): HttpReply {
	return {
		status: err.status,
		headers: { 'Cache-Control': 'no-store, no-cache', Pragma: 'no-cache', 'x-ms-request-id': randomUUID() },
		body: aadstsBody(err, now, correlationId),
	};
}

/** The catalogue of AADSTS errors the emulator produces. */
export const AADSTS = {
	invalidSecret: (appId: string): AadstsError => ({
		code: 7000215,
		error: 'invalid_client',
		status: 401,
		description: `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${appId}'.`,
	}),
	expiredSecret: (appId: string): AadstsError => ({
		code: 7000222,
		error: 'invalid_client',
		status: 401,
		description: `The provided client secret keys for app '${appId}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.`,
	}),
	missingClientCredential: (): AadstsError => ({
		code: 7000218,
		error: 'invalid_client',
		status: 401,
		description: "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
	}),
	missingClientId: (): AadstsError => ({
		code: 900144,
		error: 'invalid_request',
		status: 400,
		description: "The request body must contain the following parameter: 'client_id'.",
	}),
	missingParameter: (name: string): AadstsError => ({
		code: 900144,
		error: 'invalid_request',
		status: 400,
		description: `The request body must contain the following parameter: '${name}'.`,
	}),
	unknownApp: (appId: string, tenant: string): AadstsError => ({
		code: 700016,
		error: 'unauthorized_client',
		status: 400,
		description: `Application with identifier '${appId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
	}),
	invalidClientId: (clientId: string): AadstsError => ({
		code: 700038,
		error: 'invalid_request',
		status: 400,
		description: `${clientId} is not a valid application identifier.`,
	}),
	unknownTenant: (tenant: string, error = 'invalid_request'): AadstsError => ({
		code: 90002,
		error,
		status: 400,
		description: `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
	}),
	malformedTenant: (tenant: string, error = 'invalid_request'): AadstsError => ({
		code: 900023,
		error,
		status: 400,
		description: `Specified tenant identifier '${tenant}' is neither a valid DNS name, nor a valid external domain.`,
	}),
	commonNotSupported: (): AadstsError => ({
		code: 9001023,
		error: 'invalid_request',
		status: 400,
		description:
			"The grant type isn't supported over the /common or /consumers endpoints. Please use the /organizations or tenant-specific endpoint.",
	}),
	consentRequired: (appId: string, appName: string): AadstsError => ({
		code: 65001,
		error: 'invalid_grant',
		status: 400,
		suberror: 'consent_required',
		description: `The user or administrator has not consented to use the application with ID '${appId}' named '${appName}'. Send an interactive authorization request for this user and resource.`,
	}),
	codeOrTokenExpired: (): AadstsError => ({
		code: 70008,
		error: 'invalid_grant',
		status: 400,
		description:
			'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.',
	}),
	refreshTokenInactive: (issued: Date, inactiveSeconds: number): AadstsError => {
		const days = Math.floor(inactiveSeconds / 86400);
		const rest = new Date((inactiveSeconds % 86400) * 1000).toISOString().slice(11, 19);
		return {
			code: 700082,
			error: 'invalid_grant',
			status: 400,
			description: `The refresh token has expired due to inactivity. The token was issued on ${issued.toISOString()} and was inactive for ${days}.${rest}.`,
		};
	},
	grantRevoked: (issued: Date, validFrom?: Date): AadstsError => ({
		code: 50173,
		error: 'invalid_grant',
		status: 400,
		description: `The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password. The grant was issued on '${issued.toISOString()}' and the TokensValidFrom date (before which tokens are not valid) for this user is '${(validFrom ?? issued).toISOString()}'.`,
	}),
	accountDisabled: (): AadstsError => ({
		code: 50057,
		error: 'invalid_grant',
		status: 400,
		description: 'The user account is disabled.',
	}),
	codeRedeemed: (): AadstsError => ({
		code: 54005,
		error: 'invalid_grant',
		status: 400,
		description: 'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.',
	}),
	malformedGrant: (): AadstsError => ({
		code: 9002313,
		error: 'invalid_grant',
		status: 400,
		description: 'Invalid request. Request is malformed or invalid.',
	}),
	grantNotForClient: (): AadstsError => ({
		code: 70000,
		error: 'invalid_grant',
		status: 400,
		description: 'Provided grant is invalid or malformed.',
	}),
	redirectUriMismatch: (): AadstsError => ({
		code: 70000,
		error: 'invalid_grant',
		status: 400,
		description: "The provided value for the 'redirect_uri' is not valid. The value must exactly match the redirect URI used to obtain the authorization code.",
	}),
	pkceMismatch: (): AadstsError => ({
		code: 501481,
		error: 'invalid_grant',
		status: 400,
		description: 'The Code_Verifier does not match the code_challenge supplied in the authorization request.',
	}),
	invalidScope: (scope: string, clientCredentials: boolean): AadstsError => ({
		code: 70011,
		error: 'invalid_scope',
		status: 400,
		description: clientCredentials
			? `The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid. The scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`
			: `The provided value for the input parameter 'scope' is not valid. The scope '${scope}' does not exist.`,
	}),
	resourceNotFound: (resource: string, tenant: string): AadstsError => ({
		code: 500011,
		error: 'invalid_resource',
		status: 400,
		description: `The resource principal named ${resource} was not found in the tenant named ${tenant}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
	}),
	unsupportedGrantType: (grantType: string): AadstsError => ({
		code: 70003,
		error: 'unsupported_grant_type',
		status: 400,
		description: `The app requested an unsupported grant type '${grantType}'.`,
	}),
	assertionInvalid: (reason: string): AadstsError => ({
		code: 700027,
		error: 'invalid_client',
		status: 401,
		description: `Client assertion failed signature validation. [Reason - ${reason}]`,
	}),
	assertionExpired: (): AadstsError => ({
		code: 700024,
		error: 'invalid_client',
		status: 401,
		description: 'Client assertion is not within its valid time range.',
	}),
	assertionAudience: (audience: string): AadstsError => ({
		code: 700212,
		error: 'invalid_client',
		status: 401,
		description: `No matching federated identity record found for presented assertion audience '${audience}'.`,
	}),
	mfaRequired: (): AadstsError => ({
		code: 50076,
		error: 'invalid_grant',
		status: 400,
		suberror: 'basic_action',
		claims: '{"access_token":{"capolids":{"essential":true,"values":["0b8c4c1e-6f5e-4a8e-9a4c-3f2e1d0c9b8a"]}}}',
		description:
			"Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '00000003-0000-0000-c000-000000000000'.",
	}),
};

/** An Entra error for the sign-in pages (shown, not sent as JSON). */
export const PAGE_ERRORS = {
	wrongPassword: { code: 50126, text: 'Error validating credentials due to invalid username or password.' },
	unknownUser: (upn: string, tenant: string) => ({ code: 50034, text: `The user account ${upn} does not exist in the ${tenant} directory. To sign into this application, the account must be added to the directory.` }),
	disabled: { code: 50057, text: 'The user account is disabled.' },
	wrongMfaCode: { code: 50074, text: 'Strong Authentication is required. The verification code you entered is not correct.' },
	redirectMismatch: (uri: string, appId: string) => ({ code: 50011, text: `The redirect URI '${uri}' specified in the request does not match the redirect URIs configured for the application '${appId}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal.` }),
	needAdmin: (appName: string) => ({ code: 90094, text: `${appName} needs permission to access resources in your organization that only an admin can grant. Please ask an admin to grant permission to this app before you can use it.` }),
	notAdmin: { code: 90093, text: 'Graph is unable to grant admin consent: the signed-in user is not an administrator.' },
};
