// The emulator's presence area against Graph's documented contract, over HTTP with the emulator's own tokens
// (no node involved): shapes, limits, pairs, aggregation, expiry, permissions and change events.
import type { ChangeEvent } from '../../emulator';
import { SEED_APPS, SEED_USERS, startEmulator, type Emulator } from '../../emulator';
import { emulatorRequest } from '../../emulator/testClient';

let emulator: Emulator;
let appToken: string;
beforeAll(async () => {
	emulator = await startEmulator();
	appToken = emulator.tokens.issueAppToken(SEED_APPS.main.appId);
});
afterAll(async () => {
	await emulator.close();
});

const call = (method: string, path: string, json?: unknown, token = appToken) =>
	emulatorRequest(`${emulator.graphUrl}/v1.0${path}`, { method, json, token });
const session = (userId: string, availability: string, activity: string, expirationDuration?: string) =>
	call('POST', `/users/${userId}/presence/setPresence`, { sessionId: SEED_APPS.main.appId, availability, activity, ...(expirationDuration ? { expirationDuration } : {}) });
const shown = async (userId: string) => {
	const response = await call('GET', `/users/${userId}/presence`);
	return `${response.json.availability}/${response.json.activity}`;
};

describe('presence reads', () => {
	it('GET /users/{id}/presence has Graph shape', async () => {
		const response = await call('GET', `/users/${SEED_USERS.alex.id}/presence`);
		expect(response.status).toBe(200);
		expect(response.json).toMatchObject({
			id: SEED_USERS.alex.id,
			availability: 'Busy',
			activity: 'InACall',
			statusMessage: null,
			outOfOfficeSettings: { message: null, isOutOfOffice: false },
		});
		expect(response.json['@odata.context']).toContain(`users('${SEED_USERS.alex.id}')/presence`);
	});

	it('getPresencesByUserId: known, unknown and unlicensed ids; 650 at most; GUIDs only', async () => {
		const unknown = '0f0f0f0f-1111-4222-8333-444455556666';
		const response = await call('POST', '/communications/getPresencesByUserId', { ids: [SEED_USERS.adele.id, unknown, SEED_USERS.pradeep.id] });
		expect(response.status).toBe(200);
		expect(response.json.value.map((p: { availability: string }) => p.availability)).toEqual(['Available', 'PresenceUnknown', 'PresenceUnknown']);
		const tooMany = Array.from({ length: 651 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
		expect((await call('POST', '/communications/getPresencesByUserId', { ids: tooMany })).status).toBe(400);
		expect((await call('POST', '/communications/getPresencesByUserId', { ids: tooMany.slice(0, 650) })).status).toBe(200);
		expect((await call('POST', '/communications/getPresencesByUserId', { ids: ['adele@contoso.com'] })).status).toBe(400);
	});

	it('/me/presence works with a delegated token only; another user needs Presence.Read.All', async () => {
		const own = emulator.tokens.issueDelegatedTokens(SEED_APPS.main.appId, SEED_USERS.integration.id, ['Presence.Read']).accessToken;
		expect((await call('GET', '/me/presence', undefined, own)).json.availability).toBe('Available');
		expect((await call('GET', `/users/${SEED_USERS.alex.id}/presence`, undefined, own)).status).toBe(403);
		expect((await call('GET', '/me/presence')).status).toBe(400);
	});
});

describe('presence writes', () => {
	it('accepts exactly the documented session pairs and the PT5M..PT4H expiry', async () => {
		const megan = SEED_USERS.megan.id;
		for (const [availability, activity] of [['Available', 'Available'], ['Busy', 'InACall'], ['Busy', 'InAConferenceCall'], ['Away', 'Away'], ['DoNotDisturb', 'Presenting']]) {
			expect((await session(megan, availability, activity)).status).toBe(200);
		}
		const invalid = await session(megan, 'Busy', 'InAMeeting');
		expect(invalid.status).toBe(400);
		expect(invalid.json.error.code).toBe('BadRequest');
		expect((await session(megan, 'Available', 'Available', 'PT4M')).status).toBe(400);
		expect((await session(megan, 'Available', 'Available', 'PT5H')).status).toBe(400);
		expect((await session(megan, 'Available', 'Available', 'PT4H')).status).toBe(200);
		const wrongSession = await call('POST', `/users/${megan}/presence/setPresence`, { sessionId: SEED_APPS.partial.appId, availability: 'Away', activity: 'Away' });
		expect(wrongSession.status).toBe(400);
		expect((await call('POST', `/users/${megan}/presence/clearPresence`, { sessionId: SEED_APPS.main.appId })).status).toBe(200);
	});

	it('aggregates: DoNotDisturb > Busy > Available > Away; preferred beats sessions; expiry and fading follow the clock', async () => {
		const isaiah = SEED_USERS.isaiah.id; // Offline in Teams: our session is the only one.
		expect(await shown(isaiah)).toBe('Offline/Offline');
		await session(isaiah, 'Away', 'Away', 'PT10M');
		expect(await shown(isaiah)).toBe('Away/Away');
		await session(isaiah, 'Available', 'Available', 'PT30M');
		expect(await shown(isaiah)).toBe('Available/Available');
		emulator.clock.advance(6 * 60);
		expect(await shown(isaiah)).toBe('AvailableIdle/Inactive');
		emulator.clock.advance(5 * 60);
		expect(await shown(isaiah)).toBe('Away/Away');
		await session(isaiah, 'Busy', 'InACall', 'PT5M');
		expect(await shown(isaiah)).toBe('Busy/InACall');
		expect((await call('POST', `/users/${isaiah}/presence/setUserPreferredPresence`, { availability: 'BeRightBack', activity: 'BeRightBack' })).status).toBe(200);
		expect(await shown(isaiah)).toBe('BeRightBack/BeRightBack');
		expect((await call('POST', `/users/${isaiah}/presence/setUserPreferredPresence`, { availability: 'Busy', activity: 'InACall' })).status).toBe(400);
		await call('POST', `/users/${isaiah}/presence/clearUserPreferredPresence`);
		emulator.clock.advance(6 * 60);
		// The Busy session expired; nothing is left: Offline. Preferred presence alone would not show.
		expect(await shown(isaiah)).toBe('Offline/Offline');
		expect((await call('POST', `/users/${isaiah}/presence/clearPresence`, { sessionId: SEED_APPS.main.appId })).status).toBe(404);
	});

	it('refuses writes without Presence.ReadWrite.All, and delegated writes to other users', async () => {
		const reader = emulator.tokens.issueAppToken(SEED_APPS.partial.appId);
		const denied = await call('POST', `/users/${SEED_USERS.adele.id}/presence/setPresence`, { sessionId: SEED_APPS.partial.appId, availability: 'Away', activity: 'Away' }, reader);
		expect(denied.status).toBe(403);
		expect(denied.json.error.message).toContain("API requires one of 'Presence.ReadWrite.All'");
		const delegated = emulator.tokens.issueDelegatedTokens(SEED_APPS.main.appId, SEED_USERS.integration.id, ['Presence.ReadWrite']).accessToken;
		expect((await call('POST', `/users/${SEED_USERS.integration.id}/presence/setPresence`, { sessionId: SEED_APPS.main.appId, availability: 'Away', activity: 'Away' }, delegated)).status).toBe(200);
		expect((await call('POST', `/users/${SEED_USERS.adele.id}/presence/setPresence`, { sessionId: SEED_APPS.main.appId, availability: 'Away', activity: 'Away' }, delegated)).status).toBe(403);
		expect((await call('POST', `/users/${SEED_USERS.lee.id}/presence/setPresence`, { sessionId: SEED_APPS.main.appId, availability: 'Away', activity: 'Away' })).status).toBe(404);
	});

	it("announces changes of the aggregated presence on communications/presences('{id}'), including expiry", async () => {
		const events: ChangeEvent[] = [];
		const listener = (event: ChangeEvent) => events.push(event);
		emulator.events.on('change', listener);
		const lynne = SEED_USERS.lynne.id;
		await session(lynne, 'Busy', 'InACall', 'PT5M');
		await session(lynne, 'Busy', 'InACall', 'PT5M'); // same presence: no second event
		emulator.clock.advance(5 * 60 + 1);
		emulator.events.off('change', listener);
		const presenceEvents = events.filter((e) => e.resource === `communications/presences('${lynne}')`);
		expect(presenceEvents.map((e) => [e.changeType, (e.entity as { availability: string }).availability])).toEqual([
			['updated', 'Busy'],
			['updated', 'BeRightBack'],
		]);
		expect(presenceEvents[0].subscriptionResources).toContain(`/communications/presences/${lynne.toLowerCase()}`);
	});
});
