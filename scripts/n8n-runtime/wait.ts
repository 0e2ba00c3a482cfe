// One way for e2e tests, the demo and benchmarks to wait for something n8n or the emulator does on its own
// schedule (a poll, a queued execution, a webhook process saving static data): check a condition, never a time.

/**
 * Checks `condition` every `everyMs` until it holds or `deadlineMs` has passed; resolves with whether it held.
 * The deadline only stops a hung wait: it never decides a result, the caller's assertions do (so a test that
 * waits here and then asserts reports what it saw, not "timed out"). Use a larger `everyMs` for conditions that
 * are expensive to check (one that reads every execution over n8n's REST API).
 */
export async function eventually(
	condition: () => boolean | Promise<boolean>,
	deadlineMs = 60_000,
	everyMs = 250,
): Promise<boolean> {
	const deadline = Date.now() + deadlineMs;
	for (;;) {
		if (await condition()) return true;
		if (Date.now() >= deadline) return false;
		await new Promise((resolve) => setTimeout(resolve, everyMs));
	}
}
