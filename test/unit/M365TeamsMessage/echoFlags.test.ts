import { echoFlags, rememberPostedByThisPackage } from '../../../nodes/shared/teamsEcho';

const message = (id: string, authorId: string, displayName = 'Someone') => ({ id, from: { user: { id: authorId, displayName } } });

describe('echoFlags', () => {
	it('compares the author with the integration account by id, never by name', () => {
		expect(echoFlags(message('1', 'IA-ID'), 'ia-id')).toEqual({ postedByThisPackage: true, postedByIntegrationAccount: true });
		expect(echoFlags(message('2', 'megan', 'Integration Account'), 'ia-id')).toEqual({ postedByThisPackage: false, postedByIntegrationAccount: false });
		expect(echoFlags({ id: '3', from: null }, 'ia-id')).toEqual({ postedByThisPackage: false, postedByIntegrationAccount: false });
	});

	it('knows the messages this process posted as a sender, and says null when the integration account is unknown', () => {
		rememberPostedByThisPackage('4');
		expect(echoFlags(message('4', 'adele'), 'ia-id')).toEqual({ postedByThisPackage: true, postedByIntegrationAccount: false });
		expect(echoFlags(message('5', 'adele'), undefined)).toEqual({ postedByThisPackage: false, postedByIntegrationAccount: null });
	});
});
