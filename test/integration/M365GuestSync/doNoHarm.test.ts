// Issue "the two syncs do no harm", Guest Sync: only the right guests are ever disabled or deleted. Each case is a path
// a real workflow takes that disabled guests which had to stay, or changed what it should not.
import type { IDataObject, INodeTypeDescription } from 'n8n-workflow';

import { runNode } from '../../harness';
import { SEED_USERS, type Emulator } from '../../emulator';
import { buildUser } from '../../emulator/state/builders';
import { M365GuestSync } from '../../../nodes/M365GuestSync/M365GuestSync.node';
import { guestByMail, MARKER, outputJson, runGuestSync, startTenant, summaryOf, tenantCredential, userResults, writeCount } from './setup';

const people = (count: number, domain = 'partner.example') =>
	Array.from({ length: count }, (_, index) => ({ email: `person${index}@${domain}`, displayName: `Person ${index}` }));

/** Removal on, with the confirmation, as a user who has read the documentation sets it. */
const disableLeavers = { removal: 'disable', inputIsComplete: true, maxRemovals: 10 };

function enabled(emulator: Emulator, email: string): boolean | undefined {
	return guestByMail(emulator, email)?.user.accountEnabled ?? undefined;
}

describe('Guest sync does no harm', () => {
	let emulator: Emulator;

	beforeEach(async () => {
		emulator = await startTenant();
	});
	afterEach(async () => {
		await emulator.close();
	});

	describe("another sync's guests", () => {
		it('refuses a source name that differs from another sync\'s only in letter case, before any write', async () => {
			await runGuestSync(emulator, people(2), { sourceName: 'Partners' });
			emulator.requests.reset();
			const result = await runGuestSync(emulator, [{ email: 'new@partner.example' }], { sourceName: 'partners', ...disableLeavers, minShareSeen: 0 });
			expect(result.error?.message).toContain('collides with another sync\'s source "Partners"');
			expect(writeCount(emulator)).toBe(0);
			expect(enabled(emulator, 'person0@partner.example')).toBe(true);
			expect(enabled(emulator, 'person1@partner.example')).toBe(true);
			expect(guestByMail(emulator, 'new@partner.example')).toBeUndefined();
		});

		it('writes the source name normalised, so the same name typed with other spaces or composition is the same sync', async () => {
			await runGuestSync(emulator, people(1), { sourceName: '  Cafe\u0301   Partners ' });
			expect((guestByMail(emulator, 'person0@partner.example')?.user as unknown as IDataObject)[MARKER]).toBe('Caf\u00e9 Partners');
			emulator.requests.reset();
			const again = await runGuestSync(emulator, people(1), { sourceName: 'Caf\u00e9 Partners' });
			expect(userResults(again).map((json) => json.action)).toEqual(['unchanged']);
			expect(writeCount(emulator)).toBe(0);
		});
	});

	describe('"not in this run\'s input" is not "left the source"', () => {
		it('withholds every removal while Input Is the Complete Source is off, and says which guests it would have removed', async () => {
			await runGuestSync(emulator, people(3));
			emulator.requests.reset();
			const result = await runGuestSync(emulator, people(2), { removal: 'disable', maxRemovals: 10, minShareSeen: 0 });
			expect(summaryOf(result).removal).toMatchObject({ mode: 'disable', candidates: 1, withheld: true, reason: expect.stringContaining('Input Is the Complete Source is off') });
			expect(writeCount(emulator)).toBe(0);
			expect(enabled(emulator, 'person2@partner.example')).toBe(true);
		});

		it('withholds removal when rows have no email (a source that stopped returning emails), and keeps their guests', async () => {
			await runGuestSync(emulator, people(4));
			const rows = [...people(2), { email: '', displayName: 'Person 2' }, { email: '   ', displayName: 'Person 3' }];
			const result = await runGuestSync(emulator, rows, disableLeavers);
			const removal = summaryOf(result).removal as IDataObject;
			expect(removal).toMatchObject({ withheld: true, candidates: 2 });
			expect(removal.reason).toContain('2 input rows have no email');
			expect(outputJson(result).filter((json) => json.type === 'removal')).toEqual([]);
			expect(enabled(emulator, 'person2@partner.example')).toBe(true);
			expect(enabled(emulator, 'person3@partner.example')).toBe(true);
		});

		it('counts a row with a malformed address as present: the guest answering to it is kept', async () => {
			await runGuestSync(emulator, people(3));
			// The source now gives one address with a trailing dot in the user name: refused for an invitation, yet it is
			// the person behind an existing guest's other address.
			const guest = guestByMail(emulator, 'person2@partner.example')!;
			emulator.state.updateUser(guest.user.id, { otherMails: ['person2@partner.example', 'person2.@partner.example'] });
			const rows = [...people(2), { email: 'Person2.@partner.example', displayName: 'Person 2' }];
			const result = await runGuestSync(emulator, rows, { ...disableLeavers, minShareSeen: 0 });
			expect(userResults(result)[2]).toMatchObject({ action: 'failed' });
			expect(summaryOf(result).removal).toMatchObject({ candidates: 0, seen: 3, keptForRejectedRows: 1, withheld: false });
			expect(enabled(emulator, 'person2@partner.example')).toBe(true);
		});

		it('withholds removal when the input holds less than the minimum share of this source\'s guests (one batch of a split input)', async () => {
			await runGuestSync(emulator, people(6));
			emulator.requests.reset();
			const result = await runGuestSync(emulator, people(2), disableLeavers);
			expect(summaryOf(result).removal).toMatchObject({ candidates: 4, seen: 2, withheld: true, reason: expect.stringContaining('2 of the 6 guests') });
			expect(writeCount(emulator)).toBe(0);
			expect(['person2', 'person3', 'person4', 'person5'].map((name) => enabled(emulator, `${name}@partner.example`))).toEqual([true, true, true, true]);
		});

		it('in a tiny source, at the default share, disables the one guest of three who left, but not two leaving at once', async () => {
			await runGuestSync(emulator, people(3));
			const two = await runGuestSync(emulator, people(1), disableLeavers);
			expect(summaryOf(two).removal).toMatchObject({ candidates: 2, seen: 1, withheld: true, reason: expect.stringContaining('here 2 left') });
			expect(['person1', 'person2'].map((name) => enabled(emulator, `${name}@partner.example`))).toEqual([true, true]);

			const one = await runGuestSync(emulator, people(2), disableLeavers);
			expect(summaryOf(one).removal).toMatchObject({ candidates: 1, seen: 2, withheld: false });
			expect(outputJson(one).filter((json) => json.type === 'removal')).toEqual([
				expect.objectContaining({ email: 'person2@partner.example', action: 'disabled' }),
			]);
			expect(['person0', 'person1', 'person2'].map((name) => enabled(emulator, `${name}@partner.example`))).toEqual([true, true, false]);
		});

		it('removes when every safeguard agrees, and the dry run reports exactly what the real run then does', async () => {
			await runGuestSync(emulator, people(6));
			const dry = await runGuestSync(emulator, people(5), { ...disableLeavers, dryRun: true });
			const real = await runGuestSync(emulator, people(5), disableLeavers);
			const shape = (json: IDataObject[]) =>
				json.map(({ dryRun: _dryRun, reason: _reason, ...rest }) => rest);
			expect(shape(outputJson(dry))).toEqual(shape(outputJson(real)));
			expect(outputJson(real).filter((json) => json.type === 'removal')).toEqual([
				expect.objectContaining({ email: 'person5@partner.example', action: 'disabled' }),
			]);
			expect(enabled(emulator, 'person5@partner.example')).toBe(false);

			// Withheld: the dry run says so in the same words.
			const dryWithheld = await runGuestSync(emulator, people(1), { ...disableLeavers, dryRun: true });
			const realWithheld = await runGuestSync(emulator, people(1), disableLeavers);
			expect(summaryOf(dryWithheld).removal).toEqual(summaryOf(realWithheld).removal);
			expect(summaryOf(realWithheld).removal).toMatchObject({ withheld: true });
		});

		it('is not offered to AI agents: the tool variant lists only Find and Invite, and refuses Sync and Remove', async () => {
			const tool = asTool(new M365GuestSync());
			const operations = tool.description.properties.filter((property) => property.name === 'operation');
			const forTool = operations.find((property) => property.displayOptions?.show?.['@tool']?.[0] === true);
			expect((forTool?.options as Array<{ value: string }>).map((option) => option.value)).toEqual(['find', 'invite']);

			await runGuestSync(emulator, people(2));
			emulator.requests.reset();
			for (const operation of ['sync', 'remove']) {
				const result = await runNode({
					nodeType: tool,
					parameters: { resource: 'guest', operation, sourceName: 'slack', email: 'person0@partner.example', removal: 'delete', inputIsComplete: true, minShareSeen: 0 },
					credentials: { m365TenantAppApi: tenantCredential(emulator) },
					inputItems: [{ email: 'person1@partner.example' }],
				});
				expect(result.error?.message).toContain('not available when the node is used as an AI agent\'s tool');
			}
			expect(emulator.requests.count({ host: 'graph' })).toBe(0);
			expect(guestByMail(emulator, 'person0@partner.example')).toBeDefined();
		});
	});

	it('reports a member who now owns a managed guest\'s email, and does not update the guest', async () => {
		await runGuestSync(emulator, [{ email: 'ada@partner.example', displayName: 'Ada Lovelace' }]);
		const guest = guestByMail(emulator, 'ada@partner.example')!;
		// The partner was hired: a member account whose other email is the address the guest was invited with.
		emulator.state.addUser(
			buildUser({ id: 'b5d1a4a8-6c39-4c47-9d7e-0f3b2a1c9d10', displayName: 'Ada Lovelace', upn: 'ada@contoso.onmicrosoft.com', otherMails: ['ada@partner.example'], kind: 'member' }),
		);
		const result = await runGuestSync(emulator, [{ email: 'ada@partner.example', displayName: 'Ada King' }], { ...disableLeavers, minShareSeen: 0 });
		expect(userResults(result)[0]).toMatchObject({ action: 'skipped', userId: guest.user.id, reason: expect.stringContaining('Conflict') });
		expect(userResults(result)[0].reason).toContain('ada@contoso.onmicrosoft.com');
		expect(guestByMail(emulator, 'ada@partner.example')?.user.displayName).toBe('Ada Lovelace');
		expect(summaryOf(result).removal).toMatchObject({ candidates: 0 });
	});

	describe('international addresses', () => {
		it('an NFD input meets the guest invited from NFC: no invitation, no removal', async () => {
			await runGuestSync(emulator, [{ email: 'Jos\u00e9@partner.example', displayName: 'Jos\u00e9' }]);
			emulator.requests.reset();
			const result = await runGuestSync(emulator, [{ email: 'Jose\u0301@partner.example', displayName: 'Jos\u00e9' }], { ...disableLeavers, minShareSeen: 0 });
			expect(userResults(result).map((json) => json.action)).toEqual(['unchanged']);
			expect(summaryOf(result).removal).toMatchObject({ candidates: 0 });
			expect(writeCount(emulator)).toBe(0);
		});

		it('invites an internationalised domain in ASCII and recognises it given in Unicode or ASCII', async () => {
			const first = await runGuestSync(emulator, [{ email: 'ada@b\u00fccher.example', displayName: 'Ada' }]);
			expect(userResults(first)[0]).toMatchObject({ action: 'invited', email: 'ada@xn--bcher-kva.example' });
			expect(guestByMail(emulator, 'ada@xn--bcher-kva.example')).toBeDefined();
			emulator.requests.reset();
			const again = await runGuestSync(emulator, [{ email: 'ada@xn--bcher-kva.example', displayName: 'Ada' }], { ...disableLeavers, minShareSeen: 0 });
			expect(userResults(again).map((json) => json.action)).toEqual(['unchanged']);
			expect(writeCount(emulator)).toBe(0);
		});

		it('finds a guest Entra holds with a Unicode domain', async () => {
			emulator.state.addUser(
				buildUser({ id: '3f0f7c1e-2b8a-4d55-9e61-7a2c4b9d0e11', displayName: 'Grace', upn: 'grace_b\u00fccher.example#EXT#@contoso.onmicrosoft.com', mail: 'grace@b\u00fccher.example', kind: 'guest' }),
			);
			const result = await runGuestSync(emulator, [{ email: 'grace@xn--bcher-kva.example', displayName: 'Grace' }]);
			expect(userResults(result)[0]).toMatchObject({ action: 'skipped', userId: '3f0f7c1e-2b8a-4d55-9e61-7a2c4b9d0e11', reason: expect.stringContaining('Adopt Existing Guests') });
		});
	});

	it('a $batch refused part-way keeps the report of what was done, marks the rest failed, and sends nothing after it', async () => {
		// After the first batch of 20 invitations is marked, Graph refuses the next $batch as a whole (a permission
		// removed mid-run).
		let marked = 0;
		let refusedAt = -1;
		emulator.events.on('change', (event) => {
			if (event.changeType !== 'updated' || refusedAt >= 0) return;
			marked += 1;
			if (marked === 20) {
				refusedAt = emulator.requests.entries().length;
				emulator.faults.add({ kind: 'status', status: 403, code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.', method: 'POST', path: /\$batch$/, subRequests: false, times: 1 });
			}
		});
		const result = await runGuestSync(emulator, people(45), { ...disableLeavers, minShareSeen: 0 });
		expect(result.error).toBeUndefined();
		const users = userResults(result);
		expect(users).toHaveLength(45);
		expect(users.slice(0, 20).every((json) => json.action === 'invited' && !json.reason)).toBe(true);
		expect(users.slice(20).every((json) => json.action === 'failed' && String(json.reason).startsWith('Not synced: The sync stopped'))).toBe(true);
		const summary = summaryOf(result);
		expect(summary).toMatchObject({ invited: 20, failed: 25, total: 45, stopped: expect.stringContaining('Insufficient privileges') });
		// The refused $batch is the last request: nothing queued was sent after it.
		const entries = emulator.requests.entries();
		const refused = entries.findIndex((entry) => !entry.batch && entry.status === 403);
		expect(refused).toBeGreaterThanOrEqual(refusedAt);
		expect(entries.slice(refused + 1)).toEqual([]);
		expect(emulator.requests.count({ method: 'POST', path: /\/invitations$/, batch: true })).toBe(20);
		expect(emulator.state.users().filter((record) => (record.user.mail ?? '').endsWith('@partner.example'))).toHaveLength(20);
		expect(guestByMail(emulator, 'person19@partner.example')?.user).toMatchObject({ [MARKER]: 'slack' });
	});

	it('a permission removed mid-run (403 on every update) stops the updates still queued and reports the rest failed', async () => {
		await runGuestSync(emulator, people(100));
		emulator.faults.add({ kind: 'status', status: 403, code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.', method: 'PATCH', path: '/users/*', topLevel: false });
		emulator.requests.reset();
		const renamed = people(100).map((person) => ({ ...person, displayName: `${person.displayName} (renamed)` }));
		const result = await runGuestSync(emulator, renamed, { ...disableLeavers, minShareSeen: 0 });
		const users = userResults(result);
		// Four $batch calls of 20 were in flight; the fifth was not sent.
		expect(emulator.requests.count({ method: 'PATCH', batch: true })).toBe(80);
		expect(users.filter((json) => json.action === 'failed' && String(json.reason).includes('User.ReadWrite.All'))).toHaveLength(80);
		expect(users.filter((json) => json.action === 'failed' && String(json.reason).startsWith('Not synced'))).toHaveLength(20);
		expect(summaryOf(result)).toMatchObject({ failed: 100, stopped: expect.stringContaining('Graph refused to update a guest') });
	});

	it('never lets a member be removed or a seeded guest be touched through any of this', async () => {
		const result = await runGuestSync(emulator, [{ email: SEED_USERS.adele.mail }], { ...disableLeavers, minShareSeen: 0 });
		expect(userResults(result)[0].action).toBe('skipped');
		expect(writeCount(emulator)).toBe(0);
	});
});

/** The node as n8n offers it to AI agents (n8n's convertNodeToAiTool: the type name gets "Tool"). */
function asTool(node: M365GuestSync): M365GuestSync {
	const description: INodeTypeDescription = { ...node.description, name: `${node.description.name}Tool`, displayName: `${node.description.displayName} Tool` };
	return Object.assign(Object.create(Object.getPrototypeOf(node)) as M365GuestSync, node, { description });
}
