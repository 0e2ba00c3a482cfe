/**
 * Reads claims from an access token without verifying it: Graph verifies tokens, we only look at what was
 * granted (roles, scp, tid) to explain failures. Never log or return the token itself.
 */
export interface AccessTokenClaims {
	tid?: string;
	oid?: string;
	appid?: string;
	azp?: string;
	upn?: string;
	preferred_username?: string;
	name?: string;
	roles?: string[];
	scp?: string;
	exp?: number;
	idtyp?: string;
}

export function readTokenClaims(token: string): AccessTokenClaims {
	const payload = token.split('.')[1];
	if (!payload) return {};
	try {
		return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as AccessTokenClaims;
	} catch {
		return {};
	}
}

export function grantedPermissions(claims: AccessTokenClaims): string[] {
	if (Array.isArray(claims.roles)) return claims.roles;
	return (claims.scp ?? '').split(' ').filter(Boolean);
}
