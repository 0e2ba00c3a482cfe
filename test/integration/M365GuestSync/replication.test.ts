// Entra's eventual consistency (test/emulator/graph/replication.ts) and guests in teams: a guest just invited answers
// 404 by id and is missing from lookups for a while. Each test holds the object invisible (long windows) until the node
// has demonstrably met the 404 or the empty lookup, then moves the emulator clock past the window: no timing.
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { runNode } from '../../harness';
import { emulatorRequest, SEED_APPS, SEED_GUESTS, SEED_TEAMS, SEED_USERS, type Emulator, type RequestFilter } from '../../emulator';
import { invitationsArea } from '../../emulator/graph/invitations';
import { buildMember } from '../../emulator/state/builders';
import { M365GuestSync } from '../../../nodes/M365GuestSync/M365GuestSync.node';
import { guestByMail, MARKER, runGuestSync, startTenant, summaryOf, tenantCredential, userResults } from './setup';

const HOLD_SECONDS = 600;

/** Resolves once the emulator has answered a request matching the filter. */
async function seen(emulator: Emulator, filter: RequestFilter): Promise<void> {
	while (emulator.requests.count(filter) === 0) await new Promise((resolve) => setTimeout(resolve, 20));
}

async function until(condition: () => boolean): Promise<void> {
	while (!condition()) await new Promise((resolve) => setTimeout(resolve, 20));
}

function hold(emulator: Emulator): void {
	emulator.rules.set({ replication: { byIdSeconds: HOLD_SECONDS, filterSeconds: HOLD_SECONDS } });
}

function release(emulator: Emulator): void {
	emulator.clock.advance(HOLD_SECONDS + 1);
}

describe("Entra's replication delay", () => {
	let emulator: Emulator;

	beforeEach(async () => {
		emulator = await startTenant();
	});
	afterEach(async () => {
		await emulator.close();
	});

	it('the emulator hides a new guest from reads and writes by id, and from queries, until its windows pass', async () => {
		hold(emulator);
		const token = emulator.tokens.issueAppToken(SEED_APPS.main.appId);
		const graph = (path: string, init: { method?: string; json?: unknown } = {}) => emulatorRequest(`${emulator.graphUrl}/v1.0${path}`, { token, ...init });
		const invited = await graph('/invitations', { method: 'POST', json: { invitedUserEmailAddress: 'late@partner.example', inviteRedirectUrl: 'https://teams.microsoft.com' } });
		expect(invited.status).toBe(201);
		const id = invited.json.invitedUser.id as string;
		expect((await graph(`/users/${id}`)).json.error.code).toBe('Request_ResourceNotFound');
		expect((await graph(`/users/${id}`, { method: 'PATCH', json: { jobTitle: 'x' } })).status).toBe(404);
		expect((await graph(`/users?$filter=${encodeURIComponent("mail eq 'late@partner.example'")}`)).json.value).toEqual([]);
		const bind = { '@odata.type': '#microsoft.graph.aadUserConversationMember', roles: ['guest'], 'user@odata.bind': `${emulator.graphUrl}/v1.0/users('${id}')` };
		expect((await graph(`/teams/${SEED_TEAMS.marketing.id}/members`, { method: 'POST', json: bind })).status).toBe(404);
		const bulk = await graph(`/teams/${SEED_TEAMS.marketing.id}/members/add`, { method: 'POST', json: { values: [bind] } });
		expect(bulk.status).toBe(207);
		expect(bulk.json.value).toEqual([expect.objectContaining({ userId: id, error: expect.objectContaining({ code: 'NotFound' }) })]);
		// Re-inviting during the window answers with the same guest, never a second one.
		const again = await graph('/invitations', { method: 'POST', json: { invitedUserEmailAddress: 'late@partner.example', inviteRedirectUrl: 'https://teams.microsoft.com' } });
		expect(again.json.invitedUser.id).toBe(id);
		release(emulator);
		expect((await graph(`/users/${id}`)).status).toBe(200);
		expect((await graph(`/users?$filter=${encodeURIComponent("mail eq 'late@partner.example'")}`)).json.value).toHaveLength(1);
	});

	it('Sync marks every guest it invites once Entra finds it: asked with reads while it answers 404, no mark spent on a 404', async () => {
		hold(emulator);
		const run = runGuestSync(emulator, [{ email: 'a@partner.example' }, { email: 'b@partner.example' }], {}, { settle: false });
		await seen(emulator, { method: 'GET', status: 404, batch: true, path: /\/users\/[^/]+$/ });
		release(emulator);
		const result = await run;
		// Entra counts every write, a 404 too, against the app's 3,000 directory writes per 150 s.
		expect(emulator.requests.count({ method: 'PATCH', status: 404 })).toBe(0);
		expect(emulator.requests.count({ method: 'PATCH', batch: true })).toBe(2);
		expect(userResults(result).map((json) => [json.action, json.reason])).toEqual([
			['invited', undefined],
			['invited', undefined],
		]);
		expect(guestByMail(emulator, 'a@partner.example')?.user).toMatchObject({ [MARKER]: 'slack' });
		expect(guestByMail(emulator, 'b@partner.example')?.user).toMatchObject({ [MARKER]: 'slack' });
	});

	it('a guest Entra still has not replicated when the retries end is remembered and marked first by the next run', async () => {
		hold(emulator);
		const first = await runGuestSync(emulator, [{ email: 'slow@partner.example' }], {}, { settle: false, workflowId: 'wf-slow' });
		expect(userResults(first)[0]).toMatchObject({ action: 'invited', reason: expect.stringContaining('The next run of this workflow marks it first') });
		expect(summaryOf(first)).toMatchObject({ notMarkedYet: 1 });
		expect((guestByMail(emulator, 'slow@partner.example')?.user as unknown as IDataObject)[MARKER]).toBeUndefined();

		release(emulator);
		const second = await runGuestSync(emulator, [{ email: 'slow@partner.example' }], {}, { staticData: first.staticData, workflowId: 'wf-slow' });
		expect(summaryOf(second)).toMatchObject({ markedFromEarlierRun: 1 });
		expect(userResults(second)[0]).toMatchObject({ action: 'unchanged' });
		expect(guestByMail(emulator, 'slow@partner.example')?.user).toMatchObject({ [MARKER]: 'slack' });

		// Done: the third run has nothing left to finish.
		const third = await runGuestSync(emulator, [{ email: 'slow@partner.example' }], {}, { staticData: second.staticData, workflowId: 'wf-slow' });
		expect(summaryOf(third).markedFromEarlierRun).toBeUndefined();
	}, 120_000);

	it('Invite marks the new guest the same way', async () => {
		hold(emulator);
		const run = runNode({
			nodeType: new M365GuestSync(),
			parameters: { resource: 'guest', operation: 'invite', email: 'solo@partner.example', options: { sourceName: 'slack' } } as INodeParameters,
			credentials: { m365TenantAppApi: tenantCredential(emulator) },
		});
		await seen(emulator, { method: 'GET', status: 404, batch: true, path: /\/users\/[^/]+$/ });
		release(emulator);
		const result = await run;
		expect(emulator.requests.count({ method: 'PATCH', status: 404 })).toBe(0);
		expect(result.items[0][0].json).toMatchObject({ action: 'invited', sourceName: 'slack' });
		expect(result.items[0][0].json.reason).toBeUndefined();
		expect(guestByMail(emulator, 'solo@partner.example')?.user).toMatchObject({ [MARKER]: 'slack' });
	});

	it('a lost invitation answer is not taken for "not invited" while lookups cannot see the guest yet: one guest, one email', async () => {
		hold(emulator);
		emulator.faults.add({ kind: 'dropAfterApply', method: 'POST', path: '/invitations', times: 1 });
		const run = runGuestSync(emulator, [{ email: 'lost@partner.example' }], { invitation: { sendInvitationMessage: true } }, { settle: false });
		// The check after the lost answer looks the guest up and finds nobody yet; the guest replicates meanwhile.
		await seen(emulator, { method: 'GET', path: '/v1.0/users', batch: false });
		release(emulator);
		const result = await run;
		expect(userResults(result)[0]).toMatchObject({ action: 'invited' });
		expect(invitationsArea(emulator).messages.filter((message) => message.to === 'lost@partner.example')).toHaveLength(1);
		expect(emulator.requests.count({ method: 'POST', path: /\/invitations$/, batch: true })).toBe(1);
		expect(guestByMail(emulator, 'lost@partner.example')?.user).toMatchObject({ [MARKER]: 'slack' });
	});

	it('adds a guest invited moments ago to a team, sending the bulk add again for it while Teams answers NotFound, with the guest role', async () => {
		const teams = { team: [{ teamId: { __rl: true, mode: 'id', value: SEED_TEAMS.marketing.id } }] };
		// Teams replicates separately from the directory: the guest is marked, yet the first bulk add answers NotFound for it.
		const first = emulator.faults.add({ kind: 'hold', method: 'POST', path: '/teams/*/members/add', times: 1 });
		const run = runGuestSync(emulator, [{ email: 'teamed@partner.example' }], { teams }, { settle: false });
		await until(() => emulator.faults.held()[first] === 1);
		hold(emulator);
		const second = emulator.faults.add({ kind: 'hold', method: 'POST', path: '/teams/*/members/add', times: 1 });
		emulator.faults.release(first);
		await until(() => emulator.faults.held()[second] === 1);
		release(emulator);
		emulator.faults.release(second);
		const result = await run;
		expect(userResults(result)[0]).toMatchObject({ action: 'invited', addedToTeams: [SEED_TEAMS.marketing.id] });
		expect(userResults(result)[0].reason).toBeUndefined();
		expect(emulator.requests.count({ method: 'POST', status: 207, path: /\/members\/add$/ })).toBe(1);
		expect(emulator.requests.count({ method: 'POST', status: 200, path: /\/members\/add$/ })).toBe(1);
		expect(emulator.requests.count({ method: 'POST', path: /\/members$/ })).toBe(0);
		const guest = guestByMail(emulator, 'teamed@partner.example')!;
		expect(guest.user).toMatchObject({ [MARKER]: 'slack' });
		expect(emulator.state.team(SEED_TEAMS.marketing.id)?.members.find((member) => member.userId === guest.user.id)?.roles).toEqual(['guest']);
	});
});

describe('guests in teams, as Microsoft documents team member adds', () => {
	let emulator: Emulator;

	beforeAll(async () => {
		emulator = await startTenant();
	});
	afterAll(async () => {
		await emulator.close();
	});

	async function add(userId: string, roles: string[]) {
		const token = emulator.tokens.issueAppToken(SEED_APPS.main.appId);
		return await emulatorRequest(`${emulator.graphUrl}/v1.0/teams/${SEED_TEAMS.engineering.id}/members`, {
			method: 'POST',
			token,
			json: { '@odata.type': '#microsoft.graph.aadUserConversationMember', roles, 'user@odata.bind': `${emulator.graphUrl}/v1.0/users('${userId}')` },
		});
	}

	it('a guest gets the guest role, cannot be an owner; a member cannot be a guest; a disabled user is 404', async () => {
		expect((await add(SEED_GUESTS.sam.id, ['owner'])).status).toBe(400);
		expect((await add(SEED_USERS.adele.id, ['guest'])).status).toBe(400);
		const added = await add(SEED_GUESTS.sam.id, []);
		expect(added.status).toBe(201);
		expect((added.json as IDataObject).roles).toEqual(['guest']);
		emulator.state.updateUser(SEED_GUESTS.priya.id, { accountEnabled: false });
		expect((await add(SEED_GUESTS.priya.id, ['guest'])).status).toBe(404);
	});

	it('a guest of this source that comes back disabled is enabled before its team add (Teams answers 404 for disabled users)', async () => {
		const teams = { team: [{ teamId: { __rl: true, mode: 'id', value: SEED_TEAMS.marketing.id } }] };
		await runGuestSync(emulator, [{ email: 'one@partner.example' }, { email: 'two@partner.example' }]);
		const two = guestByMail(emulator, 'two@partner.example')!;
		emulator.state.updateUser(two.user.id, { accountEnabled: false });
		const result = await runGuestSync(emulator, [{ email: 'one@partner.example' }, { email: 'two@partner.example' }], { teams, options: { adoptUnmarkedGuests: false } });
		const [one, second] = userResults(result);
		expect(one).toMatchObject({ action: 'addedToTeam', addedToTeams: [SEED_TEAMS.marketing.id] });
		// The guest is ours and disabled: the sync enables it first (it is back in the source), then adds it.
		expect(second).toMatchObject({ action: 'updated', changes: { accountEnabled: true }, addedToTeams: [SEED_TEAMS.marketing.id] });
	});
});

describe('team adds in bulk: a result per guest', () => {
	let emulator: Emulator;
	const marketing = { team: [{ teamId: { __rl: true, mode: 'id', value: SEED_TEAMS.marketing.id } }] };
	const three = [{ email: 'one@partner.example' }, { email: 'two@partner.example' }, { email: 'three@partner.example' }];

	beforeEach(async () => {
		emulator = await startTenant();
		await runGuestSync(emulator, three);
	});
	afterEach(async () => {
		await emulator.close();
	});

	it('one added meanwhile counts as done, one Teams refuses fails with the reason and is not sent again, the rest are added', async () => {
		const [one, two] = three.map((user) => guestByMail(emulator, user.email)!);
		const held = emulator.faults.add({ kind: 'hold', method: 'POST', path: '/teams/*/members/add', times: 1 });
		const run = runGuestSync(emulator, three, { teams: marketing });
		await until(() => emulator.faults.held()[held] === 1);
		// Between the sync's read of the members and its add: someone adds one, another is disabled (Teams: NotFound).
		emulator.state.team(SEED_TEAMS.marketing.id)!.members.push(buildMember(SEED_TEAMS.marketing.id, one, emulator.state.tenantId));
		emulator.state.updateUser(two.user.id, { accountEnabled: false });
		emulator.faults.release(held);
		const [first, second, third] = userResults(await run);
		expect(first).toMatchObject({ action: 'unchanged' });
		expect(first.addedToTeams).toBeUndefined();
		expect(first.reason).toBeUndefined();
		expect(second).toMatchObject({ action: 'unchanged', reason: expect.stringContaining(`Not added to team ${SEED_TEAMS.marketing.id}: Graph answered 404`) });
		expect(third).toMatchObject({ action: 'addedToTeam', addedToTeams: [SEED_TEAMS.marketing.id] });
		// The disabled guest was not created in this run: its NotFound is not a replication delay, nothing is sent again.
		expect(emulator.requests.count({ method: 'POST', path: /\/members\/add$/ })).toBe(1);
		expect(emulator.requests.count({ method: 'POST', status: 207, path: /\/members\/add$/ })).toBe(1);
	});

	it('a 403 on the bulk add (the permission removed mid-run) reports the fix for every guest and stops the sync', async () => {
		emulator.faults.add({ kind: 'status', status: 403, code: 'Forbidden', message: 'Missing role permissions on the request.', method: 'POST', path: '/teams/*/members/add' });
		const result = await runGuestSync(emulator, three, { teams: marketing });
		for (const json of userResults(result)) {
			expect(json).toMatchObject({ action: 'unchanged', reason: expect.stringContaining('Grant the app the TeamMember.ReadWrite.All application permission') });
		}
		expect(summaryOf(result).stopped).toEqual(expect.stringContaining('add guests to a team'));
		expect(emulator.requests.count({ method: 'POST', path: /\/members\/add$/ })).toBe(1);
	});
});
