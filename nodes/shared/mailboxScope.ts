/**
 * A 403 that means "this mailbox is outside the app's scope", not "the app lacks consent". Two Exchange features
 * limit an app to some mailboxes:
 * - RBAC for Applications (https://learn.microsoft.com/en-us/exchange/permissions-exo/application-rbac), which
 *   replaces application access policies: a management role assigned to the app's service principal with a
 *   management scope. Microsoft does not document the Graph answer for a mailbox outside the scope; the one
 *   reported from tenants is 403 `ExtensionError` "Access is denied. Check credentials and try again." (also while
 *   Exchange's permission cache, 30 minutes to 2 hours, still holds an older assignment).
 * - the legacy application access policy (New-ApplicationAccessPolicy): 403 `ErrorAccessDenied` "Access to OData
 *   is disabled: [RAOP] : Blocked by tenant configured AppOnly AccessPolicy settings."
 */
export type MailboxScopeKind = 'rbacForApplications' | 'applicationAccessPolicy';

export interface ScopeFailure {
	status?: number;
	code?: string;
	message?: string;
}

export function mailboxScopeRefusal(failure: ScopeFailure): MailboxScopeKind | undefined {
	if (failure.status !== 403) return undefined;
	const message = failure.message ?? '';
	if (/AccessPolicy|\[RAOP\]/i.test(message)) return 'applicationAccessPolicy';
	if (/^ExtensionError$/i.test(failure.code ?? '') && /Access is denied/i.test(message)) return 'rbacForApplications';
	if (/RBAC for Applications|management scope|ManagementScope/i.test(message)) return 'rbacForApplications';
	return undefined;
}

/** What an admin does about it, for either kind. */
export function mailboxScopeFix(mailbox: string, kind: MailboxScopeKind): string {
	return kind === 'rbacForApplications'
		? `Exchange RBAC for Applications limits this app to the mailboxes of its management scope, and "${mailbox}" is not in it. ` +
				'Add the mailbox to the scope (New-ManagementScope / Set-ManagementScope with the role assignment of the app), check it with ' +
				`Test-ServicePrincipalAuthorization -Identity <app> -Resource ${mailbox}, and allow 30 minutes to 2 hours for Exchange's permission cache; or remove the mailbox from this node.`
		: `An Exchange application access policy limits this app, and "${mailbox}" is outside it. Add the mailbox to the mail-enabled security group ` +
				'the policy is limited to (check with Test-ApplicationAccessPolicy), move the app to RBAC for Applications, or remove the mailbox from this node.';
}
