// Dry run, removals and their cap, B2B policy and permission errors, throttling, lost answers and a resumed crash.
import { SEED_TEAMS, SEED_USERS, type Emulator } from '../../emulator';
import { invitationsArea } from '../../emulator/graph/invitations';
import { guestByMail, MARKER, outputJson, runGuestSync, startTenant, summaryOf, userResults, writeCount } from './setup';

const people = (count: number, domain = 'partner.example') =>
	Array.from({ length: count }, (_, index) => ({ email: `person${index}@${domain}`, displayName: `Person ${index}` }));

describe('Guest sync safety', () => {
	let emulator: Emulator;

	beforeEach(async () => {
		emulator = await startTenant();
	});
	afterEach(async () => {
		await emulator.close();
	});

	it('dry run reports the same actions and writes nothing', async () => {
		const dry = await runGuestSync(emulator, people(3), { dryRun: true });
		expect(userResults(dry).map((json) => [json.action, json.dryRun])).toEqual([
			['invited', true],
			['invited', true],
			['invited', true],
		]);
		expect(writeCount(emulator)).toBe(0);
		expect(guestByMail(emulator, 'person0@partner.example')).toBeUndefined();
		const real = await runGuestSync(emulator, people(3));
		expect(userResults(real).map((json) => json.action)).toEqual(['invited', 'invited', 'invited']);
	});

	it('removes guests that left the source, but refuses the whole removal phase above the cap', async () => {
		await runGuestSync(emulator, people(4));
		emulator.requests.reset();
		const capped = await runGuestSync(emulator, people(1), { removal: 'delete', inputIsComplete: true, maxRemovals: 2, minShareSeen: 0 });
		expect(summaryOf(capped).removal).toMatchObject({ mode: 'delete', candidates: 3, withheld: true });
		expect(writeCount(emulator)).toBe(0);
		expect(guestByMail(emulator, 'person3@partner.example')).toBeDefined();

		const removed = await runGuestSync(emulator, people(1), { removal: 'delete', inputIsComplete: true, maxRemovals: 3, minShareSeen: 0 });
		const removals = outputJson(removed).filter((json) => json.type === 'removal');
		expect(removals.map((json) => [json.email, json.action]).sort()).toEqual([
			['person1@partner.example', 'removed'],
			['person2@partner.example', 'removed'],
			['person3@partner.example', 'removed'],
		]);
		expect(guestByMail(emulator, 'person3@partner.example')).toBeUndefined();
		expect(guestByMail(emulator, 'person0@partner.example')).toBeDefined();
	});

	it('never removes guests it did not create, and disabling is idempotent', async () => {
		await runGuestSync(emulator, people(2));
		const seededGuests = emulator.state.users().filter((record) => record.user.userType === 'Guest' && !(MARKER in record.user)).length;
		// n8n does not run a node without input items: the source here holds only a member, who is skipped.
		const onlyMember = [{ email: SEED_USERS.adele.mail }];
		const disabled = await runGuestSync(emulator, onlyMember, { removal: 'disable', inputIsComplete: true, maxRemovals: 10, minShareSeen: 0 });
		expect(outputJson(disabled).filter((json) => json.action === 'disabled')).toHaveLength(2);
		expect(guestByMail(emulator, 'person1@partner.example')?.user.accountEnabled).toBe(false);
		expect(emulator.state.users().filter((record) => record.user.userType === 'Guest' && !(MARKER in record.user) && record.user.accountEnabled)).toHaveLength(seededGuests);
		emulator.requests.reset();
		await runGuestSync(emulator, onlyMember, { removal: 'disable', inputIsComplete: true, maxRemovals: 10, minShareSeen: 0 });
		expect(writeCount(emulator)).toBe(0);
		// Coming back enables the guest again.
		const back = await runGuestSync(emulator, people(1));
		expect(userResults(back)[0]).toMatchObject({ action: 'updated', changes: { accountEnabled: true } });
	});

	it('reports a domain blocked by the B2B policy per item and syncs the rest', async () => {
		invitationsArea(emulator).policy = { blockedDomains: ['blocked.example'] };
		const result = await runGuestSync(emulator, [...people(1, 'blocked.example'), ...people(1)]);
		const [blocked, fine] = userResults(result);
		expect(blocked).toMatchObject({ action: 'failed', reason: expect.stringContaining('does not allow collaboration with the domain') });
		expect(blocked.reason).toContain('External collaboration settings');
		expect(fine.action).toBe('invited');
		expect(guestByMail(emulator, 'person0@blocked.example')).toBeUndefined();
	});

	it('without User.Invite.All: every invitation fails with the fix, after one refused batch', async () => {
		const result = await runGuestSync(emulator, people(25), { options: { markerAttribute: MARKER } }, { appKey: 'partial' });
		const results = userResults(result);
		expect(results.every((json) => json.action === 'failed')).toBe(true);
		expect(String(results[0].reason)).toContain('User.Invite.All');
		expect(emulator.requests.count({ method: 'POST', path: '/v1.0/invitations', batch: true }) + emulator.requests.count({ method: 'POST', path: '/invitations', batch: true })).toBe(20);
		expect(emulator.state.users().filter((record) => (record.user.mail ?? '').endsWith('@partner.example'))).toHaveLength(0);
	});

	it('stops before any write when the marker attribute is not registered, saying how to register it', async () => {
		const result = await runGuestSync(emulator, people(2), { options: { markerAttribute: 'extension_00000000000000000000000000000000_missing' } });
		expect(result.error?.message).toContain('does not accept the marker attribute');
		expect(String(result.error?.description)).toContain('extensionProperties');
		expect(writeCount(emulator)).toBe(0);
	});

	it('absorbs throttling in the middle of the lookups', async () => {
		emulator.faults.add({ kind: 'throttle', method: 'GET', path: '/users', retryAfterSeconds: 1, times: 3, topLevel: false });
		const result = await runGuestSync(emulator, people(40));
		expect(userResults(result).every((json) => json.action === 'invited')).toBe(true);
		expect(emulator.requests.count({ status: 429 })).toBe(3);
	});

	it('does not invite twice when the answer to an invitation batch is lost after Graph applied it', async () => {
		emulator.faults.add({ kind: 'dropAfterApply', method: 'POST', path: '/invitations', times: 1 });
		const result = await runGuestSync(emulator, people(3), { invitation: { sendInvitationMessage: true } });
		expect(userResults(result).map((json) => json.action)).toEqual(['invited', 'invited', 'invited']);
		expect(emulator.state.users().filter((record) => (record.user.mail ?? '').endsWith('@partner.example'))).toHaveLength(3);
		expect(invitationsArea(emulator).messages).toHaveLength(3);
		expect(guestByMail(emulator, 'person2@partner.example')?.user).toMatchObject({ [MARKER]: 'slack' });
	});

	it('resumes after a run that stopped between inviting and marking: no duplicate, no second email', async () => {
		emulator.faults.add({ kind: 'status', status: 503, method: 'PATCH', path: '/users/*', times: 2 });
		const crashed = await runGuestSync(emulator, people(3), { invitation: { sendInvitationMessage: true } });
		const unmarked = userResults(crashed).filter((json) => String(json.reason ?? '').includes('not marked'));
		expect(unmarked.length).toBe(2);

		const plain = await runGuestSync(emulator, people(3), { invitation: { sendInvitationMessage: true } });
		expect(userResults(plain).filter((json) => json.action === 'skipped')).toHaveLength(2);

		const adopted = await runGuestSync(emulator, people(3), { options: { adoptUnmarkedGuests: true } });
		expect(userResults(adopted).filter((json) => json.action === 'updated')).toHaveLength(2);
		expect(emulator.state.users().filter((record) => (record.user.mail ?? '').endsWith('@partner.example'))).toHaveLength(3);
		expect(invitationsArea(emulator).messages).toHaveLength(3);

		emulator.requests.reset();
		await runGuestSync(emulator, people(3));
		expect(writeCount(emulator)).toBe(0);
	});

	it('adds synced guests to teams once', async () => {
		const teams = { team: [{ teamId: { __rl: true, mode: 'id', value: SEED_TEAMS.marketing.id } }] };
		const first = await runGuestSync(emulator, people(2), { teams });
		expect(userResults(first).map((json) => json.addedToTeams)).toEqual([[SEED_TEAMS.marketing.id], [SEED_TEAMS.marketing.id]]);
		const team = emulator.state.team(SEED_TEAMS.marketing.id);
		const guest = guestByMail(emulator, 'person0@partner.example');
		expect(team?.members.find((member) => member.userId === guest?.user.id)?.roles).toEqual(['guest']);
		emulator.requests.reset();
		const second = await runGuestSync(emulator, people(2), { teams });
		expect(userResults(second).map((json) => json.action)).toEqual(['unchanged', 'unchanged']);
		expect(writeCount(emulator)).toBe(0);
	});
});
