// The msal application of a tenant-app credential is cached for the life of the process; the sender each token call
// brings closes over its execution (and so reaches every item of it), and must not be cached with it.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import { startEmulator, type Emulator } from '../../emulator';
import { tenantAppCredentialData } from '../../support/emulatorCredentials';
import { plainHttpsRequest } from '../../../nodes/shared/auth/plainHttps';
import { readTenantAppSettings } from '../../../nodes/shared/auth/tenantAppCredentials';
import { clearTenantAppTokenCache, getTenantAppToken, type TokenHttpSender } from '../../../nodes/shared/auth/tenantAppToken';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

let emulator: Emulator;
beforeAll(async () => {
	emulator = await startEmulator();
});
afterAll(async () => {
	clearTenantAppTokenCache();
	await emulator.close();
});

/** A sender counting its execution's requests, holding on to the execution as n8n's request helpers hold their context. */
function senderOf(execution: { requests: number }): TokenHttpSender {
	return async (request) => {
		execution.requests += 1;
		return await plainHttpsRequest(request);
	};
}

it('keeps no sender, and so no execution, once its token call is over', async () => {
	const settings = readTenantAppSettings(tenantAppCredentialData(emulator));
	let execution: { requests: number; items: unknown[] } | undefined = { requests: 0, items: Array.from({ length: 1000 }, () => ({})) };
	const released = new WeakRef(execution);

	await getTenantAppToken(settings, { sender: senderOf(execution), forceRefresh: true });
	expect(execution.requests).toBe(1);

	execution = undefined;
	await new Promise((resolve) => setImmediate(resolve));
	gc();
	expect(released.deref()).toBeUndefined();

	// The cached application still serves the next call, through that call's own sender.
	const next = { requests: 0 };
	await getTenantAppToken(settings, { sender: senderOf(next), forceRefresh: true });
	expect(next.requests).toBe(1);
});
