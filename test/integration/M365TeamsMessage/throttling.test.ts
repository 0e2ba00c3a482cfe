// Teams throttles posting often: a 429 with Retry-After is waited out and the post sent again (Graph did not
// process a throttled request, so resending it cannot duplicate). Every item is delivered once.
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { SEED_CHANNELS, SEED_TEAMS, startEmulator, type Emulator } from '../../emulator';
import { channelMessages, locator, textCounts, outputJson, runTeams, signedIn } from './setup';

let emulator: Emulator;
let integration: ICredentialDataDecryptedObject;
beforeAll(async () => {
	emulator = await startEmulator({ faultSeed: 11 });
	integration = await signedIn(emulator, 'integration');
});
afterAll(async () => {
	await emulator.close();
});

it('absorbs 429s with Retry-After and delivers every post exactly once', async () => {
	const before = channelMessages(emulator, SEED_CHANNELS.engineeringReleases.id).length;
	emulator.faults.add({ kind: 'throttle', method: 'POST', path: '/teams/*/channels/*/messages', probability: 0.3, retryAfterSeconds: 0.01 });
	emulator.requests.reset();
	const result = await runTeams(
		{
			resource: 'channelMessage',
			operation: 'post',
			teamId: locator(SEED_TEAMS.engineering.id),
			channelId: locator(SEED_CHANNELS.engineeringReleases.id),
			contentType: 'text',
			content: '={{ "Build " + $json.n + " passed" }}',
		},
		{ integration, inputItems: Array.from({ length: 60 }, (_, n) => ({ n })) },
	);
	emulator.faults.clear();
	expect(outputJson(result)).toHaveLength(60);
	const throttled = emulator.requests.entries().filter((entry) => entry.status === 429).length;
	expect(throttled).toBeGreaterThan(0);
	expect(emulator.requests.count({ method: 'POST', status: 201 })).toBe(60);
	const posted = channelMessages(emulator, SEED_CHANNELS.engineeringReleases.id).slice(before);
	expect(posted).toHaveLength(60);
	expect([...textCounts(posted).values()].every((count) => count === 1)).toBe(true);
}, 300_000); // 60 posts at Teams' 1 request per second per channel, each injected 429 costing its window too: about 90 s
