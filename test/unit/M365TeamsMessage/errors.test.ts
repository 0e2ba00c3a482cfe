import { notMemberMessage, notSignedInMessage } from '../../../nodes/M365TeamsMessage/helpers/errors';
import { senderWording } from '../../../nodes/M365TeamsMessage/senderCredentialTest';

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

describe('sender credential test wording', () => {
	it('speaks of the sender, not the integration account', () => {
		expect(senderWording('The integration account is not signed in: click Connect and sign in as the integration account.')).toBe(
			'The sender is not signed in: click Connect and sign in as the person messages should come from.',
		);
		expect(senderWording('Signed in as Adele Vance (adele@contoso.com) in tenant x, with a Teams licence (SPE_E3).')).toBe(
			'Signed in as Adele Vance (adele@contoso.com) in tenant x, with a Teams licence (SPE_E3).',
		);
	});
});
