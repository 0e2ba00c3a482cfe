// Clock skew under the Microsoft 365 Polling Trigger: a Teams target's cursor starts at "now" (minus a margin) and is
// compared with the createdDateTime / lastModifiedDateTime Graph stamps, so "now" is Graph's, read from the Date
// header of a read of the chat itself (the emulator sends its own clock there, shifted here against n8n's).
import type { INodeParameters } from 'n8n-workflow';

import { SEED_CHATS, SEED_USERS, type Emulator } from '../../emulator';
import { buildChatMessage } from '../../emulator/state/builders';
import { approveProtectedApis, DAILY, Poller, startTenant } from './setup';

const CHAT = SEED_CHATS.projectFalcon.id;

// Twenty minutes: more than the 5-minute margin a cursor starts with, so n8n's clock would take an old message for new
// (Graph ahead) or skip a new one (Graph behind).
describe.each([
	['ahead of', 20 * 60],
	['behind', -20 * 60],
])("Polling Trigger (one chat) with Graph's clock %s n8n's by twenty minutes", (_, skewSeconds) => {
	let emulator: Emulator;
	let sequence = 0;
	beforeEach(async () => {
		emulator = await startTenant();
		await approveProtectedApis(emulator);
		emulator.clock.advance(skewSeconds);
	});
	afterEach(async () => {
		await emulator.close();
	});

	const post = (content: string, createdMs: number) =>
		emulator.state.addChatMessage(
			CHAT,
			buildChatMessage({ createdDateTime: new Date(createdMs).toISOString(), from: emulator.state.user(SEED_USERS.megan.id)!, content, chatId: CHAT, sequence: ++sequence }),
		);

	it('emits the message written after activation by Graph\'s clock, and not one from ten minutes before it', async () => {
		post('before activation', emulator.clock.nowMs() - 10 * 60_000);
		const parameters: INodeParameters = {
			authentication: 'm365TenantAppApi',
			event: 'newChatMessage',
			chatScope: 'chat',
			chatId: { __rl: true, mode: 'id', value: CHAT },
			pollTimes: DAILY,
		};
		const poller = new Poller(emulator, parameters);
		expect(await poller.poll()).toEqual([]);
		emulator.clock.advance(1);
		const after = post('after activation', emulator.clock.nowMs());
		expect((await poller.poll()).map((message) => message.id)).toEqual([after.id]);
	});
});
