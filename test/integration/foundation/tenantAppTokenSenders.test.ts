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

it("sends each execution's token request through that execution's own sender, also when they mint at once", async () => {
	const settings = readTenantAppSettings(tenantAppCredentialData(emulator));
	const executions = Array.from({ length: 4 }, () => ({ requests: 0 }));
	// All four start in the same tick: each msal call is still on its way to the network when the next one starts.
	await Promise.all(executions.map(async (execution) => await getTenantAppToken(settings, { sender: senderOf(execution), forceRefresh: true })));
	expect(executions.map((execution) => execution.requests)).toEqual([1, 1, 1, 1]);
});

it("never uses a sender whose execution is over for another execution's call", async () => {
	const settings = readTenantAppSettings(tenantAppCredentialData(emulator));
	let finished = false;
	// n8n's helpers of an execution that has ended refuse to send (its abort signal has fired).
	const endedSender: TokenHttpSender = async (request) => {
		if (finished) throw new Error('This execution was cancelled');
		return await plainHttpsRequest(request);
	};
	const quick = getTenantAppToken(settings, { sender: endedSender, forceRefresh: true }).then(() => (finished = true));
	const other = { requests: 0 };
	const slow = getTenantAppToken(settings, { sender: senderOf(other), forceRefresh: true });
	await Promise.all([quick, slow]);
	expect(other.requests).toBe(1);
});

it('shares one token cache across calls and senders of the same credential', async () => {
	clearTenantAppTokenCache();
	const settings = readTenantAppSettings(tenantAppCredentialData(emulator));
	const first = { requests: 0 };
	const second = { requests: 0 };
	const a = await getTenantAppToken(settings, { sender: senderOf(first) });
	const b = await getTenantAppToken(settings, { sender: senderOf(second) });
	expect([first.requests, second.requests]).toEqual([1, 0]);
	expect(b.accessToken).toBe(a.accessToken);
});

it('sends a token request again once when the kept-alive connection was closed under it, and names a lasting cause', async () => {
	const settings = readTenantAppSettings(tenantAppCredentialData(emulator));
	let attempts = 0;
	const resetOnce: TokenHttpSender = async (request) => {
		attempts += 1;
		if (attempts === 1) throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
		return await plainHttpsRequest(request);
	};
	await expect(getTenantAppToken(settings, { sender: resetOnce, forceRefresh: true })).resolves.toHaveProperty('accessToken');
	expect(attempts).toBe(2);

	const refused: TokenHttpSender = async () => {
		throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
	};
	await expect(getTenantAppToken(settings, { sender: refused, forceRefresh: true })).rejects.toThrow(
		/could not reach the sign-in host .*the connection was refused/,
	);
});
