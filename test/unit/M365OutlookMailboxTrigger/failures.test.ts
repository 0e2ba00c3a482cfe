import { classifyFailure, isAccessPolicyRefusal } from '../../../nodes/M365OutlookMailboxTrigger/failures';

const appOnly = {
	mailbox: 'sales@contoso.com',
	folder: 'inbox',
	appOnly: true,
	adminConsentUrl: 'https://login.microsoftonline.com/tenant-1/adminconsent?client_id=app-1',
};
const POLICY = 'Access to OData is disabled: [RAOP] : Blocked by tenant configured AppOnly AccessPolicy settings.';

describe('classifyFailure', () => {
	it('treats 410 and sync-state codes as a resync', () => {
		expect(classifyFailure({ status: 410, code: 'SyncStateNotFound' }, appOnly).kind).toBe('resync');
		expect(classifyFailure({ status: 400, code: 'syncStateInvalid' }, appOnly).kind).toBe('resync');
	});

	it('names the mailbox an application access policy refuses', () => {
		expect(isAccessPolicyRefusal({ status: 403, message: POLICY })).toBe(true);
		const failure = classifyFailure({ status: 403, code: 'ErrorAccessDenied', message: POLICY }, appOnly);
		expect(failure.kind).toBe('accessPolicy');
		expect(failure.message).toContain('"sales@contoso.com"');
	});

	it('names the mailbox outside an Exchange RBAC for Applications scope, not missing consent', () => {
		const rbac = { status: 403, code: 'ExtensionError', message: 'Access is denied. Check credentials and try again.' };
		expect(isAccessPolicyRefusal(rbac)).toBe(true);
		const failure = classifyFailure(rbac, appOnly);
		expect(failure.kind).toBe('accessPolicy');
		expect(failure.message).toBe('Mailbox "sales@contoso.com" is outside this app\'s scope (Exchange RBAC for Applications)');
		expect(failure.description).toContain('Test-ServicePrincipalAuthorization');
		expect(failure.description).not.toContain('adminconsent');
		expect(classifyFailure({ status: 403, code: 'ErrorAccessDenied', message: POLICY }, appOnly).message).toContain('application access policy');
	});

	it('says admin consent is missing, with the consent URL, when an app may not read mail', () => {
		const failure = classifyFailure({ status: 403, code: 'ErrorAccessDenied', message: 'Access is denied. Check credentials and try again.' }, appOnly);
		expect(failure.kind).toBe('consent');
		expect(failure.message).toMatch(/^Admin consent is missing/);
		expect(failure.description).toContain(appOnly.adminConsentUrl);
	});

	it('explains delegated refusals with the permissions a shared mailbox needs', () => {
		const failure = classifyFailure({ status: 403, code: 'ErrorAccessDenied' }, { ...appOnly, appOnly: false });
		expect(failure.kind).toBe('consent');
		expect(failure.description).toContain('Mail.Read.Shared');
	});

	it('recognises unknown mailboxes and folders', () => {
		expect(classifyFailure({ status: 404, code: 'ErrorInvalidUser' }, appOnly).kind).toBe('notFound');
		expect(classifyFailure({ status: 404, code: 'MailboxNotEnabledForRESTAPI' }, appOnly).kind).toBe('notFound');
	});

	it('leaves anything else as it is', () => {
		expect(classifyFailure({ status: 500, code: 'InternalServerError', message: 'boom' }, appOnly)).toEqual({
			kind: 'other',
			message: 'Reading mailbox "sales@contoso.com" (folder "inbox") failed: 500 InternalServerError',
			description: 'boom',
		});
	});
});
