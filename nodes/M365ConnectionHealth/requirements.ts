/**
 * What each feature of this package needs from Entra ID, and which of it a token was granted. Each requirement
 * lists alternatives: any one of them suffices (a broader permission covers a narrower one).
 */
export type PermissionKind = 'application' | 'delegated';

export interface Requirement {
	/** What breaks without it. */
	purpose: string;
	anyOf: string[];
	/** Optional parts of a feature give a warning, not an error, when missing. */
	optional?: boolean;
}

export interface Feature {
	key: string;
	name: string;
	application: Requirement[];
	delegated: Requirement[];
}

const USER_READ = ['User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'];

export const FEATURES: Feature[] = [
	{
		key: 'teamsMessaging',
		name: 'Teams messages',
		application: [],
		delegated: [
			{ purpose: 'post and reply in channels', anyOf: ['ChannelMessage.Send', 'Group.ReadWrite.All'] },
			{ purpose: 'post, edit and read chat messages', anyOf: ['Chat.ReadWrite', 'ChatMessage.Send'] },
			{ purpose: 'find or create chats', anyOf: ['Chat.Create', 'Chat.ReadWrite'] },
			{ purpose: 'edit and delete channel messages', anyOf: ['ChannelMessage.ReadWrite', 'Group.ReadWrite.All'], optional: true },
			{ purpose: 'check team membership', anyOf: ['TeamMember.Read.All', 'TeamMember.ReadWrite.All', 'Group.Read.All'], optional: true },
			{ purpose: 'check private channel membership', anyOf: ['ChannelMember.Read.All', 'ChannelMember.ReadWrite.All'], optional: true },
			{ purpose: 'resolve @mentions by UPN or email', anyOf: ['User.ReadBasic.All', 'User.Read.All'], optional: true },
		],
	},
	{
		key: 'guestSync',
		name: 'Guest user sync',
		application: [
			{ purpose: 'find existing users by email', anyOf: USER_READ },
			{ purpose: 'invite guests', anyOf: ['User.Invite.All', 'User.ReadWrite.All', 'Directory.ReadWrite.All'] },
			{ purpose: 'update and remove guests', anyOf: ['User.ReadWrite.All', 'Directory.ReadWrite.All'] },
			{ purpose: 'add guests to teams', anyOf: ['TeamMember.ReadWrite.All', 'Group.ReadWrite.All'], optional: true },
		],
		delegated: [],
	},
	{
		key: 'presence',
		name: 'Presence',
		application: [
			{ purpose: 'read presence', anyOf: ['Presence.Read.All', 'Presence.ReadWrite.All'] },
			{ purpose: 'resolve and list users', anyOf: USER_READ },
			{ purpose: 'set presence and sync to Teams', anyOf: ['Presence.ReadWrite.All'], optional: true },
		],
		delegated: [{ purpose: 'read presence', anyOf: ['Presence.Read.All', 'Presence.ReadWrite'] }],
	},
	{
		key: 'mailboxPolling',
		name: 'Outlook mailbox polling',
		application: [
			{ purpose: 'read mail', anyOf: ['Mail.Read', 'Mail.ReadWrite'] },
			{ purpose: 'list all mailboxes of the organisation', anyOf: USER_READ, optional: true },
		],
		delegated: [
			{ purpose: 'read its own mail', anyOf: ['Mail.Read', 'Mail.ReadWrite'] },
			{ purpose: 'read shared mailboxes', anyOf: ['Mail.Read.Shared', 'Mail.ReadWrite.Shared'], optional: true },
		],
	},
	{
		key: 'eventTriggers',
		name: 'Event triggers',
		application: [
			{ purpose: 'channel message events', anyOf: ['ChannelMessage.Read.All'], optional: true },
			{ purpose: 'chat message events', anyOf: ['Chat.Read.All', 'Chat.ReadWrite.All', 'ChatMessage.Read.All'], optional: true },
			{ purpose: 'mail events', anyOf: ['Mail.Read', 'Mail.ReadWrite'], optional: true },
			{ purpose: 'presence events', anyOf: ['Presence.Read.All', 'Presence.ReadWrite.All'], optional: true },
		],
		delegated: [
			{ purpose: 'channel message events', anyOf: ['ChannelMessage.Read.All'], optional: true },
			{ purpose: 'chat message events', anyOf: ['Chat.ReadWrite', 'Chat.Read'], optional: true },
		],
	},
	{
		key: 'health',
		name: 'Connection health',
		application: [
			{ purpose: "read the app registration's secret and certificate expiry", anyOf: ['Application.Read.All', 'Application.ReadWrite.All', 'Application.ReadWrite.OwnedBy'], optional: true },
		],
		delegated: [],
	},
];

export interface RequirementResult {
	feature: string;
	purpose: string;
	missing: boolean;
	optional: boolean;
	anyOf: string[];
}

/** Compares granted permissions with what the chosen features need; pure. */
export function evaluateRequirements(granted: string[], kind: PermissionKind, featureKeys: string[]): RequirementResult[] {
	const have = new Set(granted.map((p) => p.toLowerCase()));
	const results: RequirementResult[] = [];
	for (const feature of FEATURES.filter((f) => featureKeys.includes(f.key))) {
		for (const requirement of feature[kind]) {
			results.push({
				feature: feature.name,
				purpose: requirement.purpose,
				missing: !requirement.anyOf.some((p) => have.has(p.toLowerCase())),
				optional: requirement.optional === true,
				anyOf: requirement.anyOf,
			});
		}
	}
	return results;
}
