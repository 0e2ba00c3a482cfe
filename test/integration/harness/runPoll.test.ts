import { NodeOperationError } from 'n8n-workflow';

import { runPoll } from '../../harness';
import { HarnessCounterPoll } from './testNodes';

describe('runPoll', () => {
	it('carries static data from poll to poll and emits only when the node returns items', async () => {
		const nodeType = new HarnessCounterPoll();

		const first = await runPoll({ nodeType });
		const second = await runPoll({ nodeType, staticData: first.staticData });
		// A fresh call with the saved static data is what an n8n restart looks like to the node.
		const third = await runPoll({ nodeType, staticData: second.staticData, activation: 'init' });

		expect(first.items).toBeNull();
		expect(second.items).toBeNull();
		expect(third.items).toEqual([[{ json: { count: 3, mode: 'trigger', activation: 'init' } }]]);
		expect(first.nodeStaticData).toEqual({ count: 1 });
		expect([first.staticDataSaved, second.staticDataSaved, third.staticDataSaved]).toEqual([
			false,
			false,
			true,
		]);
		expect(third.staticData).toEqual({ 'node:Harness Counter Poll': { count: 3 } });
	});

	it('runs a manual "Fetch Test Event" through WorkflowExecute', async () => {
		const result = await runPoll({
			nodeType: new HarnessCounterPoll(),
			mode: 'manual',
			staticData: { 'node:Harness Counter Poll': { count: 7 } },
		});

		expect(result.items?.[0].map((item) => item.json)).toEqual([
			{ count: 8, mode: 'manual', activation: 'manual' },
		]);
		expect(result.nodeStaticData).toEqual({ count: 8 });
		expect(result.staticDataSaved).toBe(false);
	});

	it.each(['trigger', 'manual'] as const)(
		'returns the error a failing poll threw (%s)',
		async (mode) => {
			const result = await runPoll({
				nodeType: new HarnessCounterPoll(),
				parameters: { fail: true },
				mode,
			});

			expect(result.items).toBeNull();
			expect(result.error).toBeInstanceOf(NodeOperationError);
			expect(result.error?.message).toBe('The poll failed on purpose');
		},
	);
});
