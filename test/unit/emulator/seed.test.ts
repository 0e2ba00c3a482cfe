import { createPrivateKey, X509Certificate } from 'crypto';

import { defaultTenant, generateLargeTenant, largeTenantUser, SEED_APPS, SEED_CHANNELS, SEED_CHATS, SEED_GUESTS, SEED_TEAMS, SEED_TENANT, SEED_USERS } from '../../emulator';

describe('default tenant seed', () => {
	const tenant = defaultTenant();

	it('is deterministic and every call returns an independent copy', () => {
		const again = defaultTenant();
		expect(JSON.stringify(again)).toBe(JSON.stringify(tenant));
		again.users[SEED_USERS.adele.id].user.displayName = 'Changed';
		expect(defaultTenant().users[SEED_USERS.adele.id].user.displayName).toBe('Adele Vance');
	});

	it('has the tenant, organisation and every named user and guest', () => {
		expect(tenant.tenant.id).toBe(SEED_TENANT.id);
		expect(tenant.organization.id).toBe(SEED_TENANT.id);
		for (const user of [...Object.values(SEED_USERS), ...Object.values(SEED_GUESTS)]) {
			expect(tenant.users[user.id]?.user.userPrincipalName).toBe(user.upn);
			expect(tenant.users[user.id]?.password).toBe(user.password);
		}
		expect(tenant.users[SEED_GUESTS.jordan.id]?.user).toMatchObject({ userType: 'Guest', creationType: 'Invitation', externalUserState: 'Accepted' });
	});

	it('licenses: Teams for members and the integration account, none for shared mailboxes and Pradeep', () => {
		const hasTeams = (id: string) => tenant.users[id].licenseDetails.some((l) => l.servicePlans?.some((p) => p.servicePlanName === 'TEAMS1'));
		expect(hasTeams(SEED_USERS.integration.id)).toBe(true);
		expect(hasTeams(SEED_USERS.adele.id)).toBe(true);
		expect(hasTeams(SEED_USERS.lee.id)).toBe(false);
		expect(tenant.users[SEED_USERS.lee.id].hasMailbox).toBe(true);
		expect(tenant.users[SEED_USERS.pradeep.id].licenseDetails).toEqual([]);
		expect(tenant.mailboxes[SEED_USERS.pradeep.id]).toBeUndefined();
		expect(tenant.users[SEED_USERS.support.id]).toMatchObject({ kind: 'sharedMailbox', hasMailbox: true, licenseDetails: [] });
	});

	it('memberships: the integration account is in some teams and channels, not in Marketing nor Leadership', () => {
		const inTeam = (teamId: string) => tenant.teams[teamId].members.some((m) => m.userId === SEED_USERS.integration.id);
		expect(inTeam(SEED_TEAMS.sales.id)).toBe(true);
		expect(inTeam(SEED_TEAMS.marketing.id)).toBe(false);
		const inChannel = (id: string) => tenant.channels[id].members.some((m) => m.userId === SEED_USERS.integration.id);
		expect(inChannel(SEED_CHANNELS.salesPartners.id)).toBe(true);
		expect(inChannel(SEED_CHANNELS.salesLeadership.id)).toBe(false);
		for (const channel of Object.values(SEED_CHANNELS)) {
			expect(tenant.channels[channel.id]).toMatchObject({ teamId: channel.teamId, channel: { membershipType: channel.membershipType, displayName: channel.displayName } });
		}
		expect(tenant.chats[SEED_CHATS.adeleIntegration.id].members.map((m) => m.userId).sort()).toEqual([SEED_USERS.adele.id, SEED_USERS.integration.id].sort());
		expect(tenant.chats[SEED_CHATS.leadershipSync.id].members.some((m) => m.userId === SEED_USERS.integration.id)).toBe(false);
	});

	it('apps: secret, certificate with matching thumbprint, expired secret, no consent, partial consent', () => {
		const main = tenant.applications[SEED_APPS.main.appId];
		expect(main.secrets[0].value).toBe(SEED_APPS.main.secret);
		const cert = new X509Certificate(main.certificates[0].certificatePem);
		expect(cert.fingerprint.replace(/:/g, '')).toBe(SEED_APPS.main.thumbprint);
		expect(cert.checkPrivateKey(createPrivateKey(SEED_APPS.main.privateKeyPem))).toBe(true);
		expect(Date.parse(tenant.applications[SEED_APPS.expiredSecret.appId].application.passwordCredentials![0].endDateTime!)).toBeLessThan(Date.now());
		expect(tenant.applications[SEED_APPS.noConsent.appId].grantedAppRoles).toEqual([]);
		expect(tenant.applications[SEED_APPS.partial.appId].grantedAppRoles.sort()).toEqual(['Presence.Read.All', 'User.Read.All']);
	});

	it('mailboxes have the well-known folders, custom child folders and mail', () => {
		const support = tenant.mailboxes[SEED_USERS.support.id];
		const names = support.folders.map((f) => f.wellKnownName ?? f.folder.displayName);
		expect(names).toEqual(expect.arrayContaining(['inbox', 'sentitems', 'deleteditems', 'archive', 'Invoices', 'Escalations']));
		const inbox = support.folders.find((f) => f.wellKnownName === 'inbox')!;
		expect(support.folders.find((f) => f.folder.displayName === 'Invoices')?.folder.parentFolderId).toBe(inbox.folder.id);
		expect(support.messages.filter((m) => m.parentFolderId === inbox.folder.id).length).toBeGreaterThan(0);
	});
});

describe('large tenant', () => {
	it('adds n deterministic users with presence', () => {
		const large = generateLargeTenant(30);
		const base = Object.keys(defaultTenant().users).length;
		expect(Object.keys(large.users)).toHaveLength(base + 30);
		expect(large.users[largeTenantUser(9).id].user).toMatchObject({ userType: 'Guest', userPrincipalName: largeTenantUser(9).upn });
		expect(large.presence[largeTenantUser(0).id].presence.availability).toBe('Available');
		expect(JSON.stringify(generateLargeTenant(30).users)).toBe(JSON.stringify(large.users));
	});
});
