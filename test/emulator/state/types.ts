// The tenant as plain JSON-serialisable records. Graph-facing parts use Graph's own resource types so handlers
// return them as they are; what only Entra or the emulator knows (passwords, secrets, consent, membership of
// private channels) sits beside them, never inside the Graph object.
import type {
	AadUserConversationMember,
	Application,
	Channel,
	Chat,
	ChatMessage,
	Group,
	Invitation,
	LicenseDetails,
	MailFolder,
	Message,
	Organization,
	Presence,
	Subscription,
	Team,
	User,
} from '@microsoft/microsoft-graph-types';

export type Required2<T, K extends keyof T> = T & { [P in K]-?: NonNullable<T[P]> };

export type GraphUser = Required2<User, 'id' | 'displayName' | 'userPrincipalName'>;

export interface UserRecord {
	/** What Graph stores and returns (before $select). */
	user: GraphUser;
	/** Navigation property /users/{id}/licenseDetails. */
	licenseDetails: Array<Required2<LicenseDetails, 'id' | 'skuId' | 'skuPartNumber'>>;
	/** Sign-in page password (members, integration account, shared mailboxes have one even though nobody uses it). */
	password?: string;
	/** The sign-in page answers AADSTS50076 (MFA required) for this user. */
	mfaRequired?: boolean;
	/** Holds an admin role (Global Administrator): may consent to admin-only scopes on the sign-in page. */
	isAdmin?: boolean;
	/** Exchange Online mailbox exists (members with a licence, shared mailboxes). */
	hasMailbox: boolean;
	kind: 'member' | 'guest' | 'sharedMailbox' | 'integrationAccount';
}

export interface AppSecretRecord {
	keyId: string;
	/** The secret value the credential holds. */
	value: string;
}

export interface AppCertificateRecord {
	keyId: string;
	/** Public certificate PEM as uploaded in the portal. */
	certificatePem: string;
}

export interface AppRecord {
	/** Graph's application object (GET /applications); passwordCredentials and keyCredentials carry endDateTime. */
	application: Required2<Application, 'id' | 'appId' | 'displayName'>;
	/** Object id of the app's service principal in this tenant. */
	servicePrincipalId: string;
	secrets: AppSecretRecord[];
	certificates: AppCertificateRecord[];
	/** Application permissions configured on the registration (API permissions page). */
	requiredAppRoles: string[];
	/** Delegated permissions configured on the registration. */
	requiredScopes: string[];
	/** Application permissions an admin consented to: these become the `roles` claim. */
	grantedAppRoles: string[];
	/** Delegated permissions an admin consented to for the whole tenant. */
	grantedScopes: string[];
	/** Delegated permissions individual users consented to. */
	userConsents: Record<string, string[]>;
	/** Web redirect URIs; the authorize endpoint accepts only these. An empty list accepts any (emulator convenience). */
	redirectUris: string[];
	/** Microsoft approved this app for Teams' protected APIs (teams-protected-apis); absent or false for a new app. */
	protectedApiAccess?: boolean;
}

export type ConversationMemberRecord = Required2<AadUserConversationMember, 'id' | 'userId' | 'displayName'> & {
	'@odata.type': '#microsoft.graph.aadUserConversationMember';
};

export type GraphChatMessage = Required2<ChatMessage, 'id'>;

export interface TeamRecord {
	/** The Microsoft 365 group behind the team (resourceProvisioningOptions: ['Team']). */
	group: Required2<Group, 'id' | 'displayName'>;
	team: Required2<Team, 'id' | 'displayName'>;
	members: ConversationMemberRecord[];
}

export interface ChannelRecord {
	teamId: string;
	channel: Required2<Channel, 'id' | 'displayName' | 'membershipType'>;
	/** Members of a private/shared channel; a standard channel's members are the team's. */
	members: ConversationMemberRecord[];
	/** Top-level messages and replies (replies have replyToId). */
	messages: GraphChatMessage[];
}

export interface ChatRecord {
	chat: Required2<Chat, 'id' | 'chatType'>;
	members: ConversationMemberRecord[];
	messages: GraphChatMessage[];
}

export type GraphMailFolder = Required2<MailFolder, 'id' | 'displayName'>;
export type GraphMessage = Required2<Message, 'id' | 'parentFolderId'>;

export interface MailFolderRecord {
	folder: GraphMailFolder;
	/** Graph's well-known name (inbox, sentitems, deleteditems, archive, drafts, junkemail), if it is one. */
	wellKnownName?: string;
}

export interface MailboxRecord {
	folders: MailFolderRecord[];
	messages: GraphMessage[];
}

export interface PresenceSessionRecord {
	/** The application (client) id that set it. */
	sessionId: string;
	availability: string;
	activity: string;
	/** Emulator-clock ISO time the session ends. */
	expiresDateTime: string;
}

export interface PresenceRecord {
	/** What GET /users/{id}/presence returns when no session or preference overrides it. */
	presence: Required2<Presence, 'id' | 'availability' | 'activity'>;
	/** Application presence sessions (setPresence). */
	sessions: PresenceSessionRecord[];
	/** setUserPreferredPresence. */
	preferred?: { availability: string; activity: string; expiresDateTime: string };
}

export type SubscriptionRecord = Required2<Subscription, 'id' | 'resource' | 'changeType' | 'notificationUrl' | 'expirationDateTime'> & {
	/** Emulator bookkeeping kept out of responses by the subscriptions area. */
	emulator?: Record<string, unknown>;
};

export interface TenantInfo {
	id: string;
	displayName: string;
	/** The initial domain, e.g. contoso.onmicrosoft.com. */
	initialDomain: string;
	/** All verified domains, the initial one included; any of them works as the {tenant} path segment. */
	domains: string[];
}

export interface TenantData {
	tenant: TenantInfo;
	organization: Required2<Organization, 'id' | 'displayName'>;
	applications: Record<string, AppRecord>; // by appId (client id)
	users: Record<string, UserRecord>; // by object id
	teams: Record<string, TeamRecord>; // by team (= group) id
	channels: Record<string, ChannelRecord>; // by channel id
	chats: Record<string, ChatRecord>; // by chat id
	presence: Record<string, PresenceRecord>; // by user id
	mailboxes: Record<string, MailboxRecord>; // by user id
	invitations: Record<string, Required2<Invitation, 'id'>>;
	subscriptions: Record<string, SubscriptionRecord>;
	/** Private state of Graph areas (delta tokens, ...), by area name. See TenantState.area(). */
	areas: Record<string, unknown>;
}

/** A seed is a whole tenant. */
export type TenantSeed = TenantData;
