import { choosePoster, fallBackAfterSenderRefused, isSenderRefusal } from '../../../nodes/M365TeamsMessage/helpers/poster';

const integrationAccount = { userId: 'ia-id', displayName: 'Integration Account' };
const sender = { userId: 'sender-id', displayName: 'Jane Sender', tenantId: 'TENANT-A' };

describe('choosePoster', () => {
	it('posts as the integration account when no sender credential is set', () => {
		const decision = choosePoster({ integrationAccount, targetTenantId: 'tenant-a' });
		expect(decision).toEqual({
			postedAs: { identity: 'integrationAccount', userId: 'ia-id', displayName: 'Integration Account', reason: 'noSenderCredential' },
			attribute: true,
		});
	});

	it('posts as the sender when the sender is in the target tenant (case-insensitive) and a member', () => {
		const decision = choosePoster({ integrationAccount, sender, targetTenantId: 'tenant-a', senderIsMember: true });
		expect(decision).toEqual({
			postedAs: { identity: 'sender', userId: 'sender-id', displayName: 'Jane Sender', reason: 'senderIsMember' },
			attribute: false,
		});
	});

	it('falls back when the sender belongs to another tenant, even if marked member', () => {
		const decision = choosePoster({ integrationAccount, sender, targetTenantId: 'tenant-b', senderIsMember: true });
		expect(decision.postedAs.identity).toBe('integrationAccount');
		expect(decision.postedAs.reason).toBe('senderInOtherTenant');
		expect(decision.attribute).toBe(true);
	});

	it('falls back when the sender is not a member or membership is unknown', () => {
		expect(choosePoster({ integrationAccount, sender, targetTenantId: 'tenant-a', senderIsMember: false }).postedAs.reason).toBe('senderNotMember');
		expect(choosePoster({ integrationAccount, sender, targetTenantId: 'tenant-a' }).postedAs.reason).toBe('senderNotMember');
	});

	it('falls back when the sender credential is not signed in', () => {
		expect(choosePoster({ integrationAccount, sender: 'notSignedIn', targetTenantId: 'tenant-a' }).postedAs.reason).toBe('senderNotSignedIn');
	});
});

describe('fallBackAfterSenderRefused', () => {
	it('says the sender token was refused', () => {
		expect(fallBackAfterSenderRefused(integrationAccount)).toEqual({
			postedAs: { identity: 'integrationAccount', userId: 'ia-id', displayName: 'Integration Account', reason: 'senderTokenRefused' },
			attribute: true,
		});
	});

	it('treats only 401 and 403 as refusals', () => {
		expect(isSenderRefusal(401)).toBe(true);
		expect(isSenderRefusal(403)).toBe(true);
		expect(isSenderRefusal(404)).toBe(false);
		expect(isSenderRefusal(429)).toBe(false);
		expect(isSenderRefusal(undefined)).toBe(false);
	});
});
