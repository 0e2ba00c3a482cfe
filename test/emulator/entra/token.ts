// POST /{tenant}/oauth2/v2.0/token: client_credentials, authorization_code and refresh_token grants with
// client secret or certificate assertion, answering success and failure the way Entra does.
import { createHash, X509Certificate } from 'crypto';

import type { HttpReply } from '../http/io';
import { base64url, decodeJwt, verifyJwtSignature } from '../jwt';
import type { AppRecord } from '../state/types';
import { AADSTS, type AadstsError, aadstsReply } from './errors';
import type { EntraDeps } from './context';
import { hasAllScopes, parseScopes } from './scopes';
import { resolveTenant } from './tenant';

type Outcome<T> = { ok: true; value: T } | { ok: false; error: AadstsError };

const NO_STORE = { 'Cache-Control': 'no-store, no-cache', Pragma: 'no-cache' };

/** What a client authenticated with (for logging and refresh-token binding). */
type ClientAuth = 'secret' | 'certificate';

function authenticateClient(deps: EntraDeps, app: AppRecord, form: URLSearchParams, basic: { id: string; secret: string } | undefined, tokenUrl: string): Outcome<ClientAuth> {
	const secret = form.get('client_secret') ?? basic?.secret ?? undefined;
	const assertion = form.get('client_assertion');
	const appId = app.application.appId;
	if (assertion) {
		const type = form.get('client_assertion_type');
		if (type !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') {
			return { ok: false, error: { code: 50027, error: 'invalid_request', status: 400, description: "The client_assertion_type must be 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'." } };
		}
		return verifyAssertion(deps, app, assertion, tokenUrl);
	}
	if (!secret) return { ok: false, error: AADSTS.missingClientCredential() };
	const now = deps.clock.nowMs();
	const matching = app.secrets.find((s) => s.value === secret);
	if (!matching) return { ok: false, error: AADSTS.invalidSecret(appId) };
	const meta = app.application.passwordCredentials?.find((p) => p.keyId === matching.keyId);
	const expired = meta?.endDateTime ? Date.parse(meta.endDateTime) <= now : false;
	const notYet = meta?.startDateTime ? Date.parse(meta.startDateTime) > now : false;
	if (expired || notYet) return { ok: false, error: AADSTS.expiredSecret(appId) };
	return { ok: true, value: 'secret' };
}

function verifyAssertion(deps: EntraDeps, app: AppRecord, assertion: string, tokenUrl: string): Outcome<ClientAuth> {
	const decoded = decodeJwt(assertion);
	if (!decoded) return { ok: false, error: AADSTS.assertionInvalid('The client assertion is not a well-formed JWT.') };
	const x5t = typeof decoded.header.x5t === 'string' ? decoded.header.x5t : undefined;
	const x5tS256 = typeof decoded.header['x5t#S256'] === 'string' ? decoded.header['x5t#S256'] : undefined;
	const certificate = app.certificates
		.map((c) => new X509Certificate(c.certificatePem))
		.find((cert) => {
			const der = cert.raw;
			return (x5t && base64url(createHash('sha1').update(der).digest()) === x5t) || (x5tS256 && base64url(createHash('sha256').update(der).digest()) === x5tS256);
		});
	const presented = x5t ? Buffer.from(x5t, 'base64url').toString('hex').toUpperCase() : x5tS256 ? Buffer.from(x5tS256, 'base64url').toString('hex').toUpperCase() : 'none';
	if (!certificate) {
		return {
			ok: false,
			error: {
				...AADSTS.assertionInvalid(`The key was not found., Thumbprint of key used by client: '${presented}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${app.application.appId}'.`),
				description: `The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '${presented}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${app.application.appId}'. Review the documentation at https://docs.microsoft.com/en-us/graph/deployments to determine the corresponding service endpoint and https://docs.microsoft.com/en-us/graph/api/application-get?view=graph-rest-1.0&tabs=http to build a query request URL, such as 'https://graph.microsoft.com/beta/applications/${app.application.id}']`,
			},
		};
	}
	if (!verifyJwtSignature(decoded, certificate.publicKey)) {
		return { ok: false, error: AADSTS.assertionInvalid(`The signature of the client assertion does not match the key with thumbprint '${presented}'.`) };
	}
	// The assertion carries the client's real time, not the emulator's: check it against the real clock.
	const nowSeconds = Math.floor(Date.now() / 1000);
	const claims = decoded.claims;
	if (typeof claims.exp !== 'number' || claims.exp + 300 < nowSeconds || (typeof claims.nbf === 'number' && claims.nbf - 300 > nowSeconds)) {
		return { ok: false, error: AADSTS.assertionExpired() };
	}
	const appId = app.application.appId;
	if (claims.iss !== appId || claims.sub !== appId) {
		return { ok: false, error: AADSTS.assertionInvalid("The 'iss' and 'sub' claims of the client assertion must be the client id.") };
	}
	const aud = String(claims.aud ?? '');
	const tokenPath = new URL(tokenUrl).pathname.toLowerCase();
	const audOk = aud.toLowerCase() === tokenUrl.toLowerCase() || (aud.toLowerCase().startsWith(deps.loginUrl().toLowerCase()) && /\/oauth2\/(v2\.0\/)?token$/i.test(aud)) || aud.toLowerCase().endsWith(tokenPath);
	if (!audOk) return { ok: false, error: { code: 700021, error: 'invalid_client', status: 401, description: `Client assertion audience claim does not match Realm issuer. Review the documentation at https://docs.microsoft.com/en-us/azure/active-directory/develop/active-directory-certificate-credentials .` } };
	return { ok: true, value: 'certificate' };
}

function parseBasic(header: string | undefined): { id: string; secret: string } | undefined {
	const match = /^Basic\s+(.+)$/i.exec(header ?? '');
	if (!match) return undefined;
	const decoded = Buffer.from(match[1], 'base64').toString('utf8');
	const colon = decoded.indexOf(':');
	if (colon < 0) return undefined;
	const decode = (value: string) => {
		try {
			return decodeURIComponent(value);
		} catch {
			return value;
		}
	};
	return { id: decode(decoded.slice(0, colon)), secret: decode(decoded.slice(colon + 1)) };
}

function clientInfo(userId: string, tenantId: string): string {
	return base64url(JSON.stringify({ uid: userId, utid: tenantId }));
}

export interface TokenRequest {
	tenantSegment: string;
	form: URLSearchParams;
	headers: Record<string, string>;
	/** Absolute URL of the token endpoint as called (assertion audience). */
	tokenUrl: string;
}

export function tokenEndpoint(deps: EntraDeps, request: TokenRequest): HttpReply & { appId?: string } {
	const now = deps.clock.now();
	const state = deps.state();
	const correlationId = request.headers['client-request-id'] ?? request.form.get('client-request-id') ?? undefined;
	const fail = (error: AadstsError, appId?: string) => ({ ...aadstsReply(error, now, correlationId), appId });

	const tenant = resolveTenant(state, request.tenantSegment);
	if (!tenant.ok) return fail(tenant.error);

	const form = request.form;
	const basic = parseBasic(request.headers.authorization);
	const clientId = form.get('client_id') ?? basic?.id;
	if (!clientId) return fail(AADSTS.missingClientId());
	const app = state.app(clientId);
	if (!app && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(clientId)) return fail(AADSTS.invalidClientId(clientId));
	if (!app) return fail(AADSTS.unknownApp(clientId, request.tenantSegment));
	const appId = app.application.appId;
	const grantType = form.get('grant_type');
	if (!grantType) return fail(AADSTS.missingParameter('grant_type'), appId);

	if (grantType === 'client_credentials') {
		if (tenant.multiTenant) return fail(AADSTS.commonNotSupported(), appId);
		const auth = authenticateClient(deps, app, form, basic, request.tokenUrl);
		if (!auth.ok) return fail(auth.error, appId);
		const scope = form.get('scope');
		if (!scope) return fail(AADSTS.missingParameter('scope'), appId);
		const parsed = parseScopes(scope);
		if (parsed.otherResourceDefault) return fail(AADSTS.resourceNotFound(parsed.otherResourceDefault, state.tenantId), appId);
		if (!parsed.graphDefault || parsed.graph.length > 0 || parsed.oidc.length > 0 || parsed.invalid) return fail(AADSTS.invalidScope(scope, true), appId);
		// Without admin consent Entra still issues a token, only without roles; Graph then answers 403.
		const accessToken = deps.tokens.issueAppToken(appId);
		const lifetime = deps.tokens.accessTokenLifetimeSeconds;
		return { status: 200, headers: NO_STORE, appId, body: { token_type: 'Bearer', expires_in: lifetime, ext_expires_in: lifetime, access_token: accessToken } };
	}

	if (grantType !== 'authorization_code' && grantType !== 'refresh_token') return fail(AADSTS.unsupportedGrantType(grantType), appId);

	const auth = authenticateClient(deps, app, form, basic, request.tokenUrl);
	if (!auth.ok) return fail(auth.error, appId);
	const requested = parseScopes(form.get('scope'));
	if (requested.invalid) return fail(AADSTS.invalidScope(requested.invalid, false), appId);
	if (requested.otherResourceDefault) return fail(AADSTS.resourceNotFound(requested.otherResourceDefault, state.tenantId), appId);

	let userId: string;
	let baseScopes: string[];
	let nonce: string | undefined;
	let mfaDone = false;
	let oidcScopes = requested.oidc;
	const scopeGiven = (form.get('scope') ?? '').trim().length > 0;

	if (grantType === 'authorization_code') {
		const code = form.get('code');
		if (!code) return fail(AADSTS.missingParameter('code'), appId);
		const redeemed = deps.tokens.redeemAuthorizationCode(code);
		if (!redeemed.ok) {
			if (redeemed.reason === 'redeemed') return fail(AADSTS.codeRedeemed(), appId);
			if (redeemed.reason === 'expired') return fail(AADSTS.codeOrTokenExpired(), appId);
			return fail(AADSTS.malformedGrant(), appId);
		}
		const record = redeemed.record;
		if (record.appId !== appId) return fail(AADSTS.grantNotForClient(), appId);
		if ((form.get('redirect_uri') ?? '') !== record.redirectUri) return fail(AADSTS.redirectUriMismatch(), appId);
		if (record.codeChallenge) {
			const verifier = form.get('code_verifier') ?? '';
			const computed = record.codeChallengeMethod === 'S256' ? base64url(createHash('sha256').update(verifier).digest()) : verifier;
			if (computed !== record.codeChallenge) return fail(AADSTS.pkceMismatch(), appId);
		}
		userId = record.userId;
		baseScopes = record.scopes;
		nonce = record.nonce;
		mfaDone = record.mfa === true;
		// Without a scope parameter (n8n's OAuth2 client sends none) the authorize request's scopes apply.
		if (!scopeGiven) oidcScopes = record.oidcScopes ?? [];
	} else {
		const refreshToken = form.get('refresh_token');
		if (!refreshToken) return fail(AADSTS.missingParameter('refresh_token'), appId);
		const redeemed = deps.tokens.redeemRefreshToken(refreshToken);
		if (!redeemed.ok) {
			if (redeemed.reason === 'revoked') return fail(AADSTS.codeOrTokenExpired(), appId);
			if (redeemed.reason === 'userRevoked') {
				return fail(AADSTS.grantRevoked(new Date(redeemed.record?.issuedAtMs ?? now.getTime()), redeemed.validFromMs ? new Date(redeemed.validFromMs) : undefined), appId);
			}
			if (redeemed.reason === 'inactive' && redeemed.record) {
				return fail(AADSTS.refreshTokenInactive(new Date(redeemed.record.issuedAtMs), deps.tokens.refreshTokenInactivitySeconds), appId);
			}
			return fail(AADSTS.malformedGrant(), appId);
		}
		if (redeemed.record.appId !== appId) return fail(AADSTS.grantNotForClient(), appId);
		userId = redeemed.record.userId;
		baseScopes = redeemed.record.scopes;
		mfaDone = redeemed.record.mfa === true;
	}

	const user = state.user(userId);
	if (!user) return fail(AADSTS.grantRevoked(now), appId);
	if (user.user.accountEnabled === false) return fail(AADSTS.accountDisabled(), appId);
	if (user.mfaRequired && !mfaDone) return fail(AADSTS.mfaRequired(), appId);

	// Scopes: what the request names (or, for .default / nothing, what was granted before), all of which must be consented.
	const consented = [...app.grantedScopes, ...(app.userConsents[userId] ?? [])];
	let graphScopes = requested.graphDefault ? consented : requested.graph.length > 0 ? requested.graph : baseScopes;
	graphScopes = [...new Set(graphScopes)];
	if (!hasAllScopes(consented, graphScopes)) return fail(AADSTS.consentRequired(appId, app.application.displayName), appId);

	const oidc = new Set(oidcScopes);
	const lifetime = deps.tokens.accessTokenLifetimeSeconds;
	const body: Record<string, unknown> = {
		token_type: 'Bearer',
		scope: [...graphScopes, ...[...oidc].filter((s) => s !== 'offline_access')].join(' '),
		expires_in: lifetime,
		ext_expires_in: lifetime,
		access_token: deps.tokens.issueDelegatedAccessToken(appId, userId, graphScopes),
	};
	// A refresh_token grant keeps offline access even when the client does not repeat offline_access.
	if (oidc.has('offline_access') || grantType === 'refresh_token') {
		body.refresh_token = deps.tokens.issueRefreshToken(appId, userId, graphScopes, mfaDone);
		(body.scope as string) += body.scope ? ' offline_access' : 'offline_access';
	}
	if (oidc.has('openid')) body.id_token = deps.tokens.issueIdToken(appId, userId, nonce);
	if (form.get('client_info') === '1') body.client_info = clientInfo(userId, state.tenantId);
	return { status: 200, headers: NO_STORE, appId, body };
}
