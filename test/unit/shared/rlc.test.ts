import {
	channelRlc,
	chatRlc,
	parseChannelId,
	parseChatId,
	parseTeamId,
	parseUserReference,
	teamRlc,
	userRlc,
} from '../../../nodes/shared/descriptions/rlc';
import { chatDisplayName } from '../../../nodes/shared/listSearch/chats';

const teamId = '61165b04-e4cc-4026-b43f-926b4e2a7182';
const channelId = '19:4a95f7d8db4c4e7fae857bcebe0623e6@thread.tacv2';
const groupChatId = '19:b8577894a63548969c5c92bb9c80c5e1@thread.v2';
const oneOnOneChatId = '19:7e2f1174-e8ee-4859-b8b1-a8d1cc63d276_0c5cfdbb-596f-4d39-b557-5d9516c94107@unq.gbl.spaces';

describe('parseTeamId', () => {
	it('accepts a GUID and the groupId of team and channel links', () => {
		expect(parseTeamId(` ${teamId} `)).toBe(teamId);
		expect(parseTeamId(`https://teams.microsoft.com/l/team/19%3a8a2c%40thread.tacv2/conversations?groupId=${teamId}&tenantId=x`)).toBe(teamId);
		expect(parseTeamId(`https://teams.microsoft.com/l/channel/${encodeURIComponent(channelId)}/General?groupId=${teamId}&tenantId=x`)).toBe(teamId);
	});

	it('refuses anything else', () => {
		expect(parseTeamId('Sales team')).toBeUndefined();
		expect(parseTeamId('https://teams.microsoft.com/l/team/x/conversations?groupId=nope')).toBeUndefined();
		expect(parseTeamId('')).toBeUndefined();
	});
});

describe('parseChannelId', () => {
	it('accepts an id, an encoded id and channel or message links', () => {
		expect(parseChannelId(channelId)).toBe(channelId);
		expect(parseChannelId(encodeURIComponent(channelId))).toBe(channelId);
		expect(parseChannelId(`https://teams.microsoft.com/l/channel/${encodeURIComponent(channelId)}/General?groupId=${teamId}`)).toBe(channelId);
		expect(parseChannelId(`https://teams.microsoft.com/l/message/${encodeURIComponent(channelId)}/1616990032035?groupId=${teamId}`)).toBe(channelId);
	});

	it('refuses chat ids and junk', () => {
		expect(parseChannelId(groupChatId)).toBeUndefined();
		expect(parseChannelId('general')).toBeUndefined();
	});
});

describe('parseChatId', () => {
	it('accepts group and 1:1 chat ids and chat links', () => {
		expect(parseChatId(groupChatId)).toBe(groupChatId);
		expect(parseChatId(oneOnOneChatId)).toBe(oneOnOneChatId);
		expect(parseChatId(`https://teams.microsoft.com/l/chat/${encodeURIComponent(groupChatId)}/0?tenantId=x`)).toBe(groupChatId);
		expect(parseChatId('48:notes')).toBe('48:notes');
	});

	it('refuses malformed chat ids', () => {
		expect(parseChatId('19:abc')).toBeUndefined();
		expect(parseChatId('chat-123')).toBeUndefined();
		expect(parseChatId(channelId)).toBeUndefined();
	});
});

describe('parseUserReference', () => {
	it('accepts object ids, UPNs, emails and guest UPNs', () => {
		expect(parseUserReference(teamId)).toBe(teamId);
		expect(parseUserReference(' jane@contoso.com ')).toBe('jane@contoso.com');
		expect(parseUserReference('ann_fabrikam.com#EXT#@contoso.onmicrosoft.com')).toBe('ann_fabrikam.com#EXT#@contoso.onmicrosoft.com');
		expect(parseUserReference('Jane Doe')).toBeUndefined();
	});
});

describe('locator descriptions', () => {
	it('offer list, id and url/upn modes with the shared search methods', () => {
		const modes = (property: typeof teamRlc) => property.modes?.map((mode) => mode.name);
		expect(modes(teamRlc)).toEqual(['list', 'id', 'url']);
		expect(modes(channelRlc)).toEqual(['list', 'id', 'url']);
		expect(modes(chatRlc)).toEqual(['list', 'id', 'url']);
		expect(modes(userRlc)).toEqual(['list', 'id', 'upn']);
		const searches = [teamRlc, channelRlc, chatRlc, userRlc].map((property) => property.modes?.[0].typeOptions?.searchListMethod);
		expect(searches).toEqual(['searchTeams', 'searchChannels', 'searchChats', 'searchUsers']);
		expect(channelRlc.typeOptions?.loadOptionsDependsOn).toEqual(['teamId.value']);
	});

	it('validate ids with regexes that accept the ids the parsers accept', () => {
		const idRegex = (property: typeof teamRlc) =>
			new RegExp((property.modes?.[1].validation?.[0] as unknown as { properties: { regex: string } }).properties.regex);
		expect(idRegex(teamRlc).test(teamId)).toBe(true);
		expect(idRegex(channelRlc).test(channelId)).toBe(true);
		expect(idRegex(chatRlc).test(oneOnOneChatId)).toBe(true);
		expect(idRegex(chatRlc).test('19:abc')).toBe(false);
	});
});

describe('chatDisplayName', () => {
	it('uses the topic, else the other members', () => {
		expect(chatDisplayName({ id: 'c', topic: 'Deal room', chatType: 'group' })).toBe('Deal room');
		expect(
			chatDisplayName(
				{ id: 'c', topic: null, chatType: 'oneOnOne', members: [{ userId: 'me', displayName: 'Bot' }, { userId: 'u', displayName: 'Jane' }] },
				'me',
			),
		).toBe('Jane (1:1)');
	});
});
