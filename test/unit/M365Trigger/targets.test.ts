import { PRESENCE_IDS_PER_SUBSCRIPTION, TargetSelectionError, planTargets } from '../../../nodes/M365Trigger/targets';

describe('planTargets', () => {
	it('watches one channel with one subscription on its messages', () => {
		expect(
			planTargets({
				event: 'newChannelMessage',
				credentialType: 'm365IntegrationAccountOAuth2Api',
				channelScope: 'channel',
				teamId: 't1',
				channelIds: ['19:c1@thread.tacv2'],
			}),
		).toEqual([
			{
				key: 'channel:t1:19:c1@thread.tacv2',
				kind: 'channelMessages',
				resource: '/teams/t1/channels/19:c1@thread.tacv2/messages',
				changeType: 'created',
				teamId: 't1',
				channelId: '19:c1@thread.tacv2',
			},
		]);
	});

	it('watches every channel of a team with one subscription per channel, without duplicates', () => {
		const targets = planTargets({
			event: 'newChannelReply',
			credentialType: 'm365TenantAppApi',
			channelScope: 'team',
			teamId: 't1',
			channelIds: ['a', 'b', 'a'],
		});
		expect(targets.map((t) => t.resource)).toEqual([
			'/teams/t1/channels/a/messages',
			'/teams/t1/channels/b/messages',
		]);
	});

	it('uses /teams/getAllMessages for all teams, and only with the tenant app', () => {
		expect(
			planTargets({ event: 'newChannelMessage', credentialType: 'm365TenantAppApi', channelScope: 'tenant' }),
		).toMatchObject([{ kind: 'allChannelMessages', resource: '/teams/getAllMessages' }]);
		expect(() =>
			planTargets({
				event: 'newChannelMessage',
				credentialType: 'm365IntegrationAccountOAuth2Api',
				channelScope: 'tenant',
			}),
		).toThrow(/Tenant App credential/);
	});

	it('maps chat scopes to chat, user and tenant resources', () => {
		const base = { event: 'newChatMessage' as const, credentialType: 'm365TenantAppApi' as const };
		expect(planTargets({ ...base, chatScope: 'chat', chatId: '19:x@thread.v2' })[0].resource).toBe(
			'/chats/19:x@thread.v2/messages',
		);
		expect(planTargets({ ...base, chatScope: 'user', chatUserId: 'u1' })[0].resource).toBe(
			'/users/u1/chats/getAllMessages',
		);
		expect(planTargets({ ...base, chatScope: 'tenant' })[0].resource).toBe('/chats/getAllMessages');
		expect(() =>
			planTargets({ ...base, credentialType: 'm365IntegrationAccountOAuth2Api', chatScope: 'tenant' }),
		).toThrow(TargetSelectionError);
	});

	it('watches the inbox, all mail or one folder of each mailbox', () => {
		const base = { event: 'newMail' as const, credentialType: 'm365TenantAppApi' as const };
		expect(planTargets({ ...base, mailboxes: ['a@x.com', ' b@x.com ', 'a@x.com'] }).map((t) => t.resource)).toEqual([
			"/users/a@x.com/mailFolders('inbox')/messages",
			"/users/b@x.com/mailFolders('inbox')/messages",
		]);
		expect(planTargets({ ...base, mailboxes: ['a@x.com'], mailFolder: 'all' })[0].resource).toBe(
			'/users/a@x.com/messages',
		);
		expect(planTargets({ ...base, mailboxes: ['a@x.com'], mailFolder: 'AAMkF1' })[0].resource).toBe(
			"/users/a@x.com/mailFolders('AAMkF1')/messages",
		);
		expect(() => planTargets({ ...base, mailboxes: [] })).toThrow(/Mailboxes/);
	});

	it('splits presence users into subscriptions of at most 650 ids', () => {
		const userIds = Array.from({ length: PRESENCE_IDS_PER_SUBSCRIPTION + 2 }, (_, i) => `u${i}`);
		const targets = planTargets({ event: 'presenceChanged', credentialType: 'm365TenantAppApi', userIds });
		expect(targets).toHaveLength(2);
		expect(targets[0].userIds).toHaveLength(PRESENCE_IDS_PER_SUBSCRIPTION);
		expect(targets[1].resource).toBe("/communications/presences?$filter=id in ('u650','u651')");
		expect(targets[1].changeType).toBe('updated');
	});

	it('names the missing field', () => {
		expect(() =>
			planTargets({ event: 'newChannelMessage', credentialType: 'm365TenantAppApi', channelScope: 'channel', teamId: 't' }),
		).toThrow(/Channel/);
		expect(() => planTargets({ event: 'newChatMessage', credentialType: 'm365TenantAppApi', chatScope: 'chat' })).toThrow(
			/"Chat"/,
		);
	});
});
