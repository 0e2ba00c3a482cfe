// The emulator's invitation, team-member-write and extension-property routes, called as Graph is called (HTTPS,
// bearer token), checked against Graph's documented shapes rather than against what the guest sync sends.
import { request } from 'node:https';

import { SEED_APPS, SEED_GUESTS, SEED_TEAMS, SEED_USERS, startEmulator, type Emulator } from '../../emulator';
import { extensionName } from '../../emulator/graph/extensionProperties';
import { invitationsArea } from '../../emulator/graph/invitations';

interface Answer {
	status: number;
	body: Record<string, unknown>;
}

async function graph(emulator: Emulator, token: string, method: string, path: string, body?: unknown): Promise<Answer> {
	const payload = body === undefined ? undefined : JSON.stringify(body);
	return await new Promise((resolve, reject) => {
		const req = request(
			`${emulator.graphUrl}/v1.0${path}`,
			{ method, headers: { Authorization: `Bearer ${token}`, ...(payload ? { 'Content-Type': 'application/json' } : {}) } },
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (chunk: Buffer) => chunks.push(chunk));
				res.on('end', () => {
					const text = Buffer.concat(chunks).toString('utf8');
					resolve({ status: res.statusCode ?? 0, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} });
				});
			},
		);
		req.on('error', reject);
		if (payload) req.write(payload);
		req.end();
	});
}

describe('emulator: POST /invitations', () => {
	let emulator: Emulator;
	let token: string;

	beforeAll(async () => {
		emulator = await startEmulator();
		token = emulator.tokens.issueAppToken(SEED_APPS.main.appId, ['User.Invite.All']);
	});
	afterAll(async () => {
		await emulator.close();
	});

	it('creates a pending guest and answers 201 with the invitation', async () => {
		const answer = await graph(emulator, token, 'POST', '/invitations', {
			invitedUserEmailAddress: 'Ada@Partner.example',
			invitedUserDisplayName: 'Ada Lovelace',
			inviteRedirectUrl: 'https://teams.microsoft.com',
			sendInvitationMessage: false,
		});
		expect(answer.status).toBe(201);
		expect(answer.body).toMatchObject({
			'@odata.context': expect.stringContaining('$metadata#invitations/$entity'),
			id: expect.any(String),
			inviteRedeemUrl: expect.stringMatching(/^https:\/\/login\.microsoftonline\.com\/redeem\?rd=/),
			invitedUserDisplayName: 'Ada Lovelace',
			invitedUserType: 'Guest',
			invitedUserEmailAddress: 'Ada@Partner.example',
			sendInvitationMessage: false,
			resetRedemption: false,
			inviteRedirectUrl: 'https://teams.microsoft.com',
			status: 'PendingAcceptance',
			invitedUser: { id: expect.any(String) },
		});
		const guest = emulator.state.user((answer.body.invitedUser as { id: string }).id)?.user;
		expect(guest).toMatchObject({
			userType: 'Guest',
			mail: 'ada@partner.example',
			otherMails: ['ada@partner.example'],
			userPrincipalName: 'ada_partner.example#EXT#@contoso.onmicrosoft.com',
			externalUserState: 'PendingAcceptance',
			creationType: 'Invitation',
			displayName: 'Ada Lovelace',
		});
	});

	it('answers an existing guest with the same invitedUser id and creates nobody', async () => {
		const before = emulator.state.users().length;
		const answer = await graph(emulator, token, 'POST', '/invitations', {
			invitedUserEmailAddress: SEED_GUESTS.jordan.mail,
			inviteRedirectUrl: 'https://teams.microsoft.com',
		});
		expect(answer.status).toBe(201);
		expect(answer.body.invitedUser).toEqual({ id: SEED_GUESTS.jordan.id });
		expect(answer.body.status).toBe('Completed');
		expect(emulator.state.users().length).toBe(before);
	});

	it('refuses the address of a member', async () => {
		const answer = await graph(emulator, token, 'POST', '/invitations', {
			invitedUserEmailAddress: SEED_USERS.adele.mail,
			inviteRedirectUrl: 'https://teams.microsoft.com',
		});
		expect(answer.status).toBe(400);
		expect(answer.body.error).toMatchObject({ code: 'BadRequest', message: expect.stringContaining(SEED_USERS.adele.id) });
	});

	it('refuses a domain the B2B policy blocks, and one outside an allow list', async () => {
		invitationsArea(emulator).policy = { blockedDomains: ['gmail.com'] };
		const blocked = await graph(emulator, token, 'POST', '/invitations', { invitedUserEmailAddress: 'x@gmail.com', inviteRedirectUrl: 'https://a.example' });
		expect(blocked.status).toBe(400);
		expect(blocked.body.error).toMatchObject({ code: 'Request_BadRequest', message: 'Your organization does not allow collaboration with the domain of the user.' });
		invitationsArea(emulator).policy = { blockedDomains: [], allowedDomains: ['partner.example'] };
		const outside = await graph(emulator, token, 'POST', '/invitations', { invitedUserEmailAddress: 'x@other.example', inviteRedirectUrl: 'https://a.example' });
		expect(outside.status).toBe(400);
		invitationsArea(emulator).policy = { blockedDomains: [] };
	});

	it('requires the address and the redirect URL, and refuses characters Entra does not accept', async () => {
		expect((await graph(emulator, token, 'POST', '/invitations', { inviteRedirectUrl: 'https://a.example' })).status).toBe(400);
		expect((await graph(emulator, token, 'POST', '/invitations', { invitedUserEmailAddress: 'a@b.example' })).status).toBe(400);
		expect((await graph(emulator, token, 'POST', '/invitations', { invitedUserEmailAddress: 'a+b@b.example', inviteRedirectUrl: 'https://a.example' })).status).toBe(400);
	});

	it('answers 403 Authorization_RequestDenied without User.Invite.All', async () => {
		const readOnly = emulator.tokens.issueAppToken(SEED_APPS.main.appId, ['User.Read.All']);
		const answer = await graph(emulator, readOnly, 'POST', '/invitations', { invitedUserEmailAddress: 'z@partner.example', inviteRedirectUrl: 'https://a.example' });
		expect(answer.status).toBe(403);
		expect((answer.body.error as { code: string }).code).toBe('Authorization_RequestDenied');
	});
});

describe('emulator: team member writes and extension properties', () => {
	let emulator: Emulator;

	beforeAll(async () => {
		// Raw requests without the package's limiter: Teams' limits (4 requests per second per team, 4 member adds per minute) are off here (its own tests: test/unit/emulator/throttling.test.ts).
		emulator = await startEmulator({ rules: { teamsPosting: false } });
	});
	afterAll(async () => {
		await emulator.close();
	});

	it('adds a guest to a team (201, guest role), answers 409 the second time, and deletes the membership', async () => {
		const token = emulator.tokens.issueAppToken(SEED_APPS.main.appId, ['TeamMember.ReadWrite.All']);
		const member = {
			'@odata.type': '#microsoft.graph.aadUserConversationMember',
			roles: [],
			'user@odata.bind': `https://graph.microsoft.com/v1.0/users('${SEED_GUESTS.priya.id}')`,
		};
		const added = await graph(emulator, token, 'POST', `/teams/${SEED_TEAMS.marketing.id}/members`, member);
		expect(added.status).toBe(201);
		expect(added.body).toMatchObject({ '@odata.type': '#microsoft.graph.aadUserConversationMember', userId: SEED_GUESTS.priya.id, roles: ['guest'] });
		expect((await graph(emulator, token, 'POST', `/teams/${SEED_TEAMS.marketing.id}/members`, member)).status).toBe(409);
		expect((await graph(emulator, token, 'POST', `/teams/${SEED_TEAMS.marketing.id}/members`, { ...member, roles: ['owner'] })).status).toBe(400);
		expect((await graph(emulator, token, 'DELETE', `/teams/${SEED_TEAMS.marketing.id}/members/${String(added.body.id)}`)).status).toBe(204);
		const readOnly = emulator.tokens.issueAppToken(SEED_APPS.main.appId, ['TeamMember.Read.All']);
		expect((await graph(emulator, readOnly, 'POST', `/teams/${SEED_TEAMS.marketing.id}/members`, member)).status).toBe(403);
	});

	it('adds members in bulk: 200 when all were added, 207 with a result per member, whole-request failures', async () => {
		const token = emulator.tokens.issueAppToken(SEED_APPS.main.appId, ['TeamMember.ReadWrite.All']);
		const bind = (userId: string, roles: string[] = []) => ({
			'@odata.type': 'microsoft.graph.aadUserConversationMember',
			roles,
			'user@odata.bind': `https://graph.microsoft.com/v1.0/users('${userId}')`,
		});
		const team = `/teams/${SEED_TEAMS.marketing.id}/members/add`;
		emulator.state.updateUser(SEED_GUESTS.priya.id, { accountEnabled: false });
		try {
			const partial = await graph(emulator, token, 'POST', team, {
				values: [
					bind(SEED_GUESTS.sam.id, ['guest']),
					bind(SEED_USERS.adele.id),
					bind(SEED_GUESTS.priya.id, ['guest']),
					bind('00000000-0000-4000-8000-00000000dead', ['guest']),
					bind(SEED_USERS.alex.id, ['guest']),
					bind(SEED_USERS.diego.id),
				],
			});
			expect(partial.status).toBe(207);
			expect((partial.body.value as Array<{ userId: string; error: { code: string } | null }>).map((part) => [part.userId, part.error?.code ?? null])).toEqual([
				[SEED_GUESTS.sam.id, null],
				[SEED_USERS.adele.id, 'Conflict'],
				[SEED_GUESTS.priya.id, 'NotFound'],
				['00000000-0000-4000-8000-00000000dead', 'NotFound'],
				[SEED_USERS.alex.id, 'BadRequest'],
				[SEED_USERS.diego.id, null],
			]);
			expect((partial.body.value as Array<Record<string, unknown>>)[0]['@odata.type']).toBe('#microsoft.graph.aadUserConversationMemberResult');
			const members = emulator.state.team(SEED_TEAMS.marketing.id)?.members ?? [];
			expect(members.find((member) => member.userId === SEED_GUESTS.sam.id)?.roles).toEqual(['guest']);
			expect(members.some((member) => member.userId === SEED_USERS.diego.id)).toBe(true);
			expect(members.some((member) => member.userId === SEED_GUESTS.priya.id)).toBe(false);
		} finally {
			emulator.state.updateUser(SEED_GUESTS.priya.id, { accountEnabled: true });
		}

		const all = await graph(emulator, token, 'POST', team, { values: [bind(SEED_GUESTS.priya.id, ['guest']), bind(SEED_USERS.megan.id)] });
		expect(all.status).toBe(200);
		expect((all.body.value as Array<{ error: unknown }>).map((part) => part.error)).toEqual([null, null]);

		const tooMany = Array.from({ length: 201 }, () => bind(SEED_USERS.lee.id));
		expect((await graph(emulator, token, 'POST', team, { values: tooMany })).status).toBe(400);
		expect((await graph(emulator, token, 'POST', team, { values: [] })).status).toBe(400);
		expect(emulator.state.team(SEED_TEAMS.marketing.id)?.members.some((member) => member.userId === SEED_USERS.lee.id)).toBe(false);
		expect((await graph(emulator, token, 'POST', '/teams/00000000-0000-4000-8000-0000000000aa/members/add', { values: [bind(SEED_USERS.lee.id)] })).status).toBe(404);
		const readOnly = emulator.tokens.issueAppToken(SEED_APPS.main.appId, ['TeamMember.Read.All']);
		expect((await graph(emulator, readOnly, 'POST', team, { values: [bind(SEED_USERS.lee.id)] })).status).toBe(403);
	});

	it('registers a directory extension named extension_{appId without dashes}_{name}', async () => {
		const token = emulator.tokens.issueAppToken(SEED_APPS.main.appId, ['Application.ReadWrite.OwnedBy']);
		const app = emulator.state.app(SEED_APPS.main.appId);
		const created = await graph(emulator, token, 'POST', `/applications/${app?.application.id}/extensionProperties`, {
			name: 'm365GuestSyncSource',
			dataType: 'String',
			targetObjects: ['User'],
		});
		expect(created.status).toBe(201);
		expect(created.body).toMatchObject({ name: extensionName(SEED_APPS.main.appId, 'm365GuestSyncSource'), dataType: 'String', targetObjects: ['User'] });
		expect(created.body.name).toBe('extension_3b8f7e2a5c4d4a1b8e9f0a1b2c3d4e5f_m365GuestSyncSource');
		const listed = await graph(emulator, token, 'GET', `/applications/${app?.application.id}/extensionProperties`);
		expect((listed.body.value as unknown[]).length).toBe(1);
	});
});
