import type { IDataObject } from 'n8n-workflow';
import { DateTime } from 'luxon';

import { SEED_USERS } from '../../emulator';
import { outputJson, presenceOf } from './setup';
import { statusSyncFixture, statusSyncParameters as syncParameters, type StatusSyncFixture } from './syncFixture';

const SECOND = 1000;
const MINUTE = 60 * SECOND;

function byUser(rows: IDataObject[]): Record<string, IDataObject> {
	return Object.fromEntries(rows.map((row) => [row.user as string, row]));
}

function graphWrites(fixture: StatusSyncFixture): number {
	return fixture.emulator.requests.count({ host: 'graph', batch: true, method: 'POST' });
}

describe('Status sync to Teams', () => {
	const fixture = statusSyncFixture();
	let staticData: IDataObject | undefined;
	const agents = [
		{ email: SEED_USERS.adele.mail, status: 'Ready' },
		{ email: SEED_USERS.diego.upn, status: 'On a call' },
		{ email: SEED_USERS.lynne.mail, status: 'do not disturb' },
		{ email: SEED_USERS.megan.mail, status: 'Lunch' },
	];

	it('sets Teams from the default map, one item per user, unmapped statuses skipped', async () => {
		const result = await fixture.run(syncParameters('toTeams'), { inputItems: agents });
		staticData = result.staticData;
		const rows = byUser(outputJson(result));
		expect(rows[SEED_USERS.adele.mail]).toMatchObject({ result: 'changed', toTeams: { result: 'changed', availability: 'Available', activity: 'Available', forced: true } });
		expect(rows[SEED_USERS.diego.upn]).toMatchObject({ result: 'changed', toTeams: { availability: 'Busy', activity: 'InACall' } });
		expect(rows[SEED_USERS.lynne.mail]).toMatchObject({ result: 'changed', toTeams: { availability: 'DoNotDisturb', activity: 'Presenting' } });
		expect(rows[SEED_USERS.megan.mail]).toMatchObject({ result: 'skipped', reason: 'unmapped' });
		expect(presenceOf(fixture.emulator, SEED_USERS.diego.id)).toEqual({ availability: 'Busy', activity: 'InACall' });
		expect(presenceOf(fixture.emulator, SEED_USERS.lynne.id)).toEqual({ availability: 'DoNotDisturb', activity: 'Presenting' });
	});

	it('writes nothing on the next run when nothing changed', async () => {
		fixture.at(2 * MINUTE);
		fixture.emulator.requests.reset();
		const result = await fixture.run(syncParameters('toTeams'), { inputItems: agents, staticData });
		staticData = result.staticData;
		expect(outputJson(result).map((row) => row.reason)).toEqual(['unchanged', 'unchanged', 'unchanged', 'unmapped']);
		expect(graphWrites(fixture)).toBe(0);
	});

	it('ignores a status shorter than 15 seconds and propagates it once it lasted', async () => {
		fixture.at(3 * MINUTE);
		const onCall = [{ email: SEED_USERS.adele.mail, status: 'On a call' }];
		const early = await fixture.run(syncParameters('toTeams'), { inputItems: onCall, staticData });
		expect(outputJson(early)[0]).toMatchObject({ result: 'skipped', reason: 'shortLived' });
		fixture.at(3 * MINUTE + 10 * SECOND);
		const stillEarly = await fixture.run(syncParameters('toTeams'), { inputItems: onCall, staticData: early.staticData });
		expect(outputJson(stillEarly)[0]).toMatchObject({ result: 'skipped', reason: 'shortLived' });
		expect(presenceOf(fixture.emulator, SEED_USERS.adele.id)).toEqual({ availability: 'Available', activity: 'Available' });
		fixture.at(3 * MINUTE + 15 * SECOND);
		const lasted = await fixture.run(syncParameters('toTeams'), { inputItems: onCall, staticData: stillEarly.staticData });
		expect(outputJson(lasted)[0]).toMatchObject({ result: 'changed', toTeams: { availability: 'Busy', activity: 'InACall' } });
		expect(presenceOf(fixture.emulator, SEED_USERS.adele.id)).toEqual({ availability: 'Busy', activity: 'InACall' });
		staticData = lasted.staticData;
	});

	it('pushes everything again at the forced resync, an hour after the last one', async () => {
		fixture.at(61 * MINUTE);
		fixture.emulator.requests.reset();
		const agentsNow = [{ ...agents[0], status: 'On a call' }, agents[1], agents[2], agents[3]];
		const result = await fixture.run(syncParameters('toTeams'), { inputItems: agentsNow, staticData });
		const rows = outputJson(result);
		expect(rows.map((row) => row.result)).toEqual(['changed', 'changed', 'changed', 'skipped']);
		expect(rows.every((row) => row.forcedResync === true)).toBe(true);
		expect(graphWrites(fixture)).toBe(3);
		staticData = result.staticData;
	});

	it('re-sends an Available session before Graph fades it', async () => {
		fixture.at(70 * MINUTE);
		const ready = [{ email: SEED_USERS.alex.mail, status: 'Ready' }];
		const first = await fixture.run(syncParameters('toTeams'), { inputItems: ready, staticData });
		expect(outputJson(first)[0]).toMatchObject({ result: 'changed' });
		fixture.at(72 * MINUTE);
		const soon = await fixture.run(syncParameters('toTeams'), { inputItems: ready, staticData: first.staticData });
		expect(outputJson(soon)[0]).toMatchObject({ result: 'skipped', reason: 'unchanged' });
		fixture.at(75 * MINUTE);
		const later = await fixture.run(syncParameters('toTeams'), { inputItems: ready, staticData: soon.staticData });
		expect(outputJson(later)[0]).toMatchObject({ result: 'changed', toTeams: { keepAlive: true } });
	});

	it('writes the preferred presence when asked to', async () => {
		const result = await fixture.run(
			syncParameters('toTeams', { setMode: 'preferredPresence' }),
			{ inputItems: [{ email: SEED_USERS.isaiah.mail, status: 'On a call' }] },
		);
		expect(outputJson(result)[0]).toMatchObject({ result: 'changed', toTeams: { availability: 'Busy', activity: 'Busy' } });
		expect(fixture.emulator.state.presenceOf(SEED_USERS.isaiah.id)?.preferred).toMatchObject({ availability: 'Busy', activity: 'Busy' });
	});

	it('refuses a map row Teams would reject, before calling Graph', async () => {
		fixture.emulator.requests.reset();
		const result = await fixture.run(
			syncParameters('toTeams', { externalToTeams: { rules: [{ externalStatus: 'Meeting', availability: 'Busy', activity: 'InAMeeting' }] } }),
			{ inputItems: agents },
		);
		expect(result.error?.message).toBe('The External to Teams Map has a row Teams would refuse');
		expect(result.error?.description).toContain('Row 1 ("Meeting"): Teams does not accept Busy/InAMeeting as an application presence session');
		expect(fixture.emulator.requests.count({ host: 'graph' })).toBe(0);
	});

	it('reports a user Graph refuses as failed and still syncs the others, through throttling', async () => {
		fixture.emulator.faults.add({ kind: 'throttle', method: 'POST', path: '/users/*/presence/setPresence', retryAfterSeconds: 0, times: 1 });
		const result = await fixture.run(syncParameters('toTeams'), {
			inputItems: [
				{ email: SEED_USERS.lee.mail, status: 'Ready' },
				{ email: SEED_USERS.isaiah.upn, status: 'Away' },
			],
		});
		const rows = outputJson(result);
		expect(rows[0]).toMatchObject({ result: 'failed', toTeams: { result: 'failed' } });
		expect(rows[0].error).toContain('not enabled for Microsoft Teams');
		expect(rows[1]).toMatchObject({ result: 'changed' });
	});
});

describe('Status sync both ways', () => {
	const fixture = statusSyncFixture();

	it('never echoes its own writes back, in either direction', async () => {
		const diego = SEED_USERS.diego;
		const run = async (status: string, staticData?: IDataObject) =>
			await fixture.run(syncParameters('both'), { inputItems: [{ email: diego.mail, status }], staticData });

		// Both sides seen for the first time: the external system wins the tie.
		const first = await run('On a call');
		expect(outputJson(first)[0]).toMatchObject({
			result: 'changed',
			toTeams: { result: 'changed', availability: 'Busy', activity: 'InACall' },
			fromTeams: { result: 'skipped', reason: 'superseded' },
			externalStatus: null,
		});

		fixture.at(1 * MINUTE);
		const second = await run('On a call', first.staticData);
		expect(outputJson(second)[0]).toMatchObject({
			result: 'skipped',
			teamsAvailability: 'Busy',
			toTeams: { reason: 'unchanged' },
			fromTeams: { reason: 'echo' },
		});

		// Diego picks Do not disturb in Teams.
		await fixture.clientPresence(diego.id, 'DoNotDisturb', 'DoNotDisturb');
		fixture.at(2 * MINUTE);
		const seen = await run('On a call', second.staticData);
		expect(outputJson(seen)[0]).toMatchObject({ fromTeams: { reason: 'shortLived' } });
		fixture.at(2 * MINUTE + 20 * SECOND);
		const handed = await run('On a call', seen.staticData);
		expect(outputJson(handed)[0]).toMatchObject({ result: 'changed', externalStatus: 'Do not disturb', fromTeams: { result: 'changed' } });

		// The other system took it and now reports it: that is our own write coming back.
		fixture.at(3 * MINUTE);
		const back = await run('Do not disturb', handed.staticData);
		expect(outputJson(back)[0]).toMatchObject({ result: 'skipped', toTeams: { reason: 'echo' }, fromTeams: { reason: 'unchanged' } });
		expect(presenceOf(fixture.emulator, diego.id)).toEqual({ availability: 'DoNotDisturb', activity: 'DoNotDisturb' });
	});

	it('syncs a user listed twice once, from the last item', async () => {
		const result = await fixture.run(syncParameters('toTeams'), {
			inputItems: [
				{ email: SEED_USERS.megan.mail, status: 'Ready' },
				{ email: SEED_USERS.megan.upn, status: 'Away' },
			],
		});
		const rows = outputJson(result);
		expect(rows[0]).toMatchObject({ result: 'skipped', reason: 'duplicate' });
		expect(rows[1]).toMatchObject({ result: 'changed', toTeams: { availability: 'Away', activity: 'Away' } });
	});

	it('reads Teams only, with a custom map and a fallback for unmapped presence', async () => {
		const result = await fixture.run(
			syncParameters('fromTeams', {
				teamsToExternal: { rules: [{ availability: 'Busy', activity: 'InACall', externalStatus: 'Talking' }] },
				unmappedTeams: 'fallback',
				fallbackExternalStatus: 'Unavailable',
			}),
			{ inputItems: [{ email: SEED_USERS.alex.mail }, { email: SEED_USERS.adele.mail }] },
		);
		const rows = outputJson(result);
		expect(rows[0]).toMatchObject({ result: 'changed', externalStatus: 'Talking' });
		expect(rows[1]).toMatchObject({ result: 'changed', externalStatus: 'Unavailable' });
		expect(rows[0].toTeams).toBeUndefined();
	});
});

describe('Status sync: Status Changed At', () => {
	const fixture = statusSyncFixture();
	// West of every server's zone: a time read in the server's zone instead of this one lands hours too early.
	const timezone = 'Pacific/Pago_Pago';

	const run = async (changedAt: IDataObject[string], email: string = SEED_USERS.adele.mail, staticData?: IDataObject) =>
		await fixture.run(syncParameters('toTeams', { options: { statusChangedAt: '={{ $json.changedAt }}' } }), {
			inputItems: [{ email, status: 'On a call', changedAt }],
			timezone,
			staticData,
			continueOnFail: true,
		});

	// A first run records the user's status, so that the next status is a change whose age matters.
	async function settledRecord(email: string): Promise<IDataObject> {
		const first = await fixture.run(syncParameters('toTeams'), { inputItems: [{ email, status: 'Ready' }] });
		expect(outputJson(first)[0]).toMatchObject({ result: 'changed' });
		return first.staticData;
	}

	it('reads epoch seconds as seconds: a status 5 seconds old is not yet propagated', async () => {
		const staticData = await settledRecord(SEED_USERS.adele.mail);
		const result = await run(Math.floor(Date.now() / 1000) - 5, SEED_USERS.adele.mail, staticData);
		expect(outputJson(result)[0]).toMatchObject({ result: 'skipped', reason: 'shortLived' });
		const older = await run(Math.floor(Date.now() / 1000) - 60, SEED_USERS.adele.mail, staticData);
		expect(outputJson(older)[0]).toMatchObject({ result: 'changed', toTeams: { availability: 'Busy' } });
	});

	it("reads a time without an offset in the workflow's time zone", async () => {
		const staticData = await settledRecord(SEED_USERS.diego.mail);
		const local = DateTime.fromMillis(Date.now() - 5 * SECOND, { zone: timezone }).toFormat("yyyy-MM-dd'T'HH:mm:ss");
		const result = await run(local, SEED_USERS.diego.mail, staticData);
		expect(outputJson(result)[0]).toMatchObject({ result: 'skipped', reason: 'shortLived' });
	});

	it('fails the item for a time far in the past or the future, naming the field and the item', async () => {
		const past = outputJson(await run(0))[0];
		expect(past.error).toMatch(/^Status Changed At \(item 0\) is 1970-01-01T00:00:00.000Z, more than 366 days in the past/);
		const future = outputJson(await run(new Date(Date.now() + 2 * 3_600_000).toISOString()))[0];
		expect(future.error).toMatch(/^Status Changed At \(item 0\) is .* more than 5 minutes in the future/);
	});
});
