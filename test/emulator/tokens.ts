// Issues and validates the emulator's tokens: RS256 JWT access and id tokens with Entra's claims, opaque
// refresh tokens with rotation, inactivity expiry and revocation, single-use authorization codes.
// All times come from the emulator clock.
import { createHash, createPrivateKey, createPublicKey, randomBytes, randomUUID, type KeyObject } from 'crypto';

import type { Clock } from './clock';
import { base64url, decodeJwt, publicJwk, signJwt, verifyJwtSignature } from './jwt';
import { EMULATOR_SIGNING_KEY_PEM } from './state/seedKeys';
import type { TenantState } from './state/tenantState';

export const GRAPH_RESOURCE = 'https://graph.microsoft.com';
export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';

export type Principal =
	| { kind: 'app'; appId: string; roles: string[]; tokenId: string }
	| { kind: 'delegated'; appId: string; userId: string; scopes: string[]; tokenId: string };

export type TokenCheck =
	| { ok: true; principal: Principal; claims: Record<string, unknown> }
	| { ok: false; reason: 'empty' | 'malformed' | 'signature' | 'audience' | 'expired' | 'revoked' };

export interface RefreshTokenRecord {
	appId: string;
	userId: string;
	scopes: string[];
	issuedAtMs: number;
	lastUsedAtMs: number;
	/** The sign-in behind it satisfied MFA (a user who later needs MFA gets AADSTS50076 otherwise). */
	mfa?: boolean;
	revoked?: 'single' | 'user';
}

export interface AuthorizationCodeRecord {
	appId: string;
	userId: string;
	scopes: string[];
	/** OpenID scopes asked for at /authorize (openid, profile, email, offline_access). */
	oidcScopes?: string[];
	redirectUri: string;
	codeChallenge?: string;
	codeChallengeMethod?: string;
	nonce?: string;
	/** The user completed an MFA prompt during this sign-in. */
	mfa?: boolean;
	expiresAtMs: number;
	redeemed: boolean;
}

/** The in-process token controls (also reachable over HTTP under /_emulator/tokens). */
export interface TokenControl {
	/** Every access token issued so far is expired from now on (new ones are fine). */
	expireAll(): void;
	/** Revokes all of a user's refresh tokens (as "revoke sessions" or a password reset does): AADSTS50173. */
	revokeUser(userIdOrUpn: string): void;
	/** Revokes one refresh token: AADSTS70008. Returns false if unknown. */
	revokeRefreshToken(refreshToken: string): boolean;
	/** Lifetime (seconds) of access tokens issued from now on; default 3599. */
	setAccessTokenLifetime(seconds: number): void;
	/** Refresh tokens unused for longer than this expire (AADSTS700082); default 90 days. */
	setRefreshTokenInactivityLimit(seconds: number): void;
	/**
	 * How Graph answers an expired token on every route: 401 or 403 (both with InvalidAuthenticationToken).
	 * undefined = each route decides (default 401; some Teams routes 403).
	 */
	forceExpiredTokenStatus(status?: 401 | 403): void;
	/** Mints an app-only Graph token directly (tests that do not need the token endpoint). Roles default to the app's granted ones. */
	issueAppToken(appId: string, roles?: string[]): string;
	/** Mints a delegated token pair directly. Scopes default to the app's granted delegated scopes. */
	issueDelegatedTokens(appId: string, userIdOrUpn: string, scopes?: string[]): { accessToken: string; refreshToken: string };
	/** Number of live refresh tokens (for tests of rotation). */
	refreshTokenCount(): number;
}

export class TokenService implements TokenControl {
	readonly signingKey: KeyObject = createPrivateKey(EMULATOR_SIGNING_KEY_PEM);
	readonly publicKey: KeyObject = createPublicKey(this.signingKey);
	readonly kid = base64url(createHash('sha1').update(this.publicKey.export({ type: 'spki', format: 'der' })).digest());
	accessTokenLifetimeSeconds = 3599;
	refreshTokenInactivitySeconds = 90 * 24 * 3600;
	authorizationCodeLifetimeSeconds = 600;
	expiredTokenStatus?: 401 | 403;
	/** Access tokens with a sequence at or below this are expired (expireAll). */
	private expiredThroughSequence = 0;
	private sequence = 0;
	private readonly refreshTokens = new Map<string, RefreshTokenRecord>();
	private readonly authorizationCodes = new Map<string, AuthorizationCodeRecord>();
	/** Per user: refresh tokens issued before this (ms) are revoked. */
	private readonly userTokensValidFrom = new Map<string, number>();

	constructor(
		private readonly getState: () => TenantState,
		private readonly clock: Clock,
		private readonly loginUrl: () => string,
	) {}

	get state(): TenantState {
		return this.getState();
	}

	jwks(): { keys: Array<Record<string, unknown>> } {
		return { keys: [publicJwk(this.publicKey, this.kid)] };
	}

	// ----- access tokens -----

	private sign(claims: Record<string, unknown>): string {
		return signJwt({ typ: 'JWT', alg: 'RS256', x5t: this.kid, kid: this.kid }, claims, this.signingKey);
	}

	private baseClaims(appId: string): Record<string, unknown> {
		const now = this.clock.nowSeconds();
		const tid = this.state.tenantId;
		return {
			aud: GRAPH_RESOURCE,
			iss: `https://sts.windows.net/${tid}/`,
			iat: now,
			nbf: now,
			exp: now + this.accessTokenLifetimeSeconds,
			aio: base64url(randomBytes(24)),
			app_displayname: this.state.app(appId)?.application.displayName,
			appid: appId,
			appidacr: '1',
			idp: `https://sts.windows.net/${tid}/`,
			tid,
			uti: base64url(randomBytes(16)),
			ver: '1.0',
			xms_tcdt: 1704873600,
			xms_seq: ++this.sequence,
		};
	}

	issueAppToken(appId: string, roles?: string[]): string {
		const app = this.state.app(appId);
		if (!app) throw new Error(`issueAppToken: unknown app ${appId}`);
		const granted = roles ?? app.grantedAppRoles;
		return this.sign({
			...this.baseClaims(app.application.appId),
			idtyp: 'app',
			oid: app.servicePrincipalId,
			sub: app.servicePrincipalId,
			...(granted.length > 0 ? { roles: [...granted] } : {}),
		});
	}

	issueDelegatedAccessToken(appId: string, userId: string, scopes: string[]): string {
		const user = this.state.user(userId);
		if (!user) throw new Error(`issueDelegatedAccessToken: unknown user ${userId}`);
		return this.sign({
			...this.baseClaims(appId),
			idtyp: 'user',
			acct: 0,
			acr: '1',
			amr: ['pwd'],
			name: user.user.displayName,
			given_name: user.user.givenName ?? undefined,
			family_name: user.user.surname ?? undefined,
			oid: user.user.id,
			sub: base64url(createHash('sha256').update(`${user.user.id}:${appId}`).digest()).slice(0, 43),
			upn: user.user.userPrincipalName,
			unique_name: user.user.userPrincipalName,
			scp: scopes.join(' '),
			wids: user.isAdmin ? ['62e90394-69f5-4237-9190-012177145e10'] : [],
		});
	}

	/** The OpenID Connect id token (v2.0 issuer, audience = the app). */
	issueIdToken(appId: string, userId: string, nonce?: string): string {
		const user = this.state.user(userId);
		if (!user) throw new Error(`issueIdToken: unknown user ${userId}`);
		const now = this.clock.nowSeconds();
		const tid = this.state.tenantId;
		return this.sign({
			aud: appId,
			iss: `${this.loginUrl()}/${tid}/v2.0`,
			iat: now,
			nbf: now,
			exp: now + 3600,
			name: user.user.displayName,
			oid: user.user.id,
			preferred_username: user.user.userPrincipalName,
			sub: base64url(createHash('sha256').update(`${user.user.id}:${appId}`).digest()).slice(0, 43),
			tid,
			ver: '2.0',
			...(nonce ? { nonce } : {}),
		});
	}

	/** Validates a bearer token for Graph: signature, audience, expiry on the emulator clock, expireAll. */
	/** Tokens whose signature checked out (this emulator's key signed them), so each is verified once. */
	private readonly verifiedTokens = new Map<string, NonNullable<ReturnType<typeof decodeJwt>>>();

	checkAccessToken(token: string | undefined): TokenCheck {
		if (!token) return { ok: false, reason: 'empty' };
		let decoded = this.verifiedTokens.get(token);
		if (!decoded) {
			const parsed = decodeJwt(token);
			if (!parsed) return { ok: false, reason: 'malformed' };
			if (!verifyJwtSignature(parsed, this.publicKey)) return { ok: false, reason: 'signature' };
			decoded = parsed;
			// A token's signature is checked once, not once per $batch sub-request; the checks below run every time.
			if (this.verifiedTokens.size >= 256) this.verifiedTokens.delete(this.verifiedTokens.keys().next().value as string);
			this.verifiedTokens.set(token, parsed);
		}
		const claims = decoded.claims;
		if (claims.aud !== GRAPH_RESOURCE && claims.aud !== GRAPH_APP_ID) return { ok: false, reason: 'audience' };
		if (claims.tid !== this.state.tenantId) return { ok: false, reason: 'signature' };
		const now = this.clock.nowSeconds();
		if (typeof claims.exp !== 'number' || typeof claims.nbf !== 'number' || now >= claims.exp || now + 300 < claims.nbf) {
			return { ok: false, reason: 'expired' };
		}
		if (typeof claims.xms_seq === 'number' && claims.xms_seq <= this.expiredThroughSequence) return { ok: false, reason: 'expired' };
		const appId = String(claims.appid);
		const tokenId = String(claims.uti);
		if (claims.idtyp === 'app') {
			return { ok: true, claims, principal: { kind: 'app', appId, roles: Array.isArray(claims.roles) ? (claims.roles as string[]) : [], tokenId } };
		}
		const scopes = typeof claims.scp === 'string' ? claims.scp.split(' ').filter(Boolean) : [];
		return { ok: true, claims, principal: { kind: 'delegated', appId, userId: String(claims.oid), scopes, tokenId } };
	}

	// ----- refresh tokens -----

	issueRefreshToken(appId: string, userId: string, scopes: string[], mfa = false): string {
		const token = `1.AXEA${base64url(randomBytes(48))}.${base64url(randomBytes(96))}`;
		const now = this.clock.nowMs();
		this.refreshTokens.set(token, { appId, userId, scopes: [...scopes], issuedAtMs: now, lastUsedAtMs: now, mfa });
		return token;
	}

	/** Looks up a refresh token for redemption; the caller maps the outcome to AADSTS codes. */
	redeemRefreshToken(token: string):
		| { ok: true; record: RefreshTokenRecord }
		| { ok: false; reason: 'unknown' | 'revoked' | 'userRevoked' | 'inactive'; record?: RefreshTokenRecord; validFromMs?: number } {
		const record = this.refreshTokens.get(token);
		if (!record) return { ok: false, reason: 'unknown' };
		if (record.revoked === 'single') return { ok: false, reason: 'revoked', record };
		const validFrom = this.userTokensValidFrom.get(record.userId);
		if (record.revoked === 'user' || (validFrom !== undefined && record.issuedAtMs < validFrom)) {
			return { ok: false, reason: 'userRevoked', record, validFromMs: validFrom };
		}
		const now = this.clock.nowMs();
		if (now - record.lastUsedAtMs > this.refreshTokenInactivitySeconds * 1000) return { ok: false, reason: 'inactive', record };
		record.lastUsedAtMs = now;
		return { ok: true, record };
	}

	// ----- authorization codes -----

	issueAuthorizationCode(record: Omit<AuthorizationCodeRecord, 'expiresAtMs' | 'redeemed'>): string {
		const code = `1.AXEA${base64url(randomBytes(32))}.${base64url(randomBytes(160))}`;
		this.authorizationCodes.set(code, { ...record, expiresAtMs: this.clock.nowMs() + this.authorizationCodeLifetimeSeconds * 1000, redeemed: false });
		return code;
	}

	redeemAuthorizationCode(code: string):
		| { ok: true; record: AuthorizationCodeRecord }
		| { ok: false; reason: 'unknown' | 'redeemed' | 'expired'; record?: AuthorizationCodeRecord } {
		const record = this.authorizationCodes.get(code);
		if (!record) return { ok: false, reason: 'unknown' };
		if (record.redeemed) return { ok: false, reason: 'redeemed', record };
		if (this.clock.nowMs() > record.expiresAtMs) return { ok: false, reason: 'expired', record };
		record.redeemed = true;
		return { ok: true, record };
	}

	// ----- controls -----

	expireAll(): void {
		this.expiredThroughSequence = this.sequence;
	}

	revokeUser(userIdOrUpn: string): void {
		const userId = this.state.user(userIdOrUpn)?.user.id ?? userIdOrUpn;
		this.userTokensValidFrom.set(userId, this.clock.nowMs() + 1);
		for (const record of this.refreshTokens.values()) if (record.userId === userId && !record.revoked) record.revoked = 'user';
		const user = this.state.user(userId);
		if (user) user.user.signInSessionsValidFromDateTime = this.clock.now().toISOString();
	}

	revokeRefreshToken(refreshToken: string): boolean {
		const record = this.refreshTokens.get(refreshToken);
		if (!record) return false;
		record.revoked = 'single';
		return true;
	}

	setAccessTokenLifetime(seconds: number): void {
		this.accessTokenLifetimeSeconds = seconds;
	}

	setRefreshTokenInactivityLimit(seconds: number): void {
		this.refreshTokenInactivitySeconds = seconds;
	}

	forceExpiredTokenStatus(status?: 401 | 403): void {
		this.expiredTokenStatus = status;
	}

	issueDelegatedTokens(appId: string, userIdOrUpn: string, scopes?: string[]): { accessToken: string; refreshToken: string } {
		const app = this.state.app(appId);
		const user = this.state.user(userIdOrUpn);
		if (!app || !user) throw new Error(`issueDelegatedTokens: unknown app ${appId} or user ${userIdOrUpn}`);
		const granted = scopes ?? app.grantedScopes;
		return {
			accessToken: this.issueDelegatedAccessToken(app.application.appId, user.user.id, granted),
			refreshToken: this.issueRefreshToken(app.application.appId, user.user.id, granted),
		};
	}

	refreshTokenCount(): number {
		return [...this.refreshTokens.values()].filter((r) => !r.revoked).length;
	}

	/** Forgets issued codes and refresh tokens (when the tenant is replaced). */
	reset(): void {
		this.refreshTokens.clear();
		this.authorizationCodes.clear();
		this.userTokensValidFrom.clear();
	}

	newCorrelationId(): string {
		return randomUUID();
	}
}
