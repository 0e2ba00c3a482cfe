/**
 * Teams' protected APIs (https://learn.microsoft.com/en-us/graph/teams-protected-apis): with application permissions,
 * listing and getting channel messages, replies and chat messages need Microsoft's approval besides admin consent.
 * Without it Graph answers 403 "Invoked API requires Protected API access in application-only context ...".
 */
export const PROTECTED_API_REQUEST_FORM = 'https://aka.ms/teamsgraph/requestaccess';

export function isProtectedApiDenial(failure: { status?: number; message?: string }): boolean {
	return failure.status === 403 && /Protected API access/i.test(failure.message ?? '');
}

export const PROTECTED_API_FIX =
	"Microsoft has not approved this app for Teams' protected APIs: with application permissions, reading channel and chat messages needs Microsoft's approval besides admin consent. " +
	`Request it with Microsoft's form (${PROTECTED_API_REQUEST_FORM}; Microsoft reviews requests weekly), ` +
	'or choose the Integration Account credential (on the triggers also "Tenant App, Teams Messages Read by the Integration Account"): delegated reads need no approval (the account must be a member of the team, channel or chat).';
