/**
 * Delegated scopes of the integration account: what messaging, presence and the triggers need, no broader.
 * Each line says which feature needs it, so that removing a feature removes its scope.
 */
export const INTEGRATION_ACCOUNT_SCOPES = [
	'openid',
	'profile',
	'offline_access', // a refresh token, so n8n can keep the account signed in
	'User.Read', // who is signed in, and its licences (credential test, health node)
	'User.ReadBasic.All', // resolve @mentions and chat members by UPN or email
	'Team.ReadBasic.All', // list joined teams (team picker)
	'Channel.ReadBasic.All', // list channels (channel picker)
	'TeamMember.Read.All', // is the account a member of the team
	'ChannelMember.Read.All', // is the account a member of the private channel
	'ChannelMessage.Send', // post and reply in channels
	'ChannelMessage.ReadWrite', // edit and soft-delete its channel messages
	'ChannelMessage.Read.All', // read channel messages, channel-message triggers
	'Chat.Create', // find or create 1:1 and group chats
	'Chat.ReadWrite', // post, edit, delete and read chat messages, chat triggers
	'Presence.Read.All', // read presence, presence triggers
	'Presence.ReadWrite', // set its own presence
	'Mail.Read', // poll its own mailbox
	'Mail.Read.Shared', // poll shared mailboxes it has access to
] as const;
