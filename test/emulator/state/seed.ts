// The default tenant: Contoso, with the apps, people, teams, chats, mailboxes and presence the package's
// scenarios need. Every id is a constant exported here so tests can name things instead of searching for them.
import { createHash, X509Certificate } from 'crypto';

import {
	buildApp,
	buildChannel,
	buildChat,
	buildChatMessage,
	buildMailbox,
	buildMailMessage,
	buildPresence,
	buildTeam,
	buildUser,
	type UserSpec,
} from './builders';
import { channelId, groupChatId, oneOnOneChatId, stableGuid } from './ids';
import { PACKAGE_APP_ROLES, PACKAGE_DELEGATED_SCOPES } from './permissions';
import { MAIN_APP_CERTIFICATE_PEM, MAIN_APP_CERTIFICATE_PRIVATE_KEY_PEM } from './seedKeys';
import type { TenantData, UserRecord } from './types';

export const SEED_TENANT = {
	id: '6f1c2a3e-8b4d-4e5f-9a7b-2c3d4e5f6a7b',
	displayName: 'Contoso',
	initialDomain: 'contoso.onmicrosoft.com',
	domains: ['contoso.onmicrosoft.com', 'contoso.com'],
} as const;

const certificate = new X509Certificate(MAIN_APP_CERTIFICATE_PEM);
const certificateDer = certificate.raw;

/** The redirect URIs the main app registration allows (n8n's OAuth2 callback on the usual hosts, plus test ones). */
export const SEED_REDIRECT_URIS = [
	'http://localhost:5678/rest/oauth2-credential/callback',
	'http://127.0.0.1:5678/rest/oauth2-credential/callback',
	'https://localhost/callback',
	'http://localhost/callback',
];

export const SEED_APPS = {
	/** The app this package is set up with: secret and certificate, every permission granted by an admin. */
	main: {
		appId: '3b8f7e2a-5c4d-4a1b-8e9f-0a1b2c3d4e5f',
		displayName: 'n8n M365 Integration',
		secretKeyId: 'a4c9e1f0-2b3d-4c5e-8f70-112233445566',
		secret: 'Qx48Q~nV3kR9sT2uW5yZ8bD1fG4hJ7lM0pS3vX6a',
		certificateKeyId: 'c7d8e9f0-1a2b-4c3d-9e4f-556677889900',
		certificatePem: MAIN_APP_CERTIFICATE_PEM,
		privateKeyPem: MAIN_APP_CERTIFICATE_PRIVATE_KEY_PEM,
		/** SHA-1 thumbprint, upper-case hex (what the portal shows). */
		thumbprint: createHash('sha1').update(certificateDer).digest('hex').toUpperCase(),
		thumbprintSha256: createHash('sha256').update(certificateDer).digest('hex').toUpperCase(),
	},
	/** Its only secret expired: AADSTS7000222. */
	expiredSecret: {
		appId: '9d2e4f6a-8b0c-4d1e-a3f5-67890abcdef1',
		displayName: 'n8n Legacy Connector',
		secretKeyId: 'b1c2d3e4-f5a6-4b7c-8d9e-aabbccddeeff',
		secret: 'Lp91Q~aB2cD3eF4gH5iJ6kL7mN8oP9qR0sT1uV2w',
		secretEndDateTime: '2025-06-30T00:00:00Z',
	},
	/** Registered and given a secret, but no admin consent: client credentials gives a token without roles. */
	noConsent: {
		appId: '4e5f6a7b-8c9d-4e0f-b1a2-b3c4d5e6f708',
		displayName: 'n8n Pending Approval',
		secretKeyId: 'd4e5f6a7-b8c9-4d0e-9f1a-2b3c4d5e6f70',
		secret: 'Nz37Q~wX8yZ9aB0cD1eF2gH3iJ4kL5mN6oP7qR8s',
	},
	/** Only presence and user reading granted. */
	partial: {
		appId: '7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d',
		displayName: 'n8n Presence Reader',
		secretKeyId: 'e5f6a7b8-c9d0-4e1f-8a2b-3c4d5e6f7a8b',
		secret: 'Hk62Q~tU7vW8xY9zA0bC1dE2fG3hI4jK5lM6nO7p',
		grantedAppRoles: ['Presence.Read.All', 'User.Read.All'],
	},
} as const;

type SeedUser = { id: string; displayName: string; upn: string; password: string; mail: string };

function person(key: string, displayName: string, local: string, password: string): SeedUser {
	return { id: stableGuid(`user:${key}`), displayName, upn: `${local}@${SEED_TENANT.initialDomain}`, password, mail: `${local}@${SEED_TENANT.initialDomain}` };
}

export const SEED_USERS = {
	/** Global administrator, licensed (E3 with Teams). */
	megan: person('megan', 'Megan Bowen', 'MeganB', 'Megan!Pass1'),
	/** Licensed members (E3 with Teams). */
	adele: person('adele', 'Adele Vance', 'AdeleV', 'Adele!Pass1'),
	alex: person('alex', 'Alex Wilber', 'AlexW', 'Alex!Pass1'),
	diego: person('diego', 'Diego Siciliani', 'DiegoS', 'Diego!Pass1'),
	lynne: person('lynne', 'Lynne Robbins', 'LynneR', 'Lynne!Pass1'),
	/** Licensed for Exchange only: mailbox, no Teams. */
	lee: person('lee', 'Lee Gu', 'LeeG', 'Lee!Pass1'),
	/** Member without any licence: no mailbox, no Teams. */
	pradeep: person('pradeep', 'Pradeep Gupta', 'PradeepG', 'Pradeep!Pass1'),
	/** Licensed member whose sign-in requires MFA (AADSTS50076). */
	isaiah: person('isaiah', 'Isaiah Langer', 'IsaiahL', 'Isaiah!Pass1'),
	/** The generic integration account (licensed Teams), member of some teams and channels, not of every private channel. */
	integration: person('integration', 'Integration Account', 'integration', 'Integration!Pass1'),
	/** Shared mailboxes: user objects with a mailbox, no licence, sign-in disabled. */
	support: person('support', 'Support', 'support', 'Support!Pass1'),
	salesDesk: person('salesDesk', 'Sales Desk', 'salesdesk', 'SalesDesk!Pass1'),
} as const;

function guest(key: string, displayName: string, email: string, state: 'Accepted' | 'PendingAcceptance') {
	const upn = `${email.replace('@', '_')}#EXT#@${SEED_TENANT.initialDomain}`;
	return { id: stableGuid(`user:${key}`), displayName, upn, mail: email, password: `${key}!Guest1`, externalUserState: state };
}

export const SEED_GUESTS = {
	/** Accepted guest, member of the Sales team and its Partners private channel. */
	jordan: guest('jordan', 'Jordan Miller', 'jordan.miller@fabrikam.com', 'Accepted'),
	/** Invited, not yet redeemed. */
	priya: guest('priya', 'Priya Patel', 'priya.patel@gmail.com', 'PendingAcceptance'),
	/** Accepted guest with an alternative address in otherMails. */
	sam: { ...guest('sam', 'Sam Okafor', 'sam@northwind.example', 'Accepted'), otherMails: ['sam.okafor@northwind.example'] },
} as const;

export const SEED_TEAMS = {
	sales: { id: stableGuid('team:sales'), displayName: 'Sales' },
	engineering: { id: stableGuid('team:engineering'), displayName: 'Engineering' },
	/** The integration account is not a member of this team. */
	marketing: { id: stableGuid('team:marketing'), displayName: 'Marketing' },
} as const;

export const SEED_CHANNELS = {
	salesGeneral: { teamId: SEED_TEAMS.sales.id, id: channelId(`${SEED_TEAMS.sales.id}:General`), displayName: 'General', membershipType: 'standard' },
	salesDeals: { teamId: SEED_TEAMS.sales.id, id: channelId(`${SEED_TEAMS.sales.id}:Deals`), displayName: 'Deals', membershipType: 'standard' },
	/** Private; the integration account IS a member. */
	salesPartners: { teamId: SEED_TEAMS.sales.id, id: channelId(`${SEED_TEAMS.sales.id}:Partners`), displayName: 'Partners', membershipType: 'private' },
	/** Private; the integration account is NOT a member. */
	salesLeadership: { teamId: SEED_TEAMS.sales.id, id: channelId(`${SEED_TEAMS.sales.id}:Leadership`), displayName: 'Leadership', membershipType: 'private' },
	engineeringGeneral: { teamId: SEED_TEAMS.engineering.id, id: channelId(`${SEED_TEAMS.engineering.id}:General`), displayName: 'General', membershipType: 'standard' },
	engineeringReleases: { teamId: SEED_TEAMS.engineering.id, id: channelId(`${SEED_TEAMS.engineering.id}:Releases`), displayName: 'Releases', membershipType: 'standard' },
	marketingGeneral: { teamId: SEED_TEAMS.marketing.id, id: channelId(`${SEED_TEAMS.marketing.id}:General`), displayName: 'General', membershipType: 'standard' },
} as const;

export const SEED_CHATS = {
	/** 1:1 between Adele and the integration account. */
	adeleIntegration: { id: oneOnOneChatId(SEED_USERS.adele.id, SEED_USERS.integration.id), chatType: 'oneOnOne' },
	/** 1:1 between Alex and Megan (integration account not in it). */
	alexMegan: { id: oneOnOneChatId(SEED_USERS.alex.id, SEED_USERS.megan.id), chatType: 'oneOnOne' },
	/** Group chat with the integration account. */
	projectFalcon: { id: groupChatId('Project Falcon'), chatType: 'group', topic: 'Project Falcon' },
	/** Group chat without the integration account. */
	leadershipSync: { id: groupChatId('Leadership sync'), chatType: 'group', topic: 'Leadership sync' },
} as const;

/** Builds a fresh copy of the default tenant (state is mutable; every emulator gets its own). */
export function defaultTenant(): TenantData {
	const tenantId = SEED_TENANT.id;
	const users: Record<string, UserRecord> = {};
	const add = (spec: UserSpec) => (users[spec.id] = buildUser(spec));
	const u = SEED_USERS;
	const split = (name: string) => ({ givenName: name.split(' ')[0], surname: name.split(' ').slice(1).join(' ') || undefined });

	const megan = add({ ...u.megan, ...split(u.megan.displayName), kind: 'member', licences: ['SPE_E3'], isAdmin: true, jobTitle: 'IT Administrator' });
	const adele = add({ ...u.adele, ...split(u.adele.displayName), kind: 'member', licences: ['SPE_E3'], jobTitle: 'Sales Manager' });
	const alex = add({ ...u.alex, ...split(u.alex.displayName), kind: 'member', licences: ['SPE_E3'], jobTitle: 'Account Executive' });
	const diego = add({ ...u.diego, ...split(u.diego.displayName), kind: 'member', licences: ['SPE_E3'], jobTitle: 'Engineering Lead' });
	const lynne = add({ ...u.lynne, ...split(u.lynne.displayName), kind: 'member', licences: ['SPE_E3'], jobTitle: 'Marketing Lead' });
	const lee = add({ ...u.lee, ...split(u.lee.displayName), kind: 'member', licences: ['EXCHANGESTANDARD'], jobTitle: 'Developer' });
	add({ ...u.pradeep, ...split(u.pradeep.displayName), kind: 'member', licences: [], mail: null, jobTitle: 'Contractor' });
	add({ ...u.isaiah, ...split(u.isaiah.displayName), kind: 'member', licences: ['SPE_E3'], mfaRequired: true, jobTitle: 'Sales Representative' });
	const integration = add({ ...u.integration, kind: 'integrationAccount', licences: ['SPE_E3'], jobTitle: null as unknown as string });
	const support = add({ ...u.support, kind: 'sharedMailbox' });
	const salesDesk = add({ ...u.salesDesk, kind: 'sharedMailbox' });
	const g = SEED_GUESTS;
	const jordan = add({ ...g.jordan, kind: 'guest', externalUserState: g.jordan.externalUserState, createdDateTime: '2025-02-10T12:00:00Z' });
	add({ ...g.priya, kind: 'guest', externalUserState: g.priya.externalUserState, createdDateTime: '2026-10-01T12:00:00Z' });
	add({ ...g.sam, kind: 'guest', externalUserState: g.sam.externalUserState, otherMails: [...g.sam.otherMails], createdDateTime: '2025-08-15T12:00:00Z' });

	const owner = ['owner'];
	const sales = buildTeam(SEED_TEAMS.sales.id, 'Sales', 'Sales team', 'public', tenantId, [
		[megan, owner], [adele, owner], [alex, []], [integration, []], [jordan, []], [users[u.isaiah.id], []],
	]);
	const engineering = buildTeam(SEED_TEAMS.engineering.id, 'Engineering', 'Engineering team', 'private', tenantId, [
		[diego, owner], [lee, []], [integration, []], [megan, []],
	]);
	const marketing = buildTeam(SEED_TEAMS.marketing.id, 'Marketing', 'Marketing team', 'public', tenantId, [[lynne, owner], [adele, []]]);

	const c = SEED_CHANNELS;
	const channelList = [
		buildChannel(sales, 'General', 'standard', tenantId, [], c.salesGeneral.id),
		buildChannel(sales, 'Deals', 'standard', tenantId, [], c.salesDeals.id),
		buildChannel(sales, 'Partners', 'private', tenantId, [[megan, owner], [integration, []], [jordan, []]], c.salesPartners.id),
		buildChannel(sales, 'Leadership', 'private', tenantId, [[megan, owner], [adele, []]], c.salesLeadership.id),
		buildChannel(engineering, 'General', 'standard', tenantId, [], c.engineeringGeneral.id),
		buildChannel(engineering, 'Releases', 'standard', tenantId, [], c.engineeringReleases.id),
		buildChannel(marketing, 'General', 'standard', tenantId, [], c.marketingGeneral.id),
	];
	const channels = Object.fromEntries(channelList.map((ch) => [ch.channel.id, ch]));
	const salesGeneral = channels[c.salesGeneral.id];
	const welcome = buildChatMessage({ createdDateTime: '2026-11-02T09:00:00Z', from: megan, content: '<p>Welcome to the Sales team!</p>', channel: { teamId: sales.team.id, channelId: c.salesGeneral.id }, subject: 'Welcome' });
	salesGeneral.messages.push(
		welcome,
		buildChatMessage({ createdDateTime: '2026-11-02T09:05:00Z', from: adele, content: '<p>Thanks Megan.</p>', channel: { teamId: sales.team.id, channelId: c.salesGeneral.id }, replyToId: welcome.id }),
		buildChatMessage({ createdDateTime: '2026-11-10T14:30:00Z', from: alex, content: 'Q4 pipeline review on Thursday.', contentType: 'text', channel: { teamId: sales.team.id, channelId: c.salesGeneral.id } }),
	);
	channels[c.engineeringReleases.id].messages.push(
		buildChatMessage({ createdDateTime: '2026-11-12T16:00:00Z', from: diego, content: '<p>Release 4.2 is out.</p>', channel: { teamId: engineering.team.id, channelId: c.engineeringReleases.id } }),
	);

	const ch = SEED_CHATS;
	const chatList = [
		buildChat(ch.adeleIntegration.id, 'oneOnOne', null, tenantId, [adele, integration]),
		buildChat(ch.alexMegan.id, 'oneOnOne', null, tenantId, [alex, megan]),
		buildChat(ch.projectFalcon.id, 'group', ch.projectFalcon.topic, tenantId, [adele, alex, diego, integration]),
		buildChat(ch.leadershipSync.id, 'group', ch.leadershipSync.topic, tenantId, [megan, lee, lynne]),
	];
	const chats = Object.fromEntries(chatList.map((chat) => [chat.chat.id, chat]));
	chats[ch.adeleIntegration.id].messages.push(
		buildChatMessage({ createdDateTime: '2026-11-05T08:00:00Z', from: adele, content: 'Hi, can you post the weekly numbers?', contentType: 'text', chatId: ch.adeleIntegration.id }),
	);
	chats[ch.projectFalcon.id].messages.push(
		buildChatMessage({ createdDateTime: '2026-11-06T10:00:00Z', from: diego, content: '<p>Kick-off notes are in the wiki.</p>', chatId: ch.projectFalcon.id }),
		buildChatMessage({ createdDateTime: '2026-11-06T10:02:00Z', from: alex, content: '<p>Great, thanks!</p>', chatId: ch.projectFalcon.id }),
	);
	for (const chat of chatList) {
		const last = chat.messages[chat.messages.length - 1];
		if (last?.createdDateTime) chat.chat.lastUpdatedDateTime = last.createdDateTime;
	}

	const presence = Object.fromEntries(
		Object.values(users).map((record) => {
			const [availability, activity] =
				record.user.id === adele.user.id ? ['Available', 'Available']
				: record.user.id === alex.user.id ? ['Busy', 'InACall']
				: record.user.id === megan.user.id ? ['DoNotDisturb', 'Presenting']
				: record.user.id === diego.user.id ? ['Away', 'Away']
				: record.user.id === lynne.user.id ? ['BeRightBack', 'BeRightBack']
				: record.user.id === integration.user.id ? ['Available', 'Available']
				: record.licenseDetails.some((l) => l.servicePlans?.some((p) => p.servicePlanName === 'TEAMS1')) ? ['Offline', 'Offline']
				: ['PresenceUnknown', 'PresenceUnknown'];
			return [record.user.id, buildPresence(record.user.id, availability, activity)];
		}),
	);

	const mailboxes: TenantData['mailboxes'] = {};
	for (const record of Object.values(users)) {
		if (!record.hasMailbox) continue;
		const custom = record.kind === 'sharedMailbox' || record.user.id === adele.user.id
			? [{ name: 'Invoices', parent: 'inbox' }, { name: 'Escalations', parent: 'inbox' }]
			: [];
		mailboxes[record.user.id] = buildMailbox(record, custom);
	}
	const customer = { name: 'Kim Abercrombie', address: 'kim@fabrikam.com' };
	const mail = (owner: UserRecord, folder: string, subject: string, receivedDateTime: string, bodyText: string, from = customer, isRead = false) => {
		const mailbox = mailboxes[owner.user.id];
		mailbox.messages.push(buildMailMessage({ mailbox, owner, folder, subject, from, receivedDateTime, bodyText, isRead }));
	};
	mail(support, 'inbox', 'Cannot log in to the portal', '2026-11-20T08:15:00Z', 'Hello, since this morning I cannot log in.');
	mail(support, 'inbox', 'Invoice 2026-114 question', '2026-11-21T10:40:00Z', 'Could you resend invoice 2026-114?', { name: 'Nestor Wilke', address: 'nestor@northwind.example' });
	mail(support, 'Invoices', 'Invoice 2026-101', '2026-11-01T07:00:00Z', 'Attached is invoice 2026-101.', { name: 'Billing', address: 'billing@fabrikam.com' }, true);
	mail(support, 'sentitems', 'RE: Cannot log in to the portal', '2026-11-20T09:00:00Z', 'We reset your access.', { name: 'Support', address: u.support.mail }, true);
	mail(support, 'deleteditems', 'Newsletter November', '2026-11-03T06:00:00Z', 'Our November newsletter.', { name: 'News', address: 'news@contoso-partner.example' }, true);
	mail(salesDesk, 'inbox', 'Request for quote', '2026-11-19T13:00:00Z', 'Please send a quote for 40 seats.', { name: 'Patti Fernandez', address: 'patti@tailspin.example' });
	mail(adele, 'inbox', 'Weekly numbers', '2026-11-18T07:30:00Z', 'The weekly numbers are attached.', { name: 'Alex Wilber', address: u.alex.mail });
	mail(adele, 'Escalations', 'Escalation: Fabrikam renewal', '2026-11-17T15:00:00Z', 'Fabrikam wants a call before renewing.', customer);
	mail(adele, 'archive', 'Kick-off 2025', '2025-01-10T09:00:00Z', 'Archived kick-off notes.', { name: 'Megan Bowen', address: u.megan.mail }, true);
	mail(integration, 'inbox', 'Welcome to Contoso', '2026-10-01T09:00:00Z', 'Your account is ready.', { name: 'Megan Bowen', address: u.megan.mail }, true);

	const a = SEED_APPS;
	const applications = Object.fromEntries(
		[
			buildApp({
				appId: a.main.appId,
				displayName: a.main.displayName,
				secrets: [{ keyId: a.main.secretKeyId, value: a.main.secret, displayName: 'n8n', startDateTime: '2026-01-15T00:00:00Z', endDateTime: '2099-01-15T00:00:00Z' }],
				certificates: [{ keyId: a.main.certificateKeyId, certificatePem: a.main.certificatePem, displayName: 'CN=Contoso Integration App' }],
				requiredAppRoles: [...PACKAGE_APP_ROLES],
				requiredScopes: [...PACKAGE_DELEGATED_SCOPES],
				grantedAppRoles: [...PACKAGE_APP_ROLES],
				grantedScopes: [...PACKAGE_DELEGATED_SCOPES],
				redirectUris: [...SEED_REDIRECT_URIS],
			}),
			buildApp({
				appId: a.expiredSecret.appId,
				displayName: a.expiredSecret.displayName,
				secrets: [{ keyId: a.expiredSecret.secretKeyId, value: a.expiredSecret.secret, displayName: 'legacy', startDateTime: '2024-06-30T00:00:00Z', endDateTime: a.expiredSecret.secretEndDateTime }],
				requiredAppRoles: [...PACKAGE_APP_ROLES],
				requiredScopes: [...PACKAGE_DELEGATED_SCOPES],
				grantedAppRoles: [...PACKAGE_APP_ROLES],
				grantedScopes: [...PACKAGE_DELEGATED_SCOPES],
				redirectUris: [...SEED_REDIRECT_URIS],
			}),
			buildApp({
				appId: a.noConsent.appId,
				displayName: a.noConsent.displayName,
				secrets: [{ keyId: a.noConsent.secretKeyId, value: a.noConsent.secret, displayName: 'pending', startDateTime: '2026-11-01T00:00:00Z', endDateTime: '2099-11-01T00:00:00Z' }],
				requiredAppRoles: [...PACKAGE_APP_ROLES],
				requiredScopes: [...PACKAGE_DELEGATED_SCOPES],
				grantedAppRoles: [],
				grantedScopes: [],
				redirectUris: [...SEED_REDIRECT_URIS],
			}),
			buildApp({
				appId: a.partial.appId,
				displayName: a.partial.displayName,
				secrets: [{ keyId: a.partial.secretKeyId, value: a.partial.secret, displayName: 'presence', startDateTime: '2026-01-01T00:00:00Z', endDateTime: '2099-01-01T00:00:00Z' }],
				requiredAppRoles: [...PACKAGE_APP_ROLES],
				requiredScopes: ['User.Read', 'Presence.Read'],
				grantedAppRoles: [...a.partial.grantedAppRoles],
				grantedScopes: ['User.Read', 'Presence.Read'],
				redirectUris: [...SEED_REDIRECT_URIS],
			}),
		].map((app) => [app.application.appId, app]),
	);

	return {
		tenant: { ...SEED_TENANT, domains: [...SEED_TENANT.domains] },
		organization: {
			id: tenantId,
			displayName: SEED_TENANT.displayName,
			tenantType: 'AAD',
			countryLetterCode: 'US',
			preferredLanguage: 'en',
			createdDateTime: '2024-01-10T08:00:00Z',
			verifiedDomains: SEED_TENANT.domains.map((name) => ({
				name,
				type: 'Managed',
				isDefault: name === 'contoso.onmicrosoft.com',
				isInitial: name === SEED_TENANT.initialDomain,
				capabilities: 'Email, OfficeCommunicationsOnline',
			})),
			assignedPlans: [],
			provisionedPlans: [],
			technicalNotificationMails: [u.megan.mail],
		},
		applications,
		users,
		teams: { [sales.team.id]: sales, [engineering.team.id]: engineering, [marketing.team.id]: marketing },
		channels,
		chats,
		presence,
		mailboxes,
		invitations: {},
		subscriptions: {},
		areas: {},
	};
}

/** Kept so `certificate` is referenced only for its thumbprints; exported for tests that check validity. */
export const SEED_MAIN_CERTIFICATE_VALID_TO = new Date(certificate.validTo).toISOString();
