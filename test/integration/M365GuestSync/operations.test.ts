// The single operations: invite one guest, find the users of an email, remove one guest this sync manages.
import type { INodeParameters } from 'n8n-workflow';

import { runNode } from '../../harness';
import { SEED_GUESTS, SEED_USERS, type Emulator } from '../../emulator';
import { M365GuestSync } from '../../../nodes/M365GuestSync/M365GuestSync.node';
import { guestByMail, MARKER, settle, startTenant, tenantCredential } from './setup';

describe('Guest single operations', () => {
	let emulator: Emulator;

	beforeAll(async () => {
		emulator = await startTenant();
	});
	afterAll(async () => {
		await emulator.close();
	});

	async function run(operation: string, parameters: INodeParameters, continueOnFail = false) {
		settle(emulator);
		return await runNode({
			nodeType: new M365GuestSync(),
			parameters: { resource: 'guest', operation, ...parameters },
			credentials: { m365TenantAppApi: tenantCredential(emulator) },
			continueOnFail,
		});
	}

	it('invites one guest and marks it with the source name; a second invite changes nothing', async () => {
		const first = await run('invite', { email: 'Ada@Partner.example', displayName: 'Ada Lovelace', options: { sourceName: 'slack' } });
		expect(first.error).toBeUndefined();
		expect(first.items[0][0].json).toMatchObject({ email: 'ada@partner.example', action: 'invited', status: 'PendingAcceptance', sourceName: 'slack' });
		expect(guestByMail(emulator, 'ada@partner.example')?.user).toMatchObject({ displayName: 'Ada Lovelace', [MARKER]: 'slack' });
		const again = await run('invite', { email: 'ada@partner.example' });
		expect(again.items[0][0].json).toMatchObject({ action: 'unchanged', userId: first.items[0][0].json.userId });
	});

	it('refuses to invite a member, naming the field and the reason', async () => {
		const result = await run('invite', { email: SEED_USERS.adele.mail });
		expect(result.error?.message).toContain('belongs to a member of this tenant');
	});

	it('finds guests and members by any of their addresses', async () => {
		const sam = await run('find', { email: 'sam.okafor@northwind.example' });
		expect(sam.items[0][0].json).toMatchObject({ found: true, isMember: false, users: [{ id: SEED_GUESTS.sam.id, syncSource: null }] });
		const member = await run('find', { email: SEED_USERS.adele.upn });
		expect(member.items[0][0].json).toMatchObject({ found: true, isMember: true });
		const nobody = await run('find', { email: 'nobody@nowhere.example' });
		expect(nobody.items[0][0].json).toMatchObject({ found: false, users: [] });
	});

	it('removes only a guest carrying the source marker', async () => {
		const notOurs = await run('remove', { email: SEED_GUESTS.jordan.mail, sourceName: 'slack', removal: 'delete' }, true);
		expect(notOurs.items[0][0].json.error).toContain('not marked as managed by "slack"');
		expect(emulator.state.user(SEED_GUESTS.jordan.id)).toBeDefined();

		const disabled = await run('remove', { email: 'ada@partner.example', sourceName: 'slack', removal: 'disable' });
		expect(disabled.items[0][0].json).toMatchObject({ action: 'disabled' });
		expect(guestByMail(emulator, 'ada@partner.example')?.user.accountEnabled).toBe(false);
		const removed = await run('remove', { email: 'ada@partner.example', sourceName: 'slack', removal: 'delete' });
		expect(removed.items[0][0].json).toMatchObject({ action: 'removed' });
		expect(guestByMail(emulator, 'ada@partner.example')).toBeUndefined();
	});
});
