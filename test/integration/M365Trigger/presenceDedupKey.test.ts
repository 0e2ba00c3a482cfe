// Issue 15 item 5: presence items carry a trigger.dedupKey too. A presence change has no id (a state, which can come
// back), so the key names the new state and when the state it replaces was recorded: every copy of one change, in
// any n8n process reading the same stored static data, gets the same key, and the same state coming back later a
// new one. Two "processes" here: the node loaded twice (separate in-memory ledgers), polling from the same state.
import type { IDataObject, INodeExecutionData, INodeType } from 'n8n-workflow';

import { SEED_USERS, type Emulator } from '../../emulator';
import { runPoll } from '../../harness';
import { control, credentialsFor, presenceParameters, startTenant } from './setup';

const ALEX = SEED_USERS.alex;

/** The Polling Trigger as a newly started n8n process has it (a module registry of its own). */
function inNewProcess(): INodeType {
	let node: INodeType | undefined;
	jest.isolateModules(() => {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const { M365PollingTrigger } = require('../../../nodes/M365PollingTrigger/M365PollingTrigger.node') as typeof import('../../../nodes/M365PollingTrigger/M365PollingTrigger.node');
		node = new M365PollingTrigger();
	});
	return node as INodeType;
}

describe('M365 Polling Trigger: presence items carry a trigger.dedupKey', () => {
	let emulator: Emulator;
	beforeEach(async () => {
		emulator = await startTenant();
	});
	afterEach(async () => {
		await emulator.close();
	});

	async function poll(nodeType: INodeType, staticData: IDataObject) {
		const result = await runPoll({ nodeType, parameters: presenceParameters([ALEX.id]), credentials: credentialsFor(emulator) as never, staticData });
		if (result.error) throw result.error;
		const items = (result.items?.[0] ?? []).map((item: INodeExecutionData) => item.json);
		return { staticData: result.staticData, items, keys: items.map((item) => (item.trigger as IDataObject).dedupKey as string) };
	}

	it('is the same for copies of one change in two processes, and new for every change, also back to an earlier state', async () => {
		const first = inNewProcess();
		const second = inNewProcess();
		let { staticData } = await poll(first, {});
		const setPresence = async (availability: string) => expect(await control(emulator, `/presence/${ALEX.id}`, { availability, activity: availability })).toBe(200);

		await setPresence('Away');
		const a = await poll(first, staticData);
		// The same change read by another process from the same stored state (as with copies of a notification).
		const b = await poll(second, staticData);
		expect(a.items.map((item) => item.availability)).toEqual(['Away']);
		expect(b.keys).toEqual(a.keys);
		expect(a.keys[0]).toMatch(new RegExp(`^presence\\|Away/Away@.+\\|${ALEX.id}$`));
		staticData = a.staticData;

		await setPresence('Available');
		const back = await poll(first, staticData);
		staticData = back.staticData;
		await setPresence('Away');
		const again = await poll(first, staticData);
		expect([back.items, again.items].map((items) => items.map((item) => item.availability))).toEqual([['Available'], ['Away']]);
		// Three changes, three keys: the second Away is not taken for the first one.
		expect(new Set([a.keys[0], back.keys[0], again.keys[0]]).size).toBe(3);
		expect(again.keys[0]).not.toBe(a.keys[0]);
	});
});
