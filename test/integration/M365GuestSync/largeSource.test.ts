// A source larger than a page of guests (999) and a window of users (1,500): this source's guests are read page by
// page and planned from there instead of being looked up, and removals are weighed one guest at a time.
import { SEED_TEAMS, SEED_USERS, type Emulator } from '../../emulator';
import { buildUser } from '../../emulator/state/builders';
import { guestByMail, MARKER, outputJson, runGuestSync, startTenant, summaryOf, userResults, writeCount } from './setup';

const COUNT = 1600;

const people = (count: number) =>
	Array.from({ length: count }, (_, index): { email: string; displayName: string } => ({
		email: `person${index}@partner.example`,
		displayName: `Person ${index}`,
	}));

/** Guests an earlier run of this sync created for the first `count` people. */
function seedGuests(emulator: Emulator, count: number, overrides: Record<number, { accountEnabled?: boolean }> = {}): void {
	const domain = emulator.state.data.tenant.initialDomain;
	for (const [index, person] of people(count).entries()) {
		const record = buildUser({
			id: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
			displayName: person.displayName,
			upn: `${person.email.replace('@', '_')}#EXT#@${domain}`,
			mail: person.email,
			otherMails: [person.email],
			kind: 'guest',
			accountEnabled: overrides[index]?.accountEnabled,
		});
		(record.user as unknown as Record<string, unknown>)[MARKER] = 'slack';
		emulator.state.addUser(record);
	}
}

describe('Guest sync of a source larger than a page of guests and a window of users', () => {
	let emulator: Emulator;

	beforeEach(async () => {
		emulator = await startTenant();
	});
	afterEach(async () => {
		await emulator.close();
	});

	it('plans from the pages of its guests: a rename, a comeback, a member, the new users; a second run writes nothing', async () => {
		seedGuests(emulator, 1550, { 7: { accountEnabled: false } });
		const source: Array<{ email: string; displayName?: string }> = people(COUNT);
		source[5] = { ...source[5], displayName: 'Person Five' };
		source[COUNT - 1] = { email: SEED_USERS.adele.mail };

		const first = await runGuestSync(emulator, source);
		const results = userResults(first);
		expect(results.map((json) => json.email)).toEqual(source.map((user) => user.email.toLowerCase()));
		expect(results[5]).toMatchObject({ action: 'updated', changes: { displayName: 'Person Five' } });
		expect(results[7]).toMatchObject({ action: 'updated', changes: { accountEnabled: true } });
		expect(results[COUNT - 1]).toMatchObject({ action: 'skipped' });
		expect(results[1549]).toMatchObject({ action: 'unchanged', userId: '00000000-0000-4000-8000-000000001549' });
		expect(summaryOf(first)).toMatchObject({ invited: 49, updated: 2, unchanged: 1548, skipped: 1, failed: 0, total: COUNT });
		expect(guestByMail(emulator, 'person1598@partner.example')?.user).toMatchObject({ [MARKER]: 'slack' });

		emulator.requests.reset();
		const second = await runGuestSync(emulator, source);
		expect(writeCount(emulator)).toBe(0);
		expect(summaryOf(second)).toMatchObject({ invited: 0, updated: 0, unchanged: COUNT - 1, skipped: 1, total: COUNT });
	});

	it('adds 250 guests to two teams with the bulk action, 200 a request, reading each team once and adding none singly', async () => {
		seedGuests(emulator, 250);
		const teams = {
			team: [
				{ teamId: { __rl: true, mode: 'id', value: SEED_TEAMS.marketing.id } },
				{ teamId: { __rl: true, mode: 'id', value: SEED_TEAMS.engineering.id } },
			],
		};
		const result = await runGuestSync(emulator, people(250), { teams });
		const results = userResults(result);
		expect(results.every((json) => json.action === 'addedToTeam' && json.reason === undefined)).toBe(true);
		expect(results[249].addedToTeams).toEqual([SEED_TEAMS.marketing.id, SEED_TEAMS.engineering.id]);
		for (const teamId of [SEED_TEAMS.marketing.id, SEED_TEAMS.engineering.id]) {
			// 200 + 50: the emulator refuses a bulk add of more than 200, as Graph does.
			expect(emulator.requests.count({ method: 'POST', path: new RegExp(`/teams/${teamId}/members/add$`), status: 200 })).toBe(2);
			expect(emulator.requests.count({ method: 'GET', path: new RegExp(`/teams/${teamId}/members$`) })).toBe(1);
			const members = new Set(emulator.state.team(teamId)?.members.map((member) => member.userId));
			expect(people(250).every((_, index) => members.has(`00000000-0000-4000-8000-${String(index).padStart(12, '0')}`))).toBe(true);
		}
		expect(emulator.requests.count({ method: 'POST', path: /\/members$/ })).toBe(0);

		emulator.requests.reset();
		const again = await runGuestSync(emulator, people(250), { teams });
		expect(writeCount(emulator)).toBe(0);
		expect(summaryOf(again)).toMatchObject({ unchanged: 250, addedToTeam: 0 });
	});

	it('counts every guest that left above the cap and removes none; below it removes them, once', async () => {
		seedGuests(emulator, COUNT);

		const capped = await runGuestSync(emulator, people(1200), { removal: 'delete', inputIsComplete: true, maxRemovals: 10, minShareSeen: 0 });
		expect(summaryOf(capped).removal).toMatchObject({ mode: 'delete', candidates: 400, withheld: true, reason: expect.stringContaining('more than the maximum of 10') });
		expect(writeCount(emulator)).toBe(0);

		const disabled = await runGuestSync(emulator, people(COUNT - 3), { removal: 'disable', inputIsComplete: true, maxRemovals: 10 });
		expect(outputJson(disabled).filter((json) => json.type === 'removal').map((json) => [json.email, json.action])).toEqual([
			[`person${COUNT - 3}@partner.example`, 'disabled'],
			[`person${COUNT - 2}@partner.example`, 'disabled'],
			[`person${COUNT - 1}@partner.example`, 'disabled'],
		]);

		emulator.requests.reset();
		const again = await runGuestSync(emulator, people(COUNT - 3), { removal: 'disable', inputIsComplete: true, maxRemovals: 10 });
		expect(writeCount(emulator)).toBe(0);
		expect(summaryOf(again).removal).toMatchObject({ candidates: 0, withheld: false });
	});
});
