import { constants, createSign, generateKeyPairSync } from 'crypto';

import { base64url, decodeJwt, signJwt, verifyJwtSignature } from '../../emulator/jwt';

describe('JWT', () => {
	const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
	const other = generateKeyPairSync('rsa', { modulusLength: 2048 });

	it('signs RS256 tokens that verify with the public key and not with another', () => {
		const token = signJwt({ alg: 'RS256', typ: 'JWT', kid: 'k' }, { aud: 'x', n: 1 }, privateKey);
		const decoded = decodeJwt(token);
		expect(decoded?.claims).toEqual({ aud: 'x', n: 1 });
		expect(decoded?.header.kid).toBe('k');
		expect(verifyJwtSignature(decoded!, publicKey)).toBe(true);
		expect(verifyJwtSignature(decoded!, other.publicKey)).toBe(false);
	});

	it('detects tampering with the claims', () => {
		const token = signJwt({ alg: 'RS256' }, { roles: [] }, privateKey);
		const [h, , s] = token.split('.');
		const forged = `${h}.${base64url(JSON.stringify({ roles: ['User.ReadWrite.All'] }))}.${s}`;
		expect(verifyJwtSignature(decodeJwt(forged)!, publicKey)).toBe(false);
	});

	it('verifies PS256 (msal-node client assertions with a SHA-256 thumbprint)', () => {
		const signingInput = `${base64url(JSON.stringify({ alg: 'PS256' }))}.${base64url(JSON.stringify({ iss: 'app' }))}`;
		const signature = createSign('RSA-SHA256').update(signingInput).sign({ key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST });
		expect(verifyJwtSignature(decodeJwt(`${signingInput}.${base64url(signature)}`)!, publicKey)).toBe(true);
	});

	it('refuses other algorithms and malformed tokens', () => {
		const none = `${base64url(JSON.stringify({ alg: 'none' }))}.${base64url('{}')}.`;
		expect(verifyJwtSignature(decodeJwt(none)!, publicKey)).toBe(false);
		expect(decodeJwt('not-a-jwt')).toBeUndefined();
		expect(decodeJwt('a.b.c')).toBeUndefined();
	});
});
