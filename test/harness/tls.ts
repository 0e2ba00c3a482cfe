// The certificate of the emulator, reused by every HTTPS server the harness or its tests start. Test processes
// trust it through NODE_EXTRA_CA_CERTS (scripts/with-emulator-ca.js), so n8n-core's request helpers and the
// emulator accept these servers exactly as they accept the emulator.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';

import type * as Forge from 'node-forge';

interface EmulatorTls {
	ensureEmulatorTls(): { cert: string; key: string };
}

// scripts/emulator-tls.js is plain CommonJS shared with non-TypeScript entry points.
const { ensureEmulatorTls } = require('../../scripts/emulator-tls') as EmulatorTls;

export function loopbackTlsOptions(): { cert: Buffer; key: Buffer } {
	const paths = ensureEmulatorTls();
	return { cert: readFileSync(paths.cert), key: readFileSync(paths.key) };
}

/**
 * A server certificate for other host names (`slack.com`, ...) issued by the emulator's certificate, which is a CA
 * (scripts/emulator-tls.js): processes that trust the emulator (NODE_EXTRA_CA_CERTS) accept it for those names, so
 * a local stand-in can answer for a public service reached through a proxy. Valid one day; a new key every call.
 */
export function emulatorIssuedTlsOptions(hostnames: string[]): { cert: string; key: string } {
	// Loaded here, not at the top: every process of the harness imports this file (the guest-sync bench's run under a
	// 120 MB heap cap ran out with node-forge loaded at start), and only stand-ins for public services need it.
	const forge = require('node-forge') as typeof Forge;
	const paths = ensureEmulatorTls();
	const caCert = forge.pki.certificateFromPem(readFileSync(paths.cert, 'utf8'));
	const caKey = forge.pki.privateKeyFromPem(readFileSync(paths.key, 'utf8'));
	const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
	const cert = forge.pki.createCertificate();
	cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
	cert.serialNumber = `01${randomBytes(8).toString('hex')}`;
	cert.validity.notBefore = new Date(Date.now() - 60_000);
	cert.validity.notAfter = new Date(Date.now() + 86_400_000);
	cert.setSubject([{ name: 'commonName', value: hostnames[0] }]);
	cert.setIssuer(caCert.subject.attributes);
	cert.setExtensions([
		{ name: 'basicConstraints', cA: false },
		{ name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
		{ name: 'extKeyUsage', serverAuth: true },
		{ name: 'subjectAltName', altNames: hostnames.map((value) => ({ type: 2, value })) },
	]);
	cert.sign(caKey, forge.md.sha256.create());
	return { cert: forge.pki.certificateToPem(cert), key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}
