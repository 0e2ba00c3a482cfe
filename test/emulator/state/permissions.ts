// The Graph permissions this package needs, as an admin grants them on the app registration.

/** Application permissions (app-only tokens' `roles`). */
export const PACKAGE_APP_ROLES = [
	'User.Read.All',
	'User.ReadWrite.All',
	'User.Invite.All',
	'Directory.Read.All',
	'Organization.Read.All',
	'Application.Read.All',
	'Presence.Read.All',
	'Presence.ReadWrite.All',
	'Mail.Read',
	'Mail.ReadBasic.All',
	'Team.ReadBasic.All',
	'TeamMember.Read.All',
	'Channel.ReadBasic.All',
	'ChannelMember.Read.All',
	'ChannelMessage.Read.All',
	'Chat.Read.All',
	'ChatMember.Read.All',
	'ChatMessage.Read.All',
	'TeamMember.ReadWrite.All',
];

/** OpenID Connect scopes: always consentable, never in an access token's `scp` except offline_access handling. */
export const OIDC_SCOPES = ['openid', 'profile', 'email', 'offline_access'];

/** Delegated permissions (the integration account's `scp`). */
export const PACKAGE_DELEGATED_SCOPES = [
	'User.Read',
	'User.ReadBasic.All',
	'Team.ReadBasic.All',
	'Channel.ReadBasic.All',
	'TeamMember.Read.All',
	'ChannelMember.Read.All',
	'ChannelMessage.Send',
	'ChannelMessage.Read.All',
	'ChannelMessage.ReadWrite',
	'Chat.Create',
	'Chat.Read',
	'Chat.ReadWrite',
	'ChatMessage.Send',
	'ChatMember.Read',
	'Presence.Read',
	'Presence.Read.All',
	'Presence.ReadWrite',
	'Mail.Read',
	'Mail.Read.Shared',
];

/** Delegated scopes only an admin may consent to (the sign-in page refuses them for other users: AADSTS90094). */
export function requiresAdminConsent(scope: string): boolean {
	return /\.All$/i.test(scope) && !/^(User\.ReadBasic\.All|Presence\.Read\.All)$/i.test(scope);
}
