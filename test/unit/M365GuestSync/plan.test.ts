import { checkEmail, normalizeAddress } from '../../../nodes/M365GuestSync/email';
import { chunk } from '../../../nodes/shared/chunk';
import {
	addressesOf,
	attributeChanges,
	matchDirectoryUser,
	planRemovals,
	planSourceUser,
	prepareSource,
	SMALL_SOURCE_GUESTS,
	summarize,
	type DirectoryUser,
	type PlanOptions,
	type SourceUser,
} from '../../../nodes/M365GuestSync/plan';

const MARKER = 'extension_0a1b2c_m365GuestSyncSource';
const options: PlanOptions = { sourceName: 'slack', markerAttribute: MARKER, adoptUnmarkedGuests: false };

function guest(overrides: Partial<DirectoryUser> = {}): DirectoryUser {
	return {
		id: 'g1',
		displayName: 'Ada Lovelace',
		mail: 'ada@partner.example',
		otherMails: ['ada@partner.example'],
		userPrincipalName: 'ada_partner.example#EXT#@contoso.onmicrosoft.com',
		userType: 'Guest',
		accountEnabled: true,
		companyName: null,
		jobTitle: null,
		marker: 'slack',
		...overrides,
	};
}

const ada: SourceUser = { itemIndex: 0, email: 'ada@partner.example', displayName: 'Ada Lovelace' };

describe('checkEmail', () => {
	it('trims and lower-cases a valid address', () => {
		expect(checkEmail('  Ada.Lovelace@Partner.Example ')).toEqual({ ok: true, email: 'ada.lovelace@partner.example' });
	});

	it.each([
		['', 'empty'],
		[undefined, 'empty'],
		['ada', 'not an email'],
		['ada@', 'not an email'],
		['@partner.example', 'not an email'],
		['a@b@partner.example', 'not an email'],
		['ada+news@partner.example', 'character'],
		["o'neil@partner.example", 'character'],
		['ada lovelace@partner.example', 'character'],
		['.ada@partner.example', 'period or hyphen'],
		['ada-@partner.example', 'period or hyphen'],
		['ad..a@partner.example', 'two periods'],
		['ada@partner', 'domain'],
		['ada@-partner.example', 'domain'],
		['ada@partner.123', 'domain'],
	])('rejects %p (%s)', (raw, why) => {
		const result = checkEmail(raw);
		expect(result.ok).toBe(false);
		if (!result.ok) expect(result.reason).toContain(why);
	});

	it('accepts underscores anywhere and inner periods and hyphens', () => {
		expect(checkEmail('_a.b-c_@sub.partner-co.example').ok).toBe(true);
	});
});

describe('prepareSource', () => {
	it('keeps the first of duplicate emails and reports later ones and invalid ones per item', () => {
		const prepared = prepareSource([
			{ itemIndex: 0, email: 'Ada@Partner.example', displayName: ' Ada ', companyName: '' },
			{ itemIndex: 1, email: 'not-an-email' },
			{ itemIndex: 2, email: 'ada@partner.example', displayName: 'Other' },
			{ itemIndex: 3, email: 'bob@partner.example' },
		]);
		expect(prepared.users.map((user) => [user.itemIndex, user.email])).toEqual([
			[0, 'ada@partner.example'],
			[3, 'bob@partner.example'],
		]);
		expect(prepared.users[0].displayName).toBe('Ada');
		expect(prepared.users[0].companyName).toBeUndefined();
		expect(prepared.rejected).toEqual([
			{ itemIndex: 1, kind: 'invalid', email: 'not-an-email', reason: expect.stringContaining('not an email') },
			{ itemIndex: 2, kind: 'duplicate', email: 'ada@partner.example', reason: expect.stringContaining('input item 0') },
		]);
	});
});

describe('matchDirectoryUser', () => {
	it('finds no match', () => {
		expect(matchDirectoryUser('x@y.example', [guest()], 'slack')).toEqual({ kind: 'none' });
	});

	it('matches by mail, otherMails or userPrincipalName, case-insensitively', () => {
		expect(matchDirectoryUser('ada@partner.example', [guest({ mail: 'ADA@partner.example' })], 'slack').kind).toBe('guest');
		expect(matchDirectoryUser('ada2@partner.example', [guest({ otherMails: ['Ada2@Partner.example'] })], 'slack').kind).toBe('guest');
		const member: DirectoryUser = { id: 'm1', userPrincipalName: 'ada@contoso.example', userType: 'Member', mail: null };
		expect(matchDirectoryUser('ada@contoso.example', [member], 'slack')).toEqual({ kind: 'member', user: member });
	});

	it('prefers a member over any guest', () => {
		const member: DirectoryUser = { id: 'm1', mail: 'ada@partner.example', userType: 'Member' };
		expect(matchDirectoryUser('ada@partner.example', [guest(), member], 'slack').kind).toBe('member');
	});

	it('treats a user without userType as a member (never invited over)', () => {
		expect(matchDirectoryUser('ada@partner.example', [guest({ userType: null })], 'slack').kind).toBe('member');
	});

	it('picks our marked guest among several, then the one whose mail is the email, else ambiguous', () => {
		const other = guest({ id: 'g2', marker: null, mail: 'someone@else.example', otherMails: ['ada@partner.example'] });
		expect(matchDirectoryUser('ada@partner.example', [other, guest()], 'slack')).toEqual({ kind: 'guest', user: guest() });
		const unmarked = guest({ marker: null });
		expect(matchDirectoryUser('ada@partner.example', [other, unmarked], 'slack')).toEqual({ kind: 'guest', user: unmarked });
		const twin = guest({ id: 'g3', marker: null });
		expect(matchDirectoryUser('ada@partner.example', [twin, unmarked], 'slack').kind).toBe('ambiguous');
	});

	it('does not count the same user twice', () => {
		expect(matchDirectoryUser('ada@partner.example', [guest(), guest()], 'slack').kind).toBe('guest');
	});
});

describe('planSourceUser', () => {
	it('invites a new user and follows up with the marker and the other managed attributes', () => {
		const plan = planSourceUser({ ...ada, companyName: 'Analytical Engines' }, { kind: 'none' }, options);
		expect(plan).toEqual({
			kind: 'invite',
			source: { ...ada, companyName: 'Analytical Engines' },
			followUp: { companyName: 'Analytical Engines', [MARKER]: 'slack' },
		});
	});

	it('never touches a member', () => {
		const member: DirectoryUser = { id: 'm1', userPrincipalName: 'ada@contoso.example', userType: 'Member' };
		const plan = planSourceUser(ada, { kind: 'member', user: member }, options);
		expect(plan.kind).toBe('skip');
		if (plan.kind === 'skip') expect(plan.reason).toContain('member of this tenant');
	});

	it('leaves our guest unchanged when nothing differs', () => {
		expect(planSourceUser(ada, { kind: 'guest', user: guest() }, options).kind).toBe('unchanged');
	});

	it('updates only the attributes that changed and the source provides', () => {
		const plan = planSourceUser(
			{ ...ada, displayName: 'Ada King', jobTitle: 'Analyst' },
			{ kind: 'guest', user: guest({ companyName: 'Keep Me' }) },
			options,
		);
		expect(plan).toMatchObject({ kind: 'update', changes: { displayName: 'Ada King', jobTitle: 'Analyst' }, adopted: false });
	});

	it('enables again a guest it had disabled', () => {
		const plan = planSourceUser(ada, { kind: 'guest', user: guest({ accountEnabled: false }) }, options);
		expect(plan).toMatchObject({ kind: 'update', changes: { accountEnabled: true } });
	});

	it('leaves an unmarked guest alone unless adoption is on, then marks it', () => {
		const unmarked = guest({ marker: null, accountEnabled: false });
		const left = planSourceUser(ada, { kind: 'guest', user: unmarked }, options);
		expect(left.kind).toBe('skip');
		if (left.kind === 'skip') expect(left.reason).toContain('Adopt Existing Guests');
		const adopted = planSourceUser(ada, { kind: 'guest', user: unmarked }, { ...options, adoptUnmarkedGuests: true });
		// Adoption does not re-enable a guest someone else disabled.
		expect(adopted).toMatchObject({ kind: 'update', changes: { [MARKER]: 'slack' }, adopted: true });
	});

	it('never adopts a guest of another sync', () => {
		const plan = planSourceUser(ada, { kind: 'guest', user: guest({ marker: 'googleChat' }) }, { ...options, adoptUnmarkedGuests: true });
		expect(plan.kind).toBe('skip');
		if (plan.kind === 'skip') expect(plan.reason).toContain('"googleChat"');
	});

	it('skips an ambiguous email naming the guests', () => {
		const plan = planSourceUser(ada, { kind: 'ambiguous', users: [guest(), guest({ id: 'g2' })] }, options);
		expect(plan.kind).toBe('skip');
		if (plan.kind === 'skip') expect(plan.reason).toContain('g1, g2');
	});
});

describe('attributeChanges', () => {
	it('does not manage attributes the source leaves empty', () => {
		expect(attributeChanges({ itemIndex: 0, email: 'a@b.example' }, guest({ jobTitle: 'x' }))).toEqual({});
	});
});

describe('planRemovals', () => {
	const managed = [
		guest({ id: 'keep' }),
		guest({ id: 'gone1', mail: 'gone1@partner.example', otherMails: [], userPrincipalName: 'gone1_partner.example#EXT#@contoso.onmicrosoft.com' }),
		guest({ id: 'gone2', mail: 'gone2@partner.example', otherMails: [], userPrincipalName: 'gone2', accountEnabled: false }),
	];
	const input = new Set(['ada@partner.example']);
	const gate = { sourceName: 'slack', maxRemovals: 10 };

	it('plans nothing when removal is off', () => {
		expect(planRemovals(managed, input, 'none', gate)).toMatchObject({ mode: 'none', targets: [], candidates: 0 });
	});

	it('deletes every managed guest no longer in the input', () => {
		expect(planRemovals(managed, input, 'delete', gate).targets.map((user) => user.id)).toEqual(['gone1', 'gone2']);
	});

	it('disables only guests still enabled, so a second run writes nothing', () => {
		expect(planRemovals(managed, input, 'disable', gate).targets.map((user) => user.id)).toEqual(['gone1']);
	});

	it('keeps a guest whose other address is still in the input', () => {
		expect(planRemovals(managed, new Set(['ada@partner.example', 'gone1_partner.example#ext#@contoso.onmicrosoft.com']), 'delete', gate).targets.map((user) => user.id)).toEqual(['gone2']);
	});

	it('refuses the whole removal phase above the cap', () => {
		const plan = planRemovals(managed, input, 'delete', { ...gate, maxRemovals: 1 });
		expect(plan.targets).toEqual([]);
		expect(plan.candidates).toBe(2);
		expect(plan.withheldReason).toContain('maximum of 1');
	});

	it('never removes a member even if it carries the marker', () => {
		const member = guest({ id: 'member', userType: 'Member', mail: 'm@contoso.example', otherMails: [], userPrincipalName: 'm@contoso.example' });
		expect(planRemovals([member], input, 'delete', gate).targets).toEqual([]);
	});

	it('weighs only guests whose marker is exactly this source name (the directory filter ignores case)', () => {
		const otherSync = guest({ id: 'other', mail: 'x@partner.example', otherMails: [], userPrincipalName: 'x', marker: 'Slack' });
		const plan = planRemovals([otherSync], input, 'delete', gate);
		expect(plan).toMatchObject({ targets: [], candidates: 0 });
	});

	it('counts a guest whose address is on a rejected row as still in the source', () => {
		const plan = planRemovals(managed, input, 'delete', { ...gate, rejectedAddresses: new Set(['gone1@partner.example']) });
		expect(plan.targets.map((user) => user.id)).toEqual(['gone2']);
		expect(plan.seen).toBe(2);
	});

	it('withholds removal when the input holds less than the minimum share of this source\'s guests', () => {
		const plan = planRemovals(managed, input, 'delete', { ...gate, minShareSeen: 0.5 });
		expect(plan).toMatchObject({ targets: [], candidates: 2, seen: 1 });
		expect(plan.withheldReason).toContain('1 of the 3 guests');
		expect(planRemovals(managed, input, 'delete', { ...gate, minShareSeen: 0.3 }).targets).toHaveLength(2);
	});

	describe('in a small source (the share is coarse there)', () => {
		/** `total` guests of this source, of which the input still holds `inInput`. */
		const source = (total: number, inInput: number) => {
			const guests = Array.from({ length: total }, (_, i) => guest({ id: `p${i}`, mail: `p${i}@partner.example`, otherMails: [], userPrincipalName: `p${i}` }));
			return { guests, input: new Set(guests.slice(0, inInput).map((user) => user.mail as string)) };
		};
		const shareGate = { ...gate, minShareSeen: 0.8 };

		it('lets one guest of three leave below the share (2 of 3 is 66.7%)', () => {
			const { guests, input: holds } = source(3, 2);
			expect(planRemovals(guests, holds, 'disable', shareGate)).toMatchObject({ targets: [{ id: 'p2' }], candidates: 1, seen: 2 });
			expect(planRemovals(guests, holds, 'disable', shareGate).withheldReason).toBeUndefined();
		});

		it('still withholds when more than one leaves at once below the share, or when none is left in the input', () => {
			const two = planRemovals(source(3, 1).guests, source(3, 1).input, 'disable', shareGate);
			expect(two).toMatchObject({ targets: [], candidates: 2, seen: 1 });
			expect(two.withheldReason).toContain('one guest may leave per run below it while another is still in the input; here 2 left');
			const alone = planRemovals(source(1, 0).guests, source(1, 0).input, 'delete', shareGate);
			expect(alone).toMatchObject({ targets: [], candidates: 1, seen: 0 });
			expect(alone.withheldReason).toContain('here 1 left and none is in the input');
		});

		it(`applies the share in full above ${SMALL_SOURCE_GUESTS} guests, and up to the size the single leaver may go whatever the share`, () => {
			const strict = { ...gate, minShareSeen: 0.95 };
			const atSize = source(SMALL_SOURCE_GUESTS, SMALL_SOURCE_GUESTS - 1);
			expect(planRemovals(atSize.guests, atSize.input, 'disable', strict).targets).toHaveLength(1);
			const above = source(SMALL_SOURCE_GUESTS + 1, SMALL_SOURCE_GUESTS);
			const withheld = planRemovals(above.guests, above.input, 'disable', strict);
			expect(withheld).toMatchObject({ targets: [], candidates: 1, seen: SMALL_SOURCE_GUESTS });
			expect(withheld.withheldReason).toContain('less than the Minimum Share Seen of 95%;');
		});

		it('takes Minimum Share Seen 0 as no share check, small source or not', () => {
			const { guests, input: holds } = source(3, 0);
			expect(planRemovals(guests, holds, 'disable', { ...gate, minShareSeen: 0 }).targets).toHaveLength(3);
		});
	});

	it('withholds removal for every reason given before the guests are read, and says which', () => {
		const plan = planRemovals(managed, input, 'delete', { ...gate, withheldReasons: ['Input Is the Complete Source is off'] });
		expect(plan.targets).toEqual([]);
		expect(plan.withheldReason).toContain('Input Is the Complete Source is off');
		expect(plan.withheldReason).toContain('2 guests of this source are not in this input');
	});

	it('says nothing is withheld when nobody left', () => {
		expect(planRemovals([managed[0]], input, 'delete', { ...gate, withheldReasons: ['x'] }).withheldReason).toBeUndefined();
	});
});

describe('international addresses', () => {
	it('converts the domain to ASCII and composes the address (NFC) before comparing', () => {
		const decomposed = 'Jose\u0301@Bu\u0308cher.example';
		const check = checkEmail(decomposed);
		expect(check).toEqual({ ok: true, email: 'jos\u00e9@xn--bcher-kva.example' });
		expect(normalizeAddress('jos\u00e9@b\u00fccher.example')).toBe('jos\u00e9@xn--bcher-kva.example');
	});

	it('plans an NFD input against the guest Entra holds in Unicode form: no invitation, no removal', () => {
		const held = guest({ id: 'jose', mail: 'jos\u00e9@b\u00fccher.example', otherMails: [], userPrincipalName: 'x' });
		const prepared = prepareSource([{ itemIndex: 0, email: 'Jose\u0301@Bu\u0308cher.example', displayName: 'Ada Lovelace' }]);
		const [source] = prepared.users;
		expect(matchDirectoryUser(source.email, [held], 'slack')).toEqual({ kind: 'guest', user: held });
		expect(planRemovals([held], prepared.byEmail, 'delete', { sourceName: 'slack', maxRemovals: 10 }).candidates).toBe(0);
	});
});

describe('prepareSource, rejected rows', () => {
	it('keeps the addresses of rejected rows and counts rows without any email', () => {
		const prepared = prepareSource([
			{ itemIndex: 0, email: '' },
			{ itemIndex: 1, email: undefined },
			{ itemIndex: 2, email: 'Plus+Tag@Partner.example' },
		]);
		expect(prepared.rowsWithoutEmail).toBe(2);
		expect([...prepared.rejectedAddresses]).toEqual(['plus+tag@partner.example']);
	});

	it('echoes an invalid email as the input gave it, as text; a row without one has none', () => {
		const prepared = prepareSource([
			{ itemIndex: 0, email: ' Plus+Tag@Partner.example ' },
			{ itemIndex: 1, email: 42 },
			{ itemIndex: 2, email: { address: 'x' } },
			{ itemIndex: 3, email: '' },
			{ itemIndex: 4, email: undefined },
			{ itemIndex: 5, email: null },
		]);
		expect(prepared.rejected.map((row) => [row.kind, row.email])).toEqual([
			['invalid', ' Plus+Tag@Partner.example '],
			['invalid', '42'],
			['invalid', '{"address":"x"}'],
			['invalid', ''],
			['invalid', undefined],
			['invalid', undefined],
		]);
	});
});

describe('summarize and chunk', () => {
	it('counts every action', () => {
		const summary = summarize(['invited', 'invited', 'skipped'], true);
		expect(summary).toMatchObject({ invited: 2, skipped: 1, failed: 0, total: 3, dryRun: true });
	});

	it('chunks', () => {
		expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
		expect(addressesOf({ id: 'x' })).toEqual([]);
	});
});
