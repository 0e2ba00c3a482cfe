// The emulator speaks HTTPS (msal refuses plain-http authorities), so every process that talks to it must trust
// its certificate. Node reads NODE_EXTRA_CA_CERTS only at start-up, which is why the certificate is made before
// any such process starts (by scripts/with-emulator-ca.js) and kept in a cache folder outside the checkout.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const crypto = require('crypto');

const DEFAULT_DIR = path.join(os.homedir(), '.cache', 'n8n-nodes-m365-integration', 'tls');
const VALID_DAYS = 30;
const RENEW_WHEN_DAYS_LEFT = 7;

function tlsDir() {
	return process.env.M365_EMULATOR_TLS_DIR || DEFAULT_DIR;
}

function paths(dir = tlsDir()) {
	return { dir, cert: path.join(dir, 'emulator-cert.pem'), key: path.join(dir, 'emulator-key.pem') };
}

function isUsable(certPath) {
	try {
		const cert = new crypto.X509Certificate(fs.readFileSync(certPath));
		const daysLeft = (Date.parse(cert.validTo) - Date.now()) / 86_400_000;
		return daysLeft > RENEW_WHEN_DAYS_LEFT && /IP Address:127\.0\.0\.1/.test(cert.subjectAltName || '');
	} catch {
		return false;
	}
}

/** Returns { cert, key } PEM paths, creating a self-signed localhost/127.0.0.1 certificate when needed. */
function ensureEmulatorTls(dir = tlsDir()) {
	const p = paths(dir);
	if (isUsable(p.cert) && fs.existsSync(p.key)) return p;
	const selfsigned = require('selfsigned');
	const pems = selfsigned.generate([{ name: 'commonName', value: 'localhost' }], {
		keySize: 2048,
		days: VALID_DAYS,
		algorithm: 'sha256',
		extensions: [
			{ name: 'basicConstraints', cA: true },
			{ name: 'keyUsage', keyCertSign: true, digitalSignature: true, keyEncipherment: true },
			{ name: 'extKeyUsage', serverAuth: true },
			{
				name: 'subjectAltName',
				altNames: [
					{ type: 2, value: 'localhost' },
					{ type: 7, ip: '127.0.0.1' },
				],
			},
		],
	});
	fs.mkdirSync(p.dir, { recursive: true });
	// Written to temporary names and renamed, so parallel runs never read half a file.
	const suffix = `.${process.pid}.tmp`;
	fs.writeFileSync(p.key + suffix, pems.private, { mode: 0o600 });
	fs.writeFileSync(p.cert + suffix, pems.cert);
	fs.renameSync(p.key + suffix, p.key);
	fs.renameSync(p.cert + suffix, p.cert);
	return p;
}

/**
 * The file to give NODE_EXTRA_CA_CERTS: the emulator's certificate added to whatever the machine already trusts
 * that way. NODE_EXTRA_CA_CERTS takes one file, and replacing the machine's own (set where a TLS-inspecting proxy
 * sits in front of the npm registry) makes every registry request from npm under this environment fail twice
 * with SELF_SIGNED_CERT_IN_CHAIN and wait out npm's retries (about 70 s per package metadata request).
 */
function extraCaBundle(emulatorCert, inherited = process.env.NODE_EXTRA_CA_CERTS, dir = tlsDir()) {
	if (!inherited || path.resolve(inherited) === path.resolve(emulatorCert)) return emulatorCert;
	let machine;
	try {
		machine = fs.readFileSync(inherited, 'utf8');
	} catch {
		return emulatorCert;
	}
	const emulator = fs.readFileSync(emulatorCert, 'utf8');
	// Already a bundle of ours (a nested with-emulator-ca.js), or a file that holds the emulator's certificate.
	if (machine.includes(emulator.trim())) return inherited;
	const content = `${machine.trimEnd()}\n${emulator}`;
	const hash = crypto.createHash('sha256').update(content).digest('hex').slice(0, 16);
	const bundle = path.join(dir, `extra-ca-${hash}.pem`);
	if (!fs.existsSync(bundle)) {
		const temporary = `${bundle}.${process.pid}.tmp`;
		fs.writeFileSync(temporary, content);
		fs.renameSync(temporary, bundle);
	}
	return bundle;
}

module.exports = { ensureEmulatorTls, extraCaBundle, tlsPaths: paths };

if (require.main === module) {
	process.stdout.write(ensureEmulatorTls().cert + '\n');
}
