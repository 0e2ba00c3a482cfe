import { describeFailure, invitationBody, toDirectoryUser } from '../../../nodes/M365GuestSync/directory';
import { inviteFailure, teamAddFailure, userWriteFailure } from '../../../nodes/M365GuestSync/failures';
import { defaultMarkerAttribute, isMarkerAttribute } from '../../../nodes/M365GuestSync/marker';
import type { BatchResponseItem } from '../../../nodes/shared/transport';

function failed(status: number, code: string, message: string): BatchResponseItem {
	return { id: '1', status, headers: {}, body: { error: { code, message } }, error: { code, message } };
}

describe('invitationBody', () => {
	it('sends only what is set, as Graph names it', () => {
		expect(invitationBody('ada@partner.example', undefined, { inviteRedirectUrl: 'https://teams.microsoft.com', sendInvitationMessage: false })).toEqual({
			invitedUserEmailAddress: 'ada@partner.example',
			inviteRedirectUrl: 'https://teams.microsoft.com',
			sendInvitationMessage: false,
			invitedUserType: 'Guest',
		});
		expect(
			invitationBody('ada@partner.example', 'Ada', {
				inviteRedirectUrl: 'https://x.example',
				sendInvitationMessage: true,
				customizedMessageBody: 'Welcome',
				messageLanguage: 'de-DE',
				ccRecipients: ['it@contoso.com'],
			}),
		).toMatchObject({
			invitedUserDisplayName: 'Ada',
			invitedUserMessageInfo: { customizedMessageBody: 'Welcome', messageLanguage: 'de-DE', ccRecipients: [{ emailAddress: { address: 'it@contoso.com' } }] },
		});
	});
});

describe('toDirectoryUser', () => {
	it('reads the marker from the extension attribute and fills absent fields with null', () => {
		const marker = defaultMarkerAttribute('3B8F7E2A-5C4D-4A1B-8E9F-0A1B2C3D4E5F');
		expect(marker).toBe('extension_3b8f7e2a5c4d4a1b8e9f0a1b2c3d4e5f_m365GuestSyncSource');
		expect(isMarkerAttribute(marker)).toBe(true);
		expect(isMarkerAttribute('extension_x_y')).toBe(false);
		expect(toDirectoryUser({ id: 'u1', [marker]: 'slack' }, marker)).toEqual({
			id: 'u1',
			displayName: null,
			mail: null,
			otherMails: [],
			userPrincipalName: null,
			userType: null,
			accountEnabled: null,
			companyName: null,
			jobTitle: null,
			marker: 'slack',
		});
	});
});

describe('failure messages', () => {
	it('name Graph code and message', () => {
		expect(describeFailure(failed(400, 'BadRequest', 'Nope'))).toBe('BadRequest: Nope');
	});

	it('say the fix for a refused invitation', () => {
		expect(inviteFailure(failed(403, 'Authorization_RequestDenied', 'Insufficient privileges'))).toContain('User.Invite.All');
		expect(inviteFailure(failed(400, 'Request_BadRequest', 'Your organization does not allow collaboration with the domain of the user.'))).toContain('Collaboration restrictions');
		expect(inviteFailure(failed(400, 'BadRequest', 'The invited user already exists in the directory as object ID: x.'))).toContain('members are never invited');
		expect(inviteFailure({ id: '1', status: 0, headers: {}, body: undefined })).toContain('run the sync again');
	});

	it('say the fix for user and team writes', () => {
		expect(userWriteFailure(failed(403, 'Authorization_RequestDenied', 'x'), 'update the guest')).toContain('User.ReadWrite.All');
		expect(userWriteFailure(failed(400, 'Request_BadRequest', "Property 'extension_1_x' does not exist"), 'mark the guest')).toContain('extensionProperties');
		expect(teamAddFailure(failed(403, 'Forbidden', 'x'), 't1')).toContain('TeamMember.ReadWrite.All');
		expect(teamAddFailure(failed(404, 'NotFound', 'x'), 't1')).toContain('for a disabled guest');
	});
});
