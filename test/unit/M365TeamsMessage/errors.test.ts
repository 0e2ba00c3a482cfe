import { notMemberMessage, notSignedInMessage } from '../../../nodes/M365TeamsMessage/helpers/errors';

describe('error texts', () => {
	it('names the account and the team and says how to add it', () => {
		expect(notMemberMessage('bot@contoso.com', { kind: 'team', teamName: 'Sales' })).toBe(
			"The integration account bot@contoso.com is not a member of team 'Sales'. Add it in Teams: team > Manage team > Members > Add member (for private channels add it to the channel too).",
		);
		expect(notMemberMessage('bot@contoso.com', { kind: 'privateChannel', teamName: 'Sales', channelName: 'Deals' })).toContain(
			"private channel 'Deals'",
		);
		expect(notMemberMessage('bot@contoso.com', { kind: 'chat' })).toContain('not a member of this chat');
	});

	it('says to connect the credential again', () => {
		expect(notSignedInMessage('Teams bot')).toBe(
			"The integration account is not signed in: open credential 'Teams bot' and click Connect again.",
		);
	});
});
