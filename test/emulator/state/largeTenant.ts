// A deterministic tenant with many users for benchmarks: the default Contoso tenant plus `n` generated people
// (every tenth a guest, every seventh unlicensed), each with presence; licensed ones get a mailbox.
import { buildMailbox, buildPresence, buildUser } from './builders';
import { stableGuid } from './ids';
import { defaultTenant, SEED_TENANT } from './seed';
import type { TenantData } from './types';

const AVAILABILITIES: Array<[string, string]> = [
	['Available', 'Available'],
	['Busy', 'InACall'],
	['Away', 'Away'],
	['DoNotDisturb', 'Presenting'],
	['BeRightBack', 'BeRightBack'],
	['Offline', 'OffWork'],
];

/** Generated user i (0-based) of a large tenant: id and UPN, for benchmarks that address them directly. */
export function largeTenantUser(i: number): { id: string; upn: string; mail: string } {
	const guest = i % 10 === 9;
	const local = `user${String(i).padStart(5, '0')}`;
	const mail = guest ? `${local}@partner${i % 7}.example` : `${local}@${SEED_TENANT.initialDomain}`;
	const upn = guest ? `${mail.replace('@', '_')}#EXT#@${SEED_TENANT.initialDomain}` : mail;
	return { id: stableGuid(`large-user:${i}`), upn, mail };
}

export function generateLargeTenant(n: number): TenantData {
	const tenant = defaultTenant();
	for (let i = 0; i < n; i++) {
		const { id, upn, mail } = largeTenantUser(i);
		const guest = i % 10 === 9;
		const unlicensed = !guest && i % 7 === 3;
		const record = buildUser({
			id,
			displayName: `${guest ? 'Guest' : 'Person'} ${String(i).padStart(5, '0')}`,
			givenName: guest ? 'Guest' : 'Person',
			surname: String(i).padStart(5, '0'),
			upn,
			mail,
			kind: guest ? 'guest' : 'member',
			password: `User${i}!Pass`,
			licences: guest || unlicensed ? [] : ['SPE_E3'],
			externalUserState: guest ? (i % 20 === 19 ? 'PendingAcceptance' : 'Accepted') : undefined,
			createdDateTime: new Date(Date.UTC(2024, 0, 1) + i * 3_600_000).toISOString(),
		});
		tenant.users[id] = record;
		const [availability, activity] = record.licenseDetails.length > 0 ? AVAILABILITIES[i % AVAILABILITIES.length] : ['PresenceUnknown', 'PresenceUnknown'];
		tenant.presence[id] = buildPresence(id, availability, activity);
		if (record.hasMailbox) tenant.mailboxes[id] = buildMailbox(record);
	}
	return tenant;
}
