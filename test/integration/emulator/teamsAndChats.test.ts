// The teams and chats areas against Graph's documented behaviour: posting rules, membership, validation, edits,
// soft delete, 1:1 chat reuse, paging, and the change events the subscriptions area relies on.
import { type Emulator, SEED_APPS, SEED_CHANNELS, SEED_CHATS, SEED_TEAMS, SEED_USERS, startEmulator } from '../../emulator';
import type { ChangeEvent } from '../../emulator/events';
import { emulatorRequest } from '../../emulator/testClient';

let emulator: Emulator;
let integration: string;
let adele: string;
let app: string;
beforeAll(async () => {
	// Raw requests without a client-side limiter: Teams' limits (1 request per second per channel or chat, 4 per team) are off here (they have their own tests).
	emulator = await startEmulator({ rules: { teamsPosting: false } });
});
beforeEach(() => {
	emulator.reset();
	integration = emulator.tokens.issueDelegatedTokens(SEED_APPS.main.appId, SEED_USERS.integration.id).accessToken;
	adele = emulator.tokens.issueDelegatedTokens(SEED_APPS.main.appId, SEED_USERS.adele.id).accessToken;
	app = emulator.tokens.issueAppToken(SEED_APPS.main.appId);
});
afterAll(async () => {
	await emulator.close();
});

const url = (path: string) => `${emulator.graphUrl}/v1.0${path}`;
const channelPath = (channel: { teamId: string; id: string }) => `/teams/${channel.teamId}/channels/${encodeURIComponent(channel.id)}/messages`;
const chatPath = (chatId: string) => `/chats/${encodeURIComponent(chatId)}/messages`;
const post = (path: string, token: string, json: unknown) => emulatorRequest(url(path), { method: 'POST', token, json });
const get = (path: string, token: string) => emulatorRequest(url(path), { token });

describe('channel messages', () => {
	it('posts as the signed-in member and returns 201 with Graph fields', async () => {
		const response = await post(channelPath(SEED_CHANNELS.salesGeneral), integration, { body: { contentType: 'html', content: '<p>Hello</p>' } });
		expect(response.status).toBe(201);
		expect(response.json).toMatchObject({
			messageType: 'message',
			replyToId: null,
			body: { contentType: 'html', content: '<p>Hello</p>' },
			from: { user: { id: SEED_USERS.integration.id, displayName: 'Integration Account', userIdentityType: 'aadUser' } },
			channelIdentity: { teamId: SEED_TEAMS.sales.id, channelId: SEED_CHANNELS.salesGeneral.id },
		});
		expect(response.json.id).toMatch(/^\d{13}$/);
		expect(response.json.webUrl).toContain('teams.microsoft.com/l/message/');
	});

	it('refuses app-only posting outside migration mode with 403, and imports in migration mode', async () => {
		const response = await post(channelPath(SEED_CHANNELS.salesGeneral), app, { body: { content: 'x' } });
		expect(response.status).toBe(403);
		const migrationApp = emulator.tokens.issueAppToken(SEED_APPS.main.appId, ['Teamwork.Migrate.All']);
		expect((await post(channelPath(SEED_CHANNELS.salesDeals), migrationApp, { body: { content: 'x' } })).status).toBe(403);
		await emulatorRequest(`${emulator.graphUrl}/_emulator/teams/migrationMode`, { method: 'POST', json: { channelId: SEED_CHANNELS.salesDeals.id, enabled: true } });
		const imported = await post(channelPath(SEED_CHANNELS.salesDeals), migrationApp, {
			createdDateTime: '2020-01-02T03:04:05Z',
			from: { user: { id: SEED_USERS.alex.id, displayName: 'Alex Wilber', userIdentityType: 'aadUser' } },
			body: { content: 'old message' },
		});
		expect(imported.status).toBe(201);
		expect(imported.json).toMatchObject({ createdDateTime: '2020-01-02T03:04:05Z', from: { user: { id: SEED_USERS.alex.id } } });
		expect((await post(channelPath(SEED_CHANNELS.salesDeals), migrationApp, { body: { content: 'no author' } })).status).toBe(400);
	});

	it('answers 403 to a delegated non-member of the team or of a private channel, 404 to unknown ids', async () => {
		expect((await post(channelPath(SEED_CHANNELS.marketingGeneral), integration, { body: { content: 'x' } })).status).toBe(403);
		expect((await post(channelPath(SEED_CHANNELS.salesLeadership), integration, { body: { content: 'x' } })).status).toBe(403);
		expect((await post(channelPath(SEED_CHANNELS.salesPartners), integration, { body: { content: 'x' } })).status).toBe(201);
		const unknown = await post(channelPath({ teamId: SEED_TEAMS.sales.id, id: '19:nope@thread.tacv2' }), integration, { body: { content: 'x' } });
		expect(unknown.status).toBe(404);
		expect(unknown.json.error.code).toBe('NotFound');
	});

	it('validates size, mentions and attachments as Graph does', async () => {
		const path = channelPath(SEED_CHANNELS.salesGeneral);
		const big = await post(path, integration, { body: { contentType: 'html', content: 'a'.repeat(29 * 1024) } });
		expect(big.status).toBe(413);
		const unknownUser = await post(path, integration, {
			body: { contentType: 'html', content: '<at id="0">Ghost</at> hi' },
			mentions: [{ id: 0, mentionText: 'Ghost', mentioned: { user: { id: '00000000-0000-4000-a000-000000000000', displayName: 'Ghost', userIdentityType: 'aadUser' } } }],
		});
		expect(unknownUser.status).toBe(400);
		const notReferenced = await post(path, integration, {
			body: { contentType: 'html', content: 'card' },
			attachments: [{ id: 'c1', contentType: 'application/vnd.microsoft.card.adaptive', content: '{"type":"AdaptiveCard"}' }],
		});
		expect(notReferenced.status).toBe(400);
		const card = await post(path, integration, {
			body: { contentType: 'html', content: '<attachment id="c1"></attachment>' },
			attachments: [{ id: 'c1', contentType: 'application/vnd.microsoft.card.adaptive', content: '{"type":"AdaptiveCard","version":"1.4"}' }],
		});
		expect(card.status).toBe(201);
		expect((await post(path, integration, { body: { content: '' } })).status).toBe(400);
	});

	it('replies, lists threads by their last change with $expand=replies and pages with $top', async () => {
		const path = channelPath(SEED_CHANNELS.salesDeals);
		const first = await post(path, integration, { body: { content: 'one' } });
		emulator.clock.advance(1);
		await post(path, integration, { body: { content: 'two' } });
		emulator.clock.advance(1);
		const reply = await post(`${path}/${first.json.id}/replies`, integration, { body: { content: 'reply' } });
		expect(reply.status).toBe(201);
		expect(reply.json.replyToId).toBe(first.json.id);
		// The reply is the newest change, so its thread comes first (channel-list-messages.md).
		const list = await get(`${path}?$top=1&$expand=replies`, integration);
		expect(list.json.value.map((m: { body: { content: string } }) => m.body.content)).toEqual(['one']);
		expect(list.json.value[0].replies.map((m: { body: { content: string } }) => m.body.content)).toEqual(['reply']);
		expect(list.json['@odata.nextLink']).toContain('$skiptoken=');
		const next = await emulatorRequest(list.json['@odata.nextLink'], { token: integration });
		expect(next.json.value.map((m: { body: { content: string } }) => m.body.content)).toEqual(['two']);
		expect((await get(`${path}?$top=51`, integration)).status).toBe(400);
	});

	it('lets only the author edit (204) and soft-delete/undo (204)', async () => {
		const path = channelPath(SEED_CHANNELS.salesGeneral);
		const created = await post(path, integration, { body: { content: 'draft' } });
		const messagePath = `${path}/${created.json.id}`;
		expect((await emulatorRequest(url(messagePath), { method: 'PATCH', token: adele, json: { body: { content: 'hijack' } } })).status).toBe(403);
		expect((await emulatorRequest(url(messagePath), { method: 'PATCH', token: integration, json: { body: { content: 'final' } } })).status).toBe(204);
		expect((await get(messagePath, integration)).json.body.content).toBe('final');
		expect((await post(`${messagePath}/softDelete`, integration, undefined)).status).toBe(204);
		const deleted = (await get(messagePath, integration)).json;
		expect(deleted.deletedDateTime).not.toBeNull();
		expect(deleted.body.content).toBe('');
		expect((await post(`${messagePath}/undoSoftDelete`, integration, undefined)).status).toBe(204);
		expect((await get(messagePath, integration)).json).toMatchObject({ deletedDateTime: null, body: { content: 'final' } });
		expect((await post(`${messagePath}/softDelete`, app, undefined)).status).toBe(403);
	});

	it('announces created, updated and deleted messages as change events', async () => {
		const events: ChangeEvent[] = [];
		const listener = (event: ChangeEvent) => events.push(event);
		emulator.events.on('change', listener);
		const path = channelPath(SEED_CHANNELS.salesGeneral);
		const created = await post(path, integration, { body: { content: 'watched' } });
		await emulatorRequest(url(`${path}/${created.json.id}`), { method: 'PATCH', token: integration, json: { body: { content: 'edited' } } });
		await post(`${path}/${created.json.id}/softDelete`, integration, undefined);
		emulator.events.off('change', listener);
		const mine = events.filter((event) => event.resourceData.id === created.json.id);
		expect(mine.map((event) => event.changeType)).toEqual(['created', 'updated', 'deleted']);
		expect(mine[0].subscriptionResources).toContain(`/teams/${SEED_TEAMS.sales.id}/channels/${SEED_CHANNELS.salesGeneral.id}/messages`.toLowerCase());
	});
});

describe('teams, channels and members', () => {
	it('lists joined teams and the channels a member may see', async () => {
		const joined = await get('/me/joinedTeams', integration);
		expect(joined.json.value.map((team: { displayName: string }) => team.displayName).sort()).toEqual(['Engineering', 'Sales']);
		const channels = await get(`/teams/${SEED_TEAMS.sales.id}/channels`, integration);
		expect(channels.json.value.map((channel: { displayName: string }) => channel.displayName).sort()).toEqual(['Deals', 'General', 'Partners']);
		expect((await get(`/teams/${SEED_TEAMS.marketing.id}`, integration)).status).toBe(403);
		expect((await get('/teams', app)).json.value).toHaveLength(3);
	});

	it('lists team members and private-channel members', async () => {
		const team = await get(`/teams/${SEED_TEAMS.sales.id}/members`, integration);
		expect(team.json.value.map((member: { userId: string }) => member.userId)).toContain(SEED_USERS.integration.id);
		const channel = await get(`/teams/${SEED_TEAMS.sales.id}/channels/${encodeURIComponent(SEED_CHANNELS.salesPartners.id)}/members`, integration);
		expect(channel.json.value.map((member: { userId: string }) => member.userId)).not.toContain(SEED_USERS.adele.id);
	});
});

describe('chats', () => {
	const bind = (id: string) => ({ '@odata.type': '#microsoft.graph.aadUserConversationMember', roles: ['owner'], 'user@odata.bind': `https://graph.microsoft.com/v1.0/users('${id}')` });

	it('returns the existing 1:1 chat instead of creating another, and creates group chats', async () => {
		const existing = await post('/chats', integration, { chatType: 'oneOnOne', members: [bind(SEED_USERS.integration.id), bind(SEED_USERS.adele.id)] });
		expect(existing.status).toBe(201);
		expect(existing.json.id).toBe(SEED_CHATS.adeleIntegration.id);
		const fresh = await post('/chats', integration, { chatType: 'oneOnOne', members: [bind(SEED_USERS.integration.id), bind(SEED_USERS.diego.upn)] });
		const again = await post('/chats', integration, { chatType: 'oneOnOne', members: [bind(SEED_USERS.diego.id), bind(SEED_USERS.integration.id)] });
		expect(again.json.id).toBe(fresh.json.id);
		const group = await post('/chats', integration, { chatType: 'group', topic: 'Deal', members: [bind(SEED_USERS.integration.id), bind(SEED_USERS.adele.id), bind(SEED_USERS.alex.id)] });
		expect(group.json).toMatchObject({ chatType: 'group', topic: 'Deal' });
		expect((await post('/chats', integration, { chatType: 'group', members: [bind(SEED_USERS.adele.id), bind(SEED_USERS.alex.id), bind(SEED_USERS.diego.id)] })).status).toBe(400);
	});

	it('posts for members only, refuses app-only, lists newest first, soft-deletes through /users/{me}', async () => {
		const path = chatPath(SEED_CHATS.projectFalcon.id);
		expect((await post(chatPath(SEED_CHATS.leadershipSync.id), integration, { body: { content: 'x' } })).status).toBe(403);
		expect((await post(path, app, { body: { content: 'x' } })).status).toBe(403);
		const created = await post(path, integration, { body: { content: 'latest' } });
		expect(created.status).toBe(201);
		expect(created.json.chatId).toBe(SEED_CHATS.projectFalcon.id);
		const list = await get(`${path}?$top=2&$orderby=createdDateTime desc`, integration);
		expect(list.json.value[0].id).toBe(created.json.id);
		const softDelete = `/users/${SEED_USERS.integration.id}/chats/${encodeURIComponent(SEED_CHATS.projectFalcon.id)}/messages/${created.json.id}/softDelete`;
		expect((await post(softDelete, adele, undefined)).status).toBe(403);
		expect((await post(softDelete, integration, undefined)).status).toBe(204);
		expect((await get(`${path}/${created.json.id}`, integration)).json.deletedDateTime).not.toBeNull();
		expect((await get('/chats/19:missing@thread.v2', integration)).status).toBe(404);
	});

	it('lists my chats newest first with members and the last message preview', async () => {
		const created = await post(chatPath(SEED_CHATS.adeleIntegration.id), integration, { body: { content: 'newest' } });
		const chats = await get('/me/chats?$expand=lastMessagePreview', integration);
		expect(chats.json.value[0]).toMatchObject({ id: SEED_CHATS.adeleIntegration.id, lastMessagePreview: { id: created.json.id, body: { content: 'newest' } } });
		const withMembers = await get('/me/chats?$expand=members', integration);
		expect(withMembers.json.value.map((chat: { id: string }) => chat.id)).not.toContain(SEED_CHATS.leadershipSync.id);
		expect(withMembers.json.value[0].members.length).toBeGreaterThan(1);
	});

	it('answers an expired token on posting with 403 InvalidAuthenticationToken', async () => {
		emulator.tokens.expireAll();
		const response = await post(chatPath(SEED_CHATS.projectFalcon.id), integration, { body: { content: 'x' } });
		expect(response.status).toBe(403);
		expect(response.json.error.code).toBe('InvalidAuthenticationToken');
	});
});
