import { createClock } from '../../emulator/clock';
import { type ChangeEvent, createEvents, normalizeResourcePath } from '../../emulator/events';
import { defaultTenant, SEED_CHANNELS, SEED_CHATS, SEED_USERS, TenantState } from '../../emulator';
import { buildChatMessage, buildMailMessage } from '../../emulator/state/builders';

function setup() {
	const events = createEvents();
	const clock = createClock();
	clock.freeze('2026-11-23T10:00:00Z');
	const state = new TenantState(defaultTenant(), clock, events);
	const changes: ChangeEvent[] = [];
	events.on('change', (e) => changes.push(e));
	return { state, changes };
}

describe('TenantState', () => {
	it('finds users by id or UPN, case-insensitively, and follows UPN changes', () => {
		const { state } = setup();
		expect(state.user(SEED_USERS.adele.upn.toUpperCase())?.user.id).toBe(SEED_USERS.adele.id);
		state.updateUser(SEED_USERS.adele.id, { userPrincipalName: 'adele.vance@contoso.com' });
		expect(state.user('adele.vance@contoso.com')?.user.id).toBe(SEED_USERS.adele.id);
		expect(state.user(SEED_USERS.adele.upn)).toBeUndefined();
	});

	it('matches the tenant by GUID or any verified domain', () => {
		const { state } = setup();
		expect(state.matchesTenant(state.tenantId.toUpperCase())).toBe(true);
		expect(state.matchesTenant('Contoso.com')).toBe(true);
		expect(state.matchesTenant('fabrikam.com')).toBe(false);
	});

	it('announces mail changes with every subscription resource they fall under', () => {
		const { state, changes } = setup();
		const mailbox = state.mailbox(SEED_USERS.support.id)!;
		const owner = state.user(SEED_USERS.support.id)!;
		const message = buildMailMessage({ mailbox, owner, folder: 'inbox', subject: 'New', from: { name: 'X', address: 'x@y.z' }, receivedDateTime: '2026-11-23T10:00:00Z', bodyText: 'b' });
		state.addMailMessage(SEED_USERS.support.id, message);
		expect(changes).toHaveLength(1);
		expect(changes[0]).toMatchObject({ changeType: 'created', resource: `Users/${SEED_USERS.support.id}/Messages/${message.id}`, occurredDateTime: '2026-11-23T10:00:00.000Z' });
		for (const subscription of [`/users/${SEED_USERS.support.id}/messages`, `/users('${SEED_USERS.support.upn}')/mailFolders('Inbox')/messages`, `me/mailfolders/${message.parentFolderId}/messages`]) {
			const normalised = normalizeResourcePath(subscription.replace(/^me\//, `/users/${SEED_USERS.support.id}/`));
			expect(changes[0].subscriptionResources).toContain(normalised);
		}
		const archive = state.mailFolder(SEED_USERS.support.id, 'archive')!;
		state.updateMailMessage(SEED_USERS.support.id, message.id, { parentFolderId: archive.folder.id });
		expect(changes.slice(1).map((c) => c.changeType)).toEqual(['deleted', 'created']);
		expect(changes[2].subscriptionResources).toContain(`/users/${SEED_USERS.support.id}/mailfolders/archive/messages`);
	});

	it('announces channel and chat messages, replies and soft deletes', () => {
		const { state, changes } = setup();
		const c = SEED_CHANNELS.salesGeneral;
		const author = state.user(SEED_USERS.integration.id)!;
		const top = state.addChannelMessage(c.teamId, c.id, buildChatMessage({ createdDateTime: '2026-11-23T10:00:00Z', from: author, content: 'hi', channel: { teamId: c.teamId, channelId: c.id } }));
		const reply = state.addChannelMessage(c.teamId, c.id, buildChatMessage({ createdDateTime: '2026-11-23T10:01:00Z', from: author, content: 're', channel: { teamId: c.teamId, channelId: c.id }, replyToId: top.id }));
		state.updateChannelMessage(c.teamId, c.id, top.id, { deletedDateTime: '2026-11-23T10:02:00Z' });
		state.addChatMessage(SEED_CHATS.projectFalcon.id, buildChatMessage({ createdDateTime: '2026-11-23T10:03:00Z', from: author, content: 'x', chatId: SEED_CHATS.projectFalcon.id }));
		expect(changes.map((e) => `${e.changeType} ${e.resource}`)).toEqual([
			`created teams('${c.teamId}')/channels('${c.id}')/messages('${top.id}')`,
			`created teams('${c.teamId}')/channels('${c.id}')/messages('${top.id}')/replies('${reply.id}')`,
			`deleted teams('${c.teamId}')/channels('${c.id}')/messages('${top.id}')`,
			expect.stringMatching(/^created chats\('19:.+@thread\.v2'\)\/messages\('\d+'\)$/),
		]);
		expect(changes[0].subscriptionResources).toEqual([`/teams/${c.teamId}/channels/${c.id}/messages`.toLowerCase(), '/teams/getallmessages']);
		expect(changes[3].subscriptionResources).toContain('/chats/getallmessages');
	});

	it('announces presence and user changes; standard channels share the team members', () => {
		const { state, changes } = setup();
		state.setPresence(SEED_USERS.alex.id, { presence: { id: SEED_USERS.alex.id, availability: 'Away', activity: 'Away' }, sessions: [] });
		state.deleteUser(SEED_USERS.pradeep.id);
		expect(changes.map((e) => e.resource)).toEqual([`communications/presences('${SEED_USERS.alex.id}')`, `Users/${SEED_USERS.pradeep.id}`]);
		const general = state.channel(SEED_CHANNELS.salesGeneral.teamId, SEED_CHANNELS.salesGeneral.id)!;
		expect(state.channelMembers(general)).toBe(state.team(SEED_CHANNELS.salesGeneral.teamId)!.members);
		expect(state.channel(SEED_CHANNELS.engineeringGeneral.teamId, SEED_CHANNELS.salesGeneral.id)).toBeUndefined();
	});

	it('keeps area state until the tenant is replaced, and grants/revokes consent', () => {
		const { state } = setup();
		state.area('delta', () => ({ tokens: [1] })).tokens.push(2);
		expect(state.area('delta', () => ({ tokens: [] as number[] })).tokens).toEqual([1, 2]);
		state.replace(defaultTenant());
		expect(state.area('delta', () => ({ tokens: [] as number[] })).tokens).toEqual([]);
		const appId = state.data.applications[Object.keys(state.data.applications)[2]].application.appId;
		state.grantAppRoles(appId, ['User.Read.All']);
		expect(state.app(appId)?.grantedAppRoles).toEqual(['User.Read.All']);
		state.revokeAppRoles(appId);
		expect(state.app(appId)?.grantedAppRoles).toEqual([]);
	});
});

describe('normalizeResourcePath', () => {
	it('strips host, version and query and turns key syntax into segments', () => {
		expect(normalizeResourcePath("https://graph.microsoft.com/v1.0/Users('A@b.com')/mailFolders('Inbox')/messages?$select=id")).toBe('/users/a@b.com/mailfolders/inbox/messages');
		expect(normalizeResourcePath("communications/presences?$filter=id in ('x')")).toBe('/communications/presences');
		expect(normalizeResourcePath('/teams/T/channels/19:abc@thread.tacv2/messages/')).toBe('/teams/t/channels/19:abc@thread.tacv2/messages');
	});
});

describe('TenantState mail index', () => {
	it('lists a folder by time from its index, following adds, moves, time changes and deletes', () => {
		const { state } = setup();
		const userId = SEED_USERS.support.id;
		const mailbox = state.mailbox(userId)!;
		const owner = state.user(userId)!;
		const inbox = state.mailFolder(userId, 'inbox')!.folder.id;
		const archive = state.mailFolder(userId, 'archive')!.folder.id;
		const scan = (folderId: string, from: number) =>
			mailbox.messages
				.filter((m) => m.parentFolderId === folderId && Date.parse(m.receivedDateTime!) >= from)
				.sort((a, b) => Date.parse(a.receivedDateTime!) - Date.parse(b.receivedDateTime!))
				.map((m) => m.id);
		const from = Date.parse('2026-11-23T09:00:00Z');
		const add = (minute: number, subject: string) =>
			state.addMailMessage(userId, buildMailMessage({ mailbox, owner, folder: 'inbox', subject, from: { name: 'X', address: 'x@y.z' }, receivedDateTime: `2026-11-23T09:${String(minute).padStart(2, '0')}:00Z`, bodyText: 'b' }));
		expect(state.mailIndex.receivedFrom(mailbox, inbox, from, false).map((m) => m.id)).toEqual(scan(inbox, from));
		const late = add(30, 'late');
		const early = add(5, 'early');
		const same = add(30, 'same second, arrived later');
		expect(state.mailIndex.receivedFrom(mailbox, inbox, from, false).map((m) => m.id)).toEqual(scan(inbox, from));
		expect(state.mailIndex.receivedFrom(mailbox, inbox, Date.parse('2026-11-23T09:30:00Z'), false).map((m) => m.id)).toEqual([late.id, same.id]);
		expect(state.mailIndex.receivedFrom(mailbox, inbox, Date.parse('2026-11-23T09:30:00Z'), true)).toEqual([]);
		state.updateMailMessage(userId, late.id, { parentFolderId: archive });
		state.updateMailMessage(userId, early.id, { receivedDateTime: '2026-11-23T09:45:00Z' });
		state.deleteMailMessage(userId, same.id);
		expect(state.mailIndex.receivedFrom(mailbox, inbox, from, false).map((m) => m.id)).toEqual(scan(inbox, from));
		expect(state.mailIndex.inFolder(mailbox, archive).map((m) => m.id)).toContain(late.id);
		expect(state.mailIndex.inFolder(mailbox, inbox).map((m) => m.id)).not.toContain(late.id);
	});
});
