// Small constructors for tenant records, shared by the default seed, the large benchmark tenant and areas that
// create entities (invitations create guests, mail tests add messages).
import { X509Certificate } from 'crypto';

import { channelId as makeChannelId, memberId, outlookId, stableGuid, teamsMessageId } from './ids';
import type {
	AppRecord,
	ChannelRecord,
	ChatRecord,
	ConversationMemberRecord,
	GraphChatMessage,
	GraphMessage,
	MailboxRecord,
	MailFolderRecord,
	PresenceRecord,
	TeamRecord,
	UserRecord,
} from './types';

export const SKUS = {
	/** Microsoft 365 E3: Exchange + Teams. */
	SPE_E3: {
		skuId: '05e9a617-0261-4cee-bb44-138d3ef5d965',
		skuPartNumber: 'SPE_E3',
		servicePlans: [
			{ servicePlanId: '57ff2da0-773e-42df-b2af-ffb7a2317929', servicePlanName: 'TEAMS1', provisioningStatus: 'Success', appliesTo: 'User' },
			{ servicePlanId: 'efb87545-963c-4e0d-99df-69c6916d9eb0', servicePlanName: 'EXCHANGE_S_ENTERPRISE', provisioningStatus: 'Success', appliesTo: 'User' },
			{ servicePlanId: '5dbe027f-2339-4123-9542-606e4d348a72', servicePlanName: 'SHAREPOINTENTERPRISE', provisioningStatus: 'Success', appliesTo: 'User' },
		],
	},
	/** Exchange Online (Plan 1): a mailbox, no Teams. */
	EXCHANGESTANDARD: {
		skuId: '4b9405b0-7788-4568-add1-99614e613b69',
		skuPartNumber: 'EXCHANGESTANDARD',
		servicePlans: [
			{ servicePlanId: '9aaf7827-d63c-4b61-89c3-182f06f82e5c', servicePlanName: 'EXCHANGE_S_STANDARD', provisioningStatus: 'Success', appliesTo: 'User' },
		],
	},
} as const;

export type SkuName = keyof typeof SKUS;

export interface UserSpec {
	id: string;
	displayName: string;
	upn: string;
	kind: UserRecord['kind'];
	password?: string;
	givenName?: string;
	surname?: string;
	jobTitle?: string;
	mail?: string | null;
	otherMails?: string[];
	licences?: SkuName[];
	mfaRequired?: boolean;
	isAdmin?: boolean;
	accountEnabled?: boolean;
	externalUserState?: 'PendingAcceptance' | 'Accepted';
	createdDateTime?: string;
}

/** The service Graph names in assignedPlans for each service plan of the seed's licences. */
const SERVICE_BY_PLAN: Record<string, string> = {
	TEAMS1: 'TeamspaceAPI',
	EXCHANGE_S_ENTERPRISE: 'exchange',
	EXCHANGE_S_STANDARD: 'exchange',
	SHAREPOINTENTERPRISE: 'SharePoint',
};

export function buildUser(spec: UserSpec): UserRecord {
	const licences = spec.licences ?? [];
	const guest = spec.kind === 'guest';
	return {
		user: {
			id: spec.id,
			displayName: spec.displayName,
			givenName: spec.givenName ?? null,
			surname: spec.surname ?? null,
			userPrincipalName: spec.upn,
			mail: spec.mail === undefined ? spec.upn : spec.mail,
			otherMails: spec.otherMails ?? [],
			jobTitle: spec.jobTitle ?? null,
			businessPhones: [],
			mobilePhone: null,
			officeLocation: null,
			preferredLanguage: guest ? null : 'en-US',
			userType: guest ? 'Guest' : 'Member',
			accountEnabled: spec.accountEnabled ?? spec.kind !== 'sharedMailbox',
			createdDateTime: spec.createdDateTime ?? '2024-03-01T09:00:00Z',
			creationType: guest ? 'Invitation' : null,
			externalUserState: guest ? (spec.externalUserState ?? 'Accepted') : null,
			externalUserStateChangeDateTime: guest ? (spec.createdDateTime ?? '2024-03-01T09:00:00Z') : null,
			assignedLicenses: licences.map((name) => ({ skuId: SKUS[name].skuId, disabledPlans: [] })),
			// What Entra derives when a licence is assigned; the licensed-Teams filter ($filter on assignedPlans) reads it.
			assignedPlans: licences.flatMap((name) =>
				SKUS[name].servicePlans.map((plan) => ({
					assignedDateTime: spec.createdDateTime ?? '2024-03-01T09:00:00Z',
					capabilityStatus: 'Enabled',
					service: SERVICE_BY_PLAN[plan.servicePlanName ?? ''] ?? plan.servicePlanName ?? null,
					servicePlanId: plan.servicePlanId ?? null,
				})),
			),
			usageLocation: guest ? null : 'US',
		},
		licenseDetails: licences.map((name) => ({
			id: `${spec.id}_${SKUS[name].skuId}`,
			skuId: SKUS[name].skuId,
			skuPartNumber: SKUS[name].skuPartNumber,
			servicePlans: SKUS[name].servicePlans.map((p) => ({ ...p })),
		})),
		password: spec.password,
		mfaRequired: spec.mfaRequired,
		isAdmin: spec.isAdmin,
		hasMailbox: spec.kind === 'sharedMailbox' || licences.length > 0,
		kind: spec.kind,
	};
}

export interface AppSpec {
	appId: string;
	displayName: string;
	secrets?: Array<{ keyId: string; value: string; displayName: string; startDateTime: string; endDateTime: string }>;
	certificates?: Array<{ keyId: string; certificatePem: string; displayName: string }>;
	requiredAppRoles: string[];
	requiredScopes: string[];
	grantedAppRoles: string[];
	grantedScopes: string[];
	redirectUris?: string[];
}

export function buildApp(spec: AppSpec): AppRecord {
	const certificates = spec.certificates ?? [];
	return {
		application: {
			id: stableGuid(`application:${spec.appId}`),
			appId: spec.appId,
			displayName: spec.displayName,
			signInAudience: 'AzureADMyOrg',
			createdDateTime: '2024-02-01T08:00:00Z',
			passwordCredentials: (spec.secrets ?? []).map((s) => ({
				keyId: s.keyId,
				displayName: s.displayName,
				hint: s.value.slice(0, 3),
				startDateTime: s.startDateTime,
				endDateTime: s.endDateTime,
				secretText: null,
				customKeyIdentifier: null,
			})),
			keyCredentials: certificates.map((c) => {
				const x509 = new X509Certificate(c.certificatePem);
				return {
					keyId: c.keyId,
					displayName: c.displayName,
					type: 'AsymmetricX509Cert',
					usage: 'Verify',
					startDateTime: new Date(x509.validFrom).toISOString(),
					endDateTime: new Date(x509.validTo).toISOString(),
					customKeyIdentifier: x509.fingerprint.replace(/:/g, ''),
					key: null,
				};
			}),
			web: { redirectUris: spec.redirectUris ?? [] },
		},
		servicePrincipalId: stableGuid(`servicePrincipal:${spec.appId}`),
		secrets: (spec.secrets ?? []).map((s) => ({ keyId: s.keyId, value: s.value })),
		certificates: certificates.map((c) => ({ keyId: c.keyId, certificatePem: c.certificatePem })),
		requiredAppRoles: spec.requiredAppRoles,
		requiredScopes: spec.requiredScopes,
		grantedAppRoles: spec.grantedAppRoles,
		grantedScopes: spec.grantedScopes,
		userConsents: {},
		redirectUris: spec.redirectUris ?? [],
	};
}

export function buildMember(containerId: string, user: UserRecord, tenantId: string, roles: string[] = []): ConversationMemberRecord {
	return {
		'@odata.type': '#microsoft.graph.aadUserConversationMember',
		id: memberId(containerId, user.user.id),
		roles: user.kind === 'guest' && !roles.includes('guest') ? [...roles, 'guest'] : roles,
		displayName: user.user.displayName,
		visibleHistoryStartDateTime: '0001-01-01T00:00:00Z',
		userId: user.user.id,
		email: user.user.mail ?? null,
		tenantId,
	};
}

export function buildTeam(id: string, displayName: string, description: string, visibility: 'public' | 'private', tenantId: string, members: Array<[UserRecord, string[]]>): TeamRecord {
	const mailNickname = displayName.replace(/[^A-Za-z0-9]/g, '');
	return {
		group: {
			id,
			displayName,
			description,
			mailNickname,
			mail: `${mailNickname}@${tenantId}`,
			mailEnabled: true,
			securityEnabled: false,
			groupTypes: ['Unified'],
			visibility: visibility === 'public' ? 'Public' : 'Private',
			// Not in the typings, but Graph returns it on groups that are teams.
			...({ resourceProvisioningOptions: ['Team'] } as object),
			createdDateTime: '2024-03-05T10:00:00Z',
		},
		team: {
			id,
			displayName,
			description,
			visibility,
			isArchived: false,
			tenantId,
			createdDateTime: '2024-03-05T10:00:00Z',
			webUrl: `https://teams.microsoft.com/l/team/${encodeURIComponent(makeChannelId(`${id}:General`))}/conversations?groupId=${id}&tenantId=${tenantId}`,
		},
		members: members.map(([user, roles]) => buildMember(id, user, tenantId, roles)),
	};
}

export function buildChannel(
	team: TeamRecord,
	displayName: string,
	membershipType: 'standard' | 'private' | 'shared',
	tenantId: string,
	members: Array<[UserRecord, string[]]> = [],
	id = makeChannelId(`${team.team.id}:${displayName}`),
): ChannelRecord {
	return {
		teamId: team.team.id,
		channel: {
			id,
			displayName,
			description: displayName === 'General' ? null : `${displayName} channel`,
			membershipType,
			createdDateTime: '2024-03-05T10:00:00Z',
			isFavoriteByDefault: displayName === 'General',
			email: '',
			tenantId,
			webUrl: `https://teams.microsoft.com/l/channel/${encodeURIComponent(id)}/${encodeURIComponent(displayName)}?groupId=${team.team.id}&tenantId=${tenantId}`,
		},
		members: members.map(([user, roles]) => buildMember(id, user, tenantId, roles)),
		messages: [],
	};
}

export function buildChat(id: string, chatType: 'oneOnOne' | 'group', topic: string | null, tenantId: string, members: UserRecord[]): ChatRecord {
	return {
		chat: {
			id,
			topic,
			chatType,
			createdDateTime: '2024-04-01T09:00:00Z',
			lastUpdatedDateTime: '2024-04-01T09:00:00Z',
			tenantId,
			webUrl: `https://teams.microsoft.com/l/chat/${encodeURIComponent(id)}/0?tenantId=${tenantId}`,
		},
		members: members.map((user) => buildMember(id, user, tenantId, ['owner'])),
		messages: [],
	};
}

export function buildChatMessage(options: {
	createdDateTime: string;
	from: UserRecord;
	content: string;
	contentType?: 'text' | 'html';
	channel?: { teamId: string; channelId: string };
	chatId?: string;
	replyToId?: string;
	subject?: string | null;
	sequence?: number;
}): GraphChatMessage {
	const id = teamsMessageId(options.createdDateTime, options.sequence);
	return {
		id,
		replyToId: options.replyToId ?? null,
		etag: id,
		messageType: 'message',
		createdDateTime: options.createdDateTime,
		lastModifiedDateTime: options.createdDateTime,
		lastEditedDateTime: null,
		deletedDateTime: null,
		subject: options.subject ?? null,
		summary: null,
		chatId: options.chatId ?? null,
		importance: 'normal',
		locale: 'en-us',
		webUrl: null,
		policyViolation: null,
		eventDetail: null,
		from: {
			application: null,
			device: null,
			user: { '@odata.type': '#microsoft.graph.teamworkUserIdentity', id: options.from.user.id, displayName: options.from.user.displayName, userIdentityType: 'aadUser' },
		},
		body: { contentType: options.contentType ?? 'html', content: options.content },
		channelIdentity: options.channel ? { teamId: options.channel.teamId, channelId: options.channel.channelId } : null,
		attachments: [],
		mentions: [],
		reactions: [],
	} as GraphChatMessage;
}

export const WELL_KNOWN_FOLDERS: Array<[wellKnownName: string, displayName: string]> = [
	['inbox', 'Inbox'],
	['drafts', 'Drafts'],
	['sentitems', 'Sent Items'],
	['deleteditems', 'Deleted Items'],
	['junkemail', 'Junk Email'],
	['archive', 'Archive'],
];

export function buildMailbox(user: UserRecord, customFolders: Array<{ name: string; parent: string }> = []): MailboxRecord {
	const rootId = outlookId('folder', `${user.user.id}:msgfolderroot`);
	const folders: MailFolderRecord[] = WELL_KNOWN_FOLDERS.map(([wellKnownName, displayName]) => ({
		wellKnownName,
		folder: {
			id: outlookId('folder', `${user.user.id}:${wellKnownName}`),
			displayName,
			parentFolderId: rootId,
			childFolderCount: 0,
			unreadItemCount: 0,
			totalItemCount: 0,
			isHidden: false,
		},
	}));
	for (const custom of customFolders) {
		const parent = folders.find((f) => f.wellKnownName === custom.parent || f.folder.displayName === custom.parent);
		if (!parent) throw new Error(`buildMailbox: no parent folder ${custom.parent}`);
		parent.folder.childFolderCount = (parent.folder.childFolderCount ?? 0) + 1;
		folders.push({
			folder: {
				id: outlookId('folder', `${user.user.id}:${custom.parent}/${custom.name}`),
				displayName: custom.name,
				parentFolderId: parent.folder.id,
				childFolderCount: 0,
				unreadItemCount: 0,
				totalItemCount: 0,
				isHidden: false,
			},
		});
	}
	return { folders, messages: [] };
}

export function buildMailMessage(options: {
	mailbox: MailboxRecord;
	owner: UserRecord;
	folder: string;
	subject: string;
	from: { name: string; address: string };
	to?: Array<{ name: string; address: string }>;
	receivedDateTime: string;
	bodyText: string;
	isRead?: boolean;
	hasAttachments?: boolean;
}): GraphMessage {
	const folder = options.mailbox.folders.find((f) => f.wellKnownName === options.folder || f.folder.displayName === options.folder);
	if (!folder) throw new Error(`buildMailMessage: no folder ${options.folder}`);
	const id = outlookId('message', `${options.owner.user.id}:${options.folder}:${options.subject}:${options.receivedDateTime}`);
	const to = options.to ?? [{ name: options.owner.user.displayName, address: options.owner.user.mail ?? options.owner.user.userPrincipalName }];
	folder.folder.totalItemCount = (folder.folder.totalItemCount ?? 0) + 1;
	if (!options.isRead) folder.folder.unreadItemCount = (folder.folder.unreadItemCount ?? 0) + 1;
	return {
		id,
		parentFolderId: folder.folder.id,
		createdDateTime: options.receivedDateTime,
		lastModifiedDateTime: options.receivedDateTime,
		receivedDateTime: options.receivedDateTime,
		sentDateTime: options.receivedDateTime,
		changeKey: Buffer.from(id).toString('base64').slice(0, 24),
		categories: [],
		hasAttachments: options.hasAttachments ?? false,
		internetMessageId: `<${id.slice(6, 30)}@${options.from.address.split('@')[1] ?? 'example.com'}>`,
		subject: options.subject,
		bodyPreview: options.bodyText.slice(0, 255),
		importance: 'normal',
		conversationId: outlookId('conversation', options.subject.replace(/^(re|fw): /i, '')),
		isRead: options.isRead ?? false,
		isDraft: false,
		webLink: `https://outlook.office365.com/owa/?ItemID=${encodeURIComponent(id)}&exvsurl=1&viewmodel=ReadMessageItem`,
		inferenceClassification: 'focused',
		body: { contentType: 'text', content: options.bodyText },
		sender: { emailAddress: options.from },
		from: { emailAddress: options.from },
		toRecipients: to.map((emailAddress) => ({ emailAddress })),
		ccRecipients: [],
		bccRecipients: [],
		replyTo: [],
		flag: { flagStatus: 'notFlagged' },
	};
}

export function buildPresence(userId: string, availability: string, activity: string): PresenceRecord {
	return { presence: { id: userId, availability, activity, statusMessage: null }, sessions: [] };
}
