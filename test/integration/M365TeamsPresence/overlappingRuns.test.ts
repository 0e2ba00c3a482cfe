// n8n hands every execution its own copy of the workflow's static data and saves it whole when the execution ends:
// the last one saved wins. A sync run held in its $batch (throttling can hold one for minutes) overlaps the next
// run; whichever copy is saved last must still hold what both runs wrote, or the next run sends the sync's own
// writes back. The harness does what n8n does: each run gets a copy, the test keeps the one saved last.
import type { IDataObject } from 'n8n-workflow';

import { SEED_USERS } from '../../emulator';
import { outputJson, presenceOf } from './setup';
import { statusSyncFixture, statusSyncParameters, syncedUsers } from './syncFixture';

const WORKFLOW_ID = 'presence-overlap';

const syncParameters = statusSyncParameters('both', { user: '={{ $json.id }}', externalStatus: '={{ $json.status }}', options: { shortStatusSeconds: 0 } });

async function until(condition: () => boolean): Promise<void> {
	while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('Status sync: overlapping runs', () => {
	const fixture = statusSyncFixture();

	const run = async (agents: Array<{ id: string; status: string }>, staticData: IDataObject | undefined) =>
		await fixture.run(syncParameters, { inputItems: agents, staticData, workflowId: WORKFLOW_ID, mode: 'trigger' });

	it('keeps both runs’ writes whichever is saved last, so the next run sends nothing back', async () => {
		const { adele, diego } = SEED_USERS;
		const first = await run([{ id: adele.id, status: 'Ready' }, { id: diego.id, status: 'Ready' }], undefined);
		expect(outputJson(first).map((row) => row.result)).toEqual(['changed', 'changed']);
		const saved = first.staticData;

		// Run A: Adele goes on a call; its write is held in Graph (a slow $batch round).
		const hold = fixture.emulator.faults.add({ kind: 'hold', method: 'POST', path: '/users/*/presence/setPresence', times: 1 });
		const slow = run([{ id: adele.id, status: 'On a call' }], saved);
		await until(() => (fixture.emulator.faults.held()[hold] ?? 0) > 0);

		// Run B starts from the same saved copy, writes Diego and is saved first.
		const fast = await run([{ id: diego.id, status: 'On a call' }], saved);
		expect(outputJson(fast)[0]).toMatchObject({ result: 'changed', toTeams: { availability: 'Busy', activity: 'InACall' } });

		// Run A goes on and is saved last: its copy is what n8n keeps.
		fixture.emulator.faults.release(hold);
		const slowResult = await slow;
		expect(outputJson(slowResult)[0]).toMatchObject({ result: 'changed', toTeams: { availability: 'Busy', activity: 'InACall' } });
		const kept = slowResult.staticData;
		const users = syncedUsers(kept);
		expect(users[adele.id.toLowerCase()]?.wroteTeams).toBe('Busy/InACall');
		expect(users[diego.id.toLowerCase()]?.wroteTeams).toBe('Busy/InACall');

		// The next run finds both writes as its own: nothing goes to Teams, nothing back to the other system.
		fixture.emulator.requests.reset();
		const next = await run([{ id: adele.id, status: 'On a call' }, { id: diego.id, status: 'On a call' }], kept);
		expect(outputJson(next).map((row) => [row.result, (row.toTeams as IDataObject).reason, (row.fromTeams as IDataObject).reason])).toEqual([
			['skipped', 'unchanged', 'echo'],
			['skipped', 'unchanged', 'echo'],
		]);
		expect(fixture.emulator.requests.count({ host: 'graph', batch: true, method: 'POST' })).toBe(0);
		expect(presenceOf(fixture.emulator, diego.id)).toEqual({ availability: 'Busy', activity: 'InACall' });
	});
});
