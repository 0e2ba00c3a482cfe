// Mailboxes the emulator's large tenant (generateLargeTenant) added beside the seeded users, for tests that poll many.
import { SEED_USERS, type Emulator } from '../emulator';

/** Addresses of licensed mailboxes the large tenant added, in a stable order: `count` of them after the first `skip`. */
export function extraMailboxes(emulator: Emulator, count: number, skip = 0): string[] {
	const seeded = new Set<string>(Object.values(SEED_USERS).map((user) => user.id));
	return emulator.state
		.users()
		.filter((record) => record.hasMailbox && !seeded.has(record.user.id))
		.map((record) => record.user.userPrincipalName)
		.sort()
		.slice(skip, skip + count);
}
