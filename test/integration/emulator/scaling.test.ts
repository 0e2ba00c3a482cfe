// The emulator answers lookups from indexes, as the directory does: the work one request does (user records it
// touches) stays the same when the tenant grows tenfold. Counted, not timed: the tenant's user table is wrapped in
// a proxy that counts every record read and every enumeration, so a handler that scans the tenant again shows up
// as work proportional to the tenant.
import { type Emulator, SEED_APPS, startEmulator } from '../../emulator';
import { registerExtensionProperty } from '../../emulator/graph/extensionProperties';
import { mailArea } from '../../emulator/graph/mail';
import { generateLargeTenant, largeTenantUser } from '../../emulator/state/largeTenant';
import { emulatorRequest } from '../../emulator/testClient';

interface Counted {
	emulator: Emulator;
	token: string;
	visits: { count: number };
}

/** The table, counting into `visits` every record read from it and every key an enumeration of it lists. */
function countingVisits<T extends object>(table: T, visits: { count: number }): T {
	return new Proxy(table, {
		get(target, key, receiver) {
			if (typeof key === 'string' && Object.prototype.hasOwnProperty.call(target, key)) visits.count++;
			return Reflect.get(target, key, receiver) as unknown;
		},
		ownKeys(target) {
			const keys = Reflect.ownKeys(target);
			visits.count += keys.length;
			return keys;
		},
	});
}

async function startCounted(users: number): Promise<Counted> {
	const emulator = await startEmulator({ seed: generateLargeTenant(users) });
	const visits = { count: 0 };
	emulator.state.data.users = countingVisits(emulator.state.data.users, visits);
	return { emulator, token: emulator.tokens.issueAppToken(SEED_APPS.main.appId), visits };
}

const MARKER = registerName();
function registerName(): string {
	return `extension_${SEED_APPS.main.appId.replace(/-/g, '').toLowerCase()}_m365GuestSyncSource`;
}

/** The requests of one guest-sync round over 15 addresses (lookups, an invitation, a marker write and read). */
async function oneRound(counted: Counted, round: number): Promise<number> {
	const { emulator, token, visits } = counted;
	const url = (path: string) => `${emulator.graphUrl}/v1.0${path}`;
	const addresses = Array.from({ length: 15 }, (_, i) => largeTenantUser(i * 40 + round).mail);
	const quoted = addresses.map((a) => `'${a}'`).join(',');
	const before = visits.count;
	const requests = [
		`/users?$filter=${encodeURIComponent(`mail in (${quoted})`)}&$select=id,mail&$top=999`,
		`/users?$filter=${encodeURIComponent(`userPrincipalName in (${quoted})`)}&$select=id&$top=999`,
		`/users?$filter=${encodeURIComponent(addresses.map((a) => `otherMails/any(m:m eq '${a}')`).join(' or '))}&$select=id&$top=999`,
		`/users?$filter=${encodeURIComponent(`${MARKER} eq 'slack' and userType eq 'Guest'`)}&$select=id&$top=999`,
		`/users/${encodeURIComponent(largeTenantUser(round).upn)}`,
	];
	for (const path of requests) {
		const response = await emulatorRequest(url(path), { token });
		expect(response.status).toBe(200);
	}
	const invited = await emulatorRequest(url('/invitations'), {
		method: 'POST',
		token,
		json: { invitedUserEmailAddress: `new${round}@fabrikam.example`, inviteRedirectUrl: 'https://myapps.microsoft.com' },
	});
	expect(invited.status).toBe(201);
	const guestId = (invited.json as { invitedUser: { id: string } }).invitedUser.id;
	emulator.clock.advance(5); // past Entra's replication delay for the new guest (graph/replication.ts)
	const marked = await emulatorRequest(url(`/users/${guestId}`), { method: 'PATCH', token, json: { [MARKER]: 'slack' } });
	expect(marked.status).toBe(204);
	return visits.count - before;
}

describe('emulator work per request as the tenant grows', () => {
	const counted: Counted[] = [];
	afterAll(async () => {
		await Promise.all(counted.map((c) => c.emulator.close()));
	});

	it('user lookups, invitations and marker queries touch as many records at 20,000 users as at 2,000', async () => {
		const small = await startCounted(2_000);
		const large = await startCounted(20_000);
		counted.push(small, large);
		for (const c of [small, large]) registerExtensionProperty(c.emulator.state, SEED_APPS.main.appId, 'm365GuestSyncSource');
		// First round builds the indexes (one pass over the tenant, once); the rounds after it are what a sync pays.
		await oneRound(small, 0);
		await oneRound(large, 0);
		const smallWork = [await oneRound(small, 1), await oneRound(small, 2)];
		const largeWork = [await oneRound(large, 1), await oneRound(large, 2)];
		expect(largeWork).toEqual(smallWork);
		// And it is the size of the answers, not of the tenant.
		for (const work of smallWork) expect(work).toBeLessThan(200);
	});

	it('the answers are the ones a full scan gives (same users, same order)', async () => {
		const { emulator, token } = counted[0];
		const filter = `startswith(displayName,'Guest 0') or mail eq '${largeTenantUser(19).mail}'`; // not narrowable: scanned
		const narrowed = `mail eq '${largeTenantUser(19).mail}' or userType eq 'Guest'`;
		const list = async (f: string) =>
			((await emulatorRequest(`${emulator.graphUrl}/v1.0/users?$filter=${encodeURIComponent(f)}&$select=id&$top=999`, { token })).json as { value: Array<{ id: string }> }).value.map((u) => u.id);
		const guests = emulator.state.users().filter((r) => r.user.userType === 'Guest').map((r) => r.user.id);
		expect(await list(narrowed)).toEqual(guests.slice(0, 999));
		expect((await list(filter)).length).toBeGreaterThan(0);
	});

	it('a mail delta round touches as many sync tokens with 400 mailboxes in sync as with 40', async () => {
		const emulator = await startEmulator({ seed: generateLargeTenant(600) });
		const small = { emulator, token: emulator.tokens.issueAppToken(SEED_APPS.main.appId), visits: { count: 0 } };
		counted.push(small);
		const area = mailArea(emulator.state);
		const visits = small.visits;
		area.tokens = countingVisits(area.tokens, visits);
		const mailboxes = emulator.state.users().filter((record) => record.hasMailbox).map((record) => record.user.id);
		const links = new Map<string, string>();
		/** Two delta rounds of one mailbox (the first from scratch); the sync-token records they touched. */
		const rounds = async (mailbox: string): Promise<number> => {
			const before = visits.count;
			for (let round = 0; round < 2; round++) {
				let url = links.get(mailbox) ?? `${emulator.graphUrl}/v1.0/users/${mailbox}/mailFolders/inbox/messages/delta`;
				for (;;) {
					const response = await emulatorRequest(url, { token: small.token });
					expect(response.status).toBe(200);
					const page = response.json as { '@odata.nextLink'?: string; '@odata.deltaLink'?: string };
					if (page['@odata.deltaLink']) {
						links.set(mailbox, page['@odata.deltaLink']);
						break;
					}
					url = page['@odata.nextLink']!;
				}
			}
			return visits.count - before;
		};
		for (const mailbox of mailboxes.slice(1, 41)) await rounds(mailbox);
		const at40 = await rounds(mailboxes[0]);
		links.delete(mailboxes[0]);
		for (const mailbox of mailboxes.slice(41, 401)) await rounds(mailbox);
		const at400 = await rounds(mailboxes[0]);
		expect(at400).toBe(at40);
		expect(at40).toBeLessThan(20);
	});
});
