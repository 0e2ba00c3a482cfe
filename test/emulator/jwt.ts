// Compact JWS (RS256) with node's crypto: the emulator signs access and id tokens with it and verifies the
// client assertions apps sign with their certificate. Small on purpose; no dependency.
import { constants, createHash, createPublicKey, createSign, createVerify, type KeyObject } from 'crypto';

export type JwtHeader = { alg: string; typ?: string; kid?: string; x5t?: string; 'x5t#S256'?: string; [key: string]: unknown };
export type JwtClaims = Record<string, unknown>;

export interface DecodedJwt {
	header: JwtHeader;
	claims: JwtClaims;
	signingInput: string;
	signature: Buffer;
}

export function base64url(input: Buffer | string): string {
	return Buffer.from(input).toString('base64url');
}

export function signJwt(header: JwtHeader, claims: JwtClaims, privateKey: KeyObject | string): string {
	const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
	const signature = createSign('RSA-SHA256').update(signingInput).sign(privateKey);
	return `${signingInput}.${base64url(signature)}`;
}

/** Parses without verifying; returns undefined for anything that is not a three-part JWS with JSON header and claims. */
export function decodeJwt(token: string): DecodedJwt | undefined {
	const parts = token.split('.');
	if (parts.length !== 3) return undefined;
	try {
		const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8')) as JwtHeader;
		const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as JwtClaims;
		if (typeof header !== 'object' || header === null || typeof claims !== 'object' || claims === null) return undefined;
		return { header, claims, signingInput: `${parts[0]}.${parts[1]}`, signature: Buffer.from(parts[2], 'base64url') };
	} catch {
		return undefined;
	}
}

/** RS256, or PS256 (what msal-node signs client assertions with when given a SHA-256 thumbprint). */
export function verifyJwtSignature(decoded: DecodedJwt, publicKey: KeyObject | string): boolean {
	const alg = decoded.header.alg;
	if (alg !== 'RS256' && alg !== 'PS256') return false;
	try {
		const verifier = createVerify('RSA-SHA256').update(decoded.signingInput);
		if (alg === 'RS256') return verifier.verify(publicKey, decoded.signature);
		return verifier.verify({ key: typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }, decoded.signature);
	} catch {
		return false;
	}
}

/** The JWKS entry for an RSA public key. */
export function publicJwk(publicKey: KeyObject, kid: string, x5cDer?: Buffer): Record<string, unknown> {
	const jwk = publicKey.export({ format: 'jwk' }) as { n: string; e: string };
	return {
		kty: 'RSA',
		use: 'sig',
		kid,
		x5t: kid,
		n: jwk.n,
		e: jwk.e,
		...(x5cDer ? { x5c: [x5cDer.toString('base64')] } : {}),
	};
}

/** Certificate thumbprints the way Entra and msal express them. */
export function certificateThumbprints(certDer: Buffer): { sha1Hex: string; sha256Hex: string; x5t: string; x5tS256: string } {
	const sha1 = createHash('sha1').update(certDer).digest();
	const sha256 = createHash('sha256').update(certDer).digest();
	return {
		sha1Hex: sha1.toString('hex').toUpperCase(),
		sha256Hex: sha256.toString('hex').toUpperCase(),
		x5t: base64url(sha1),
		x5tS256: base64url(sha256),
	};
}

export function publicKeyFromPem(pem: string): KeyObject {
	return createPublicKey(pem);
}
