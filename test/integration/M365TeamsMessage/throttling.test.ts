// Teams throttles posting often: a 429 with Retry-After is waited out and the post sent again (Graph did not
// process a throttled request, so resending it cannot duplicate). Every item is delivered once. Teams takes one
// request per second per channel (the transport paces to it; pacing is not what this tests), so the 60 posts go to
// four channels of one team, 15 each, at the team's 4 requests per second.
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { SEED_CHANNELS, SEED_TEAMS, SEED_TENANT, startEmulator, type Emulator } from '../../emulator';
import { buildChannel } from '../../emulator/state/builders';
import { channelMessages, locator, textCounts, outputJson, runTeams, signedIn } from './setup';

const POSTS = 60;
let emulator: Emulator;
let integration: ICredentialDataDecryptedObject;
let channels: string[];
beforeAll(async () => {
	emulator = await startEmulator({ faultSeed: 11 });
	integration = await signedIn(emulator, 'integration');
	const team = emulator.state.data.teams[SEED_TEAMS.engineering.id];
	channels = [SEED_CHANNELS.engineeringReleases.id];
	for (const name of ['Builds', 'Deploys', 'Incidents']) {
		const channel = buildChannel(team, name, 'standard', SEED_TENANT.id);
		emulator.state.data.channels[channel.channel.id] = channel;
		channels.push(channel.channel.id);
	}
});
afterAll(async () => {
	await emulator.close();
});

it('absorbs 429s with Retry-After and delivers every post exactly once', async () => {
	const before = channels.map((channel) => channelMessages(emulator, channel).length);
	emulator.faults.add({ kind: 'throttle', method: 'POST', path: '/teams/*/channels/*/messages', probability: 0.3, retryAfterSeconds: 0.01 });
	emulator.requests.reset();
	const result = await runTeams(
		{
			resource: 'channelMessage',
			operation: 'post',
			teamId: locator(SEED_TEAMS.engineering.id),
			channelId: locator('={{ $json.channelId }}'),
			contentType: 'text',
			content: '={{ "Build " + $json.n + " passed" }}',
		},
		{ integration, inputItems: Array.from({ length: POSTS }, (_, n) => ({ n, channelId: channels[n % channels.length] })) },
	);
	emulator.faults.clear();
	expect(outputJson(result)).toHaveLength(POSTS);
	const throttled = emulator.requests.entries().filter((entry) => entry.status === 429).length;
	expect(throttled).toBeGreaterThan(0);
	expect(emulator.requests.count({ method: 'POST', status: 201 })).toBe(POSTS);
	const posted = channels.map((channel, i) => channelMessages(emulator, channel).slice(before[i]));
	// Each channel got its own items, each once.
	expect(posted.map((messages) => messages.length)).toEqual(channels.map(() => POSTS / channels.length));
	for (const [i, messages] of posted.entries()) {
		const expected = Array.from({ length: POSTS }, (_, n) => n).filter((n) => n % channels.length === i).map((n) => `Build ${n} passed`);
		expect([...textCounts(messages).keys()].sort()).toEqual(expected.sort());
	}
	expect([...textCounts(posted.flat()).values()].every((count) => count === 1)).toBe(true);
}, 240_000); // 60 posts at the team's 4 requests per second, each injected 429 costing its window too: about 20 s
