import { defaultTenant, SEED_APPS, SEED_USERS, startEmulator, type Emulator } from '../../emulator';
import { buildPresence, buildUser } from '../../emulator/state/builders';
import { outputJson, presenceOf, runPresence } from './setup';

const UNKNOWN_ID = '0f0f0f0f-1111-4222-8333-444455556666';

describe('Teams presence: reads', () => {
	let emulator: Emulator;

	beforeAll(async () => {
		const tenant = defaultTenant();
		// 700 more licensed Teams users: listing must page past Graph's page size and the seed's 300-user habit.
		for (let i = 0; i < 700; i++) {
			const id = `a0000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
			tenant.users[id] = buildUser({ id, displayName: `Agent ${i}`, upn: `agent${i}@contoso.onmicrosoft.com`, kind: 'member', licences: ['SPE_E3'] });
			tenant.presence[id] = buildPresence(id, 'Available', 'Available');
		}
		emulator = await startEmulator({ seed: tenant });
	});
	afterAll(async () => {
		await emulator.close();
	});

	it('reads many users by id, UPN and email in one batch, unknown and unlicensed ones included', async () => {
		emulator.requests.reset();
		const result = await runPresence(
			emulator,
			{ resource: 'presence', operation: 'get', users: '={{ $json.users }}' },
			{
				inputItems: [
					{ users: [SEED_USERS.adele.id, SEED_USERS.alex.upn.toUpperCase()] },
					{ users: `${SEED_USERS.megan.mail}, ${SEED_USERS.lee.upn}\n${UNKNOWN_ID}` },
					{ users: 'nobody@contoso.onmicrosoft.com' },
				],
			},
		);
		const rows = outputJson(result);
		expect(rows.map((row) => [row.user, row.found, row.availability, row.activity])).toEqual([
			[SEED_USERS.adele.id, true, 'Available', 'Available'],
			[SEED_USERS.alex.upn.toUpperCase(), true, 'Busy', 'InACall'],
			[SEED_USERS.megan.mail, true, 'DoNotDisturb', 'Presenting'],
			[SEED_USERS.lee.upn, true, 'PresenceUnknown', 'PresenceUnknown'],
			[UNKNOWN_ID, true, 'PresenceUnknown', 'PresenceUnknown'],
			['nobody@contoso.onmicrosoft.com', false, 'PresenceUnknown', 'PresenceUnknown'],
		]);
		expect(rows[1]).toMatchObject({ userId: SEED_USERS.alex.id, displayName: 'Alex Wilber', isOutOfOffice: false });
		expect(result.items[0].map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 0 }, { item: 1 }, { item: 1 }, { item: 1 }, { item: 2 }]);
		// One $batch for the UPN lookup, one for the mail lookup of what was not a UPN, one presence call.
		expect(emulator.requests.count({ host: 'graph', route: 'POST /communications/getPresencesByUserId' })).toBe(1);
		expect(emulator.requests.count({ host: 'graph', batch: false, path: /\$batch$/ })).toBe(2);
	});

	it('refuses an identifier that is neither an id nor an address, naming it', async () => {
		const result = await runPresence(emulator, { resource: 'presence', operation: 'get', users: 'Adele Vance' });
		expect(result.error?.message).toBe('"Adele Vance" in Users is not a user object ID, user principal name or email');
	});

	it('lists every licensed Teams user with presence and phone fields, past 300 and across pages', async () => {
		emulator.requests.reset();
		const result = await runPresence(emulator, { resource: 'presence', operation: 'getAll', returnAll: true });
		const rows = outputJson(result);
		const ids = rows.map((row) => row.userId);
		expect(rows.length).toBe(700 + 7);
		expect(ids).toContain(SEED_USERS.adele.id);
		expect(ids).not.toContain(SEED_USERS.lee.id);
		expect(ids).not.toContain(SEED_USERS.pradeep.id);
		expect(rows.find((row) => row.userId === SEED_USERS.alex.id)).toMatchObject({
			displayName: 'Alex Wilber',
			jobTitle: 'Account Executive',
			businessPhones: [],
			availability: 'Busy',
			activity: 'InACall',
		});
		expect(emulator.requests.count({ host: 'graph', route: 'POST /communications/getPresencesByUserId' })).toBe(2);
	});

	it('lists all directory users when asked, up to a limit', async () => {
		const all = outputJson(await runPresence(emulator, { resource: 'presence', operation: 'getAll', teamsUsersOnly: false, returnAll: true }));
		expect(all.find((row) => row.userId === SEED_USERS.lee.id)).toMatchObject({ availability: 'PresenceUnknown' });
		const limited = outputJson(await runPresence(emulator, { resource: 'presence', operation: 'getAll', limit: 5 }));
		expect(limited).toHaveLength(5);
	});

	it('retries a throttled presence read and still answers', async () => {
		emulator.faults.add({ kind: 'throttle', path: '/communications/getPresencesByUserId', retryAfterSeconds: 0, times: 2 });
		const rows = outputJson(await runPresence(emulator, { resource: 'presence', operation: 'get', users: SEED_USERS.diego.id }));
		expect(rows[0]).toMatchObject({ availability: 'Away', activity: 'Away' });
		expect(emulator.requests.count({ host: 'graph', path: /getPresencesByUserId$/, status: 429 })).toBe(2);
	});
});

describe('Teams presence: writes', () => {
	let emulator: Emulator;

	beforeAll(async () => {
		emulator = await startEmulator();
	});
	afterAll(async () => {
		await emulator.close();
	});

	const user = (id: string) => ({ __rl: true, mode: 'id', value: id });

	it.each(['Available/Available', 'Busy/InACall', 'Busy/InAConferenceCall', 'Away/Away', 'DoNotDisturb/Presenting'])(
		'sets the application session %s with the app id as session id',
		async (status) => {
			const lynne = SEED_USERS.lynne.id;
			const rows = outputJson(await runPresence(emulator, { resource: 'presence', operation: 'setPresence', userId: user(lynne), status, expirationMinutes: 30 }));
			const [availability, activity] = status.split('/');
			expect(rows[0]).toMatchObject({ userId: lynne, sessionId: SEED_APPS.main.appId, availability, activity, expirationDuration: 'PT30M' });
			const session = emulator.state.presenceOf(lynne)?.sessions.find((s) => s.sessionId === SEED_APPS.main.appId);
			expect(session).toMatchObject({ availability, activity });
			// Lynne's own client says BeRightBack (rank of Away): a higher app session shows; Away ties and the newer wins.
			expect(presenceOf(emulator, lynne)).toEqual({ availability, activity });
		},
	);

	it.each([
		['Busy/InAMeeting', "availability 'Busy' and activity 'InAMeeting'"],
		['Offline/Offline', "availability 'Offline' and activity 'Offline'"],
		['Available/Busy', "availability 'Available' and activity 'Busy'"],
	])('passes on Graph\'s 400 for the invalid pair %s', async (status, expected) => {
		const result = await runPresence(emulator, { resource: 'presence', operation: 'setPresence', userId: user(SEED_USERS.adele.id), status });
		expect(result.error?.message).toContain(expected);
		expect((result.error as { httpCode?: string }).httpCode).toBe('400');
	});

	it('refuses an expiry outside 5 to 240 minutes before calling Graph', async () => {
		emulator.requests.reset();
		const result = await runPresence(emulator, { resource: 'presence', operation: 'setPresence', userId: user(SEED_USERS.adele.id), expirationMinutes: 300 });
		expect(result.error?.message).toBe('Expires After (Minutes) is 300: Teams accepts 5 to 240 minutes');
		expect(emulator.requests.count({ host: 'graph', route: 'POST /users/:userId/presence/setPresence' })).toBe(0);
	});

	it('resolves a UPN, clears the session, and reports a second clear as nothing to clear', async () => {
		const diego = SEED_USERS.diego;
		await runPresence(emulator, { resource: 'presence', operation: 'setPresence', userId: { __rl: true, mode: 'upn', value: diego.upn }, status: 'Busy/InACall' });
		expect(presenceOf(emulator, diego.id)).toEqual({ availability: 'Busy', activity: 'InACall' });
		const cleared = outputJson(await runPresence(emulator, { resource: 'presence', operation: 'clearPresence', userId: user(diego.id) }));
		expect(cleared[0]).toMatchObject({ cleared: true });
		expect(presenceOf(emulator, diego.id)).toEqual({ availability: 'Away', activity: 'Away' });
		const again = outputJson(await runPresence(emulator, { resource: 'presence', operation: 'clearPresence', userId: user(diego.id) }));
		expect(again[0]).toMatchObject({ cleared: false });
	});

	it.each(['Available/Available', 'Busy/Busy', 'DoNotDisturb/DoNotDisturb', 'BeRightBack/BeRightBack', 'Away/Away', 'Offline/OffWork'])(
		'sets and clears the preferred presence %s',
		async (status) => {
			const adele = SEED_USERS.adele.id;
			await runPresence(emulator, { resource: 'presence', operation: 'setPreferredPresence', userId: user(adele), status });
			const [availability, activity] = status.split('/');
			expect(presenceOf(emulator, adele)).toEqual({ availability, activity });
			await runPresence(emulator, { resource: 'presence', operation: 'clearPreferredPresence', userId: user(adele) });
			expect(presenceOf(emulator, adele)).toEqual({ availability: 'Available', activity: 'Available' });
		},
	);

	it('names the missing permission when the app may only read presence', async () => {
		const result = await runPresence(emulator, { resource: 'presence', operation: 'setPresence', userId: user(SEED_USERS.adele.id) }, { appKey: 'partial' });
		expect((result.error as { httpCode?: string }).httpCode).toBe('403');
		expect(result.error?.message).toContain('Presence.ReadWrite.All');
		expect(result.error?.description).toContain('grant admin consent');
		const read = outputJson(await runPresence(emulator, { resource: 'presence', operation: 'get', users: SEED_USERS.adele.id }, { appKey: 'partial' }));
		expect(read[0]).toMatchObject({ found: true });
	});
});
