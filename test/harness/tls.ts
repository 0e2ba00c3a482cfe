// The certificate of the emulator, reused by every HTTPS server the harness or its tests start. Test processes
// trust it through NODE_EXTRA_CA_CERTS (scripts/with-emulator-ca.js), so n8n-core's request helpers and the
// emulator accept these servers exactly as they accept the emulator.
import { readFileSync } from 'node:fs';

interface EmulatorTls {
	ensureEmulatorTls(): { cert: string; key: string };
}

// scripts/emulator-tls.js is plain CommonJS shared with non-TypeScript entry points.
const { ensureEmulatorTls } = require('../../scripts/emulator-tls') as EmulatorTls;

export function loopbackTlsOptions(): { cert: Buffer; key: Buffer } {
	const paths = ensureEmulatorTls();
	return { cert: readFileSync(paths.cert), key: readFileSync(paths.key) };
}
