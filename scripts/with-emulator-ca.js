#!/usr/bin/env node
// Runs a command with the emulator's certificate trusted (NODE_EXTRA_CA_CERTS, added to any the machine sets),
// creating the certificate first, and the emulator's host (127.0.0.1) allowed as a custom host
// (M365_ALLOWED_CUSTOM_HOSTS) unless already set.
// Usage: node scripts/with-emulator-ca.js <command> [args...]
'use strict';
const { spawn } = require('child_process');
const path = require('path');
const { ensureEmulatorTls, extraCaBundle } = require('./emulator-tls');

const [command, ...args] = process.argv.slice(2);
if (!command) {
	process.stderr.write('usage: with-emulator-ca.js <command> [args...]\n');
	process.exit(2);
}
const { cert } = ensureEmulatorTls();
const binDir = path.join(__dirname, '..', 'node_modules', '.bin');
const child = spawn(command, args, {
	stdio: 'inherit',
	env: {
		...process.env,
		// Added to what the machine trusts that way, never replacing it (see extraCaBundle).
		NODE_EXTRA_CA_CERTS: extraCaBundle(cert),
		M365_EMULATOR_CA_CERT: cert,
		// The emulator listens on 127.0.0.1: credentials pointing at it need that host allowed, as an n8n
		// administrator would allow it (custom hosts, loopback included, are refused unless listed).
		M365_ALLOWED_CUSTOM_HOSTS: process.env.M365_ALLOWED_CUSTOM_HOSTS ?? '127.0.0.1',
		PATH: `${binDir}${path.delimiter}${process.env.PATH}`,
	},
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
