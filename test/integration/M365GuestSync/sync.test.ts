import { SEED_GUESTS, SEED_USERS, type Emulator } from '../../emulator';
import { guestByMail, MARKER, outputJson, runGuestSync, startTenant, summaryOf, userResults, writeCount } from './setup';

const partners = [
	{ email: 'ada@partner.example', displayName: 'Ada Lovelace', companyName: 'Analytical Engines' },
	{ email: 'Grace@Partner.example', displayName: 'Grace Hopper' },
	{ email: 'linus@kernel.example', displayName: 'Linus T', jobTitle: 'Maintainer' },
];

describe('Guest sync against the emulator', () => {
	let emulator: Emulator;

	beforeAll(async () => {
		emulator = await startTenant();
	});
	afterAll(async () => {
		await emulator.close();
	});

	it('invites the missing users, marks them, and makes zero writes on a second run', async () => {
		const first = await runGuestSync(emulator, partners);
		expect(first.error).toBeUndefined();
		expect(userResults(first).map((json) => [json.email, json.action])).toEqual([
			['ada@partner.example', 'invited'],
			['grace@partner.example', 'invited'],
			['linus@kernel.example', 'invited'],
		]);
		const ada = guestByMail(emulator, 'ada@partner.example');
		expect(ada?.user).toMatchObject({
			userType: 'Guest',
			displayName: 'Ada Lovelace',
			companyName: 'Analytical Engines',
			userPrincipalName: 'ada_partner.example#EXT#@contoso.onmicrosoft.com',
			externalUserState: 'PendingAcceptance',
			[MARKER]: 'slack',
		});
		expect(guestByMail(emulator, 'linus@kernel.example')?.user).toMatchObject({ jobTitle: 'Maintainer', [MARKER]: 'slack' });
		expect(summaryOf(first)).toMatchObject({ invited: 3, total: 3, dryRun: false });

		emulator.requests.reset();
		const second = await runGuestSync(emulator, partners);
		expect(userResults(second).map((json) => json.action)).toEqual(['unchanged', 'unchanged', 'unchanged']);
		expect(writeCount(emulator)).toBe(0);
	});

	it('renames: updates only what changed', async () => {
		emulator.requests.reset();
		const renamed = [{ ...partners[0], displayName: 'Ada King' }, partners[1], partners[2]];
		const result = await runGuestSync(emulator, renamed);
		expect(userResults(result).map((json) => json.action)).toEqual(['updated', 'unchanged', 'unchanged']);
		expect(userResults(result)[0].changes).toEqual({ displayName: 'Ada King' });
		expect(guestByMail(emulator, 'ada@partner.example')?.user.displayName).toBe('Ada King');
		expect(emulator.requests.count({ method: 'PATCH', batch: true })).toBe(1);
	});

	it('never invites or changes a member, and leaves guests it did not create alone', async () => {
		const result = await runGuestSync(emulator, [
			{ email: SEED_USERS.adele.mail, displayName: 'Not Adele' },
			{ email: SEED_GUESTS.jordan.mail, displayName: 'Not Jordan' },
			{ email: 'sam.okafor@northwind.example', displayName: 'Sam via otherMails' },
		]);
		const [member, jordan, sam] = userResults(result);
		expect(member).toMatchObject({ action: 'skipped', reason: expect.stringContaining('member of this tenant') });
		expect(jordan).toMatchObject({ action: 'skipped', reason: expect.stringContaining('Adopt Existing Guests') });
		expect(sam).toMatchObject({ action: 'skipped', userId: SEED_GUESTS.sam.id });
		expect(emulator.state.user(SEED_USERS.adele.id)?.user.displayName).toBe('Adele Vance');
		expect(emulator.state.user(SEED_GUESTS.jordan.id)?.user.displayName).toBe('Jordan Miller');
	});

	it('adopts existing unmarked guests when asked', async () => {
		const result = await runGuestSync(emulator, [{ email: SEED_GUESTS.jordan.mail, displayName: 'Jordan Miller' }], {
			options: { adoptUnmarkedGuests: true },
		});
		expect(userResults(result)[0]).toMatchObject({ action: 'updated', changes: { [MARKER]: 'slack' } });
		expect((emulator.state.user(SEED_GUESTS.jordan.id)?.user as unknown as Record<string, unknown>)[MARKER]).toBe('slack');
	});

	it('reports invalid and duplicate emails per item and syncs the rest', async () => {
		const result = await runGuestSync(emulator, [
			{ email: 'not an email' },
			{ email: 'ada@partner.example', displayName: 'Ada King' },
			{ email: 'ADA@partner.example', displayName: 'Other Ada' },
			{ email: 'plus+tag@partner.example' },
		]);
		expect(userResults(result).map((json) => json.action)).toEqual(['failed', 'unchanged', 'skipped', 'failed']);
		expect(userResults(result)[2].reason).toContain('input item 1');
		// An invalid email is echoed as given, so the row can be found in the source.
		expect(userResults(result)[0]).toMatchObject({ email: 'not an email', reason: expect.stringContaining('is not an email address') });
		expect(userResults(result)[3]).toMatchObject({ email: 'plus+tag@partner.example', action: 'failed' });
		expect(outputJson(result).length).toBe(5);
	});
});
