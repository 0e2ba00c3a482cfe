// Microsoft's Teams rules in the emulator (graph/teamsRules.ts, graph/channelThreads.ts, chat date ranges): protected
// APIs, the polling policy, thread order by last change, 200 expanded replies, the channel-messages delta query.
import { type Emulator, queryOf, SEED_APPS, SEED_CHANNELS, SEED_CHATS, SEED_USERS, startEmulator } from '../../emulator';
import { buildChatMessage } from '../../emulator/state/builders';
import { PROTECTED_API_MESSAGE } from '../../emulator/graph/teamsRules';
import { emulatorRequest } from '../../emulator/testClient';

let emulator: Emulator;
let integration: string;
let app: string;
beforeAll(async () => {
	// Raw requests in quick succession without a client-side limiter: Teams' 1 request per second per channel or chat
	// (rule teamsPosting) is off here; it has its own tests (test/unit/emulator/throttling.test.ts).
	emulator = await startEmulator({ clockStart: '2027-03-02T10:00:00Z', rules: { teamsPosting: false } });
});
beforeEach(() => {
	emulator.reset();
	emulator.clock.set('2027-03-02T10:00:00Z');
	integration = emulator.tokens.issueDelegatedTokens(SEED_APPS.main.appId, SEED_USERS.integration.id).accessToken;
	app = emulator.tokens.issueAppToken(SEED_APPS.main.appId);
});
afterAll(async () => {
	await emulator.close();
});

const GENERAL = SEED_CHANNELS.salesGeneral;
const url = (path: string) => `${emulator.graphUrl}/v1.0${path}`;
const channelPath = `/teams/${GENERAL.teamId}/channels/${encodeURIComponent(GENERAL.id)}/messages`;
const chatPath = `/chats/${encodeURIComponent(SEED_CHATS.projectFalcon.id)}/messages`;
const get = (pathOrUrl: string, token: string) => emulatorRequest(pathOrUrl.startsWith('https://') ? pathOrUrl : url(pathOrUrl), { token });
let sequence = 0;

function addChannelMessage(content: string, replyToId?: string) {
	const adele = emulator.state.user(SEED_USERS.adele.id)!;
	return emulator.state.addChannelMessage(
		GENERAL.teamId,
		GENERAL.id,
		buildChatMessage({ createdDateTime: emulator.clock.now().toISOString(), from: adele, content, channel: { teamId: GENERAL.teamId, channelId: GENERAL.id }, replyToId, sequence: ++sequence }),
	);
}

describe('protected APIs', () => {
	it('answers app-only reads of channel and chat messages with 403 until Microsoft approved the app', async () => {
		for (const path of [channelPath, `${channelPath}/delta`, chatPath, `/chats/${encodeURIComponent(SEED_CHATS.projectFalcon.id)}`]) {
			const denied = await get(path, app);
			expect(denied.status).toBe(403);
			expect(denied.json.error).toMatchObject({ code: 'Forbidden', message: PROTECTED_API_MESSAGE });
		}
		// Delegated reads are not protected.
		expect((await get(channelPath, integration)).status).toBe(200);
		await emulatorRequest(`${emulator.graphUrl}/_emulator/apps/${SEED_APPS.main.appId}/protectedApiAccess`, { method: 'POST', json: { approved: true } });
		expect((await get(channelPath, app)).status).toBe(200);
		expect((await get(chatPath, app)).status).toBe(200);
	});

	it('can be switched off', async () => {
		emulator.rules.set({ protectedApis: false });
		expect((await get(channelPath, app)).status).toBe(200);
	});
});

describe('rules control API', () => {
	it('lists the rules with their defaults and switches them', async () => {
		const listed = await emulatorRequest(`${emulator.graphUrl}/_emulator/rules`);
		expect(listed.json).toMatchObject({ protectedApis: { value: true, defaultValue: true }, teamsPollingPolicy: { value: true }, channelThreads: { value: true } });
		const changed = await emulatorRequest(`${emulator.graphUrl}/_emulator/rules`, { method: 'POST', json: { protectedApis: false } });
		expect(changed.json.protectedApis.value).toBe(false);
		expect(emulator.rules.enabled('protectedApis')).toBe(false);
		expect(() => emulator.rules.set({ noSuchRule: true })).toThrow(/Unknown emulator rule/);
		emulator.reset();
		expect(emulator.rules.enabled('protectedApis')).toBe(true);
	});
});

describe('Teams polling policy', () => {
	it('counts reads per resource per UTC day and throttles beyond readsPerDay until the next day', async () => {
		emulator.rules.set({ teamsPollingPolicy: { readsPerDay: 2 } });
		expect((await get(chatPath, integration)).status).toBe(200);
		expect((await get(chatPath, integration)).status).toBe(200);
		const throttled = await get(chatPath, integration);
		expect(throttled.status).toBe(429);
		expect(throttled.json.error.code).toBe('TooManyRequests');
		expect(Number(throttled.headers['retry-after'])).toBe(14 * 3600);
		// Another resource has its own count.
		expect((await get(channelPath, integration)).status).toBe(200);
		emulator.clock.set('2027-03-03T00:00:01Z');
		integration = emulator.tokens.issueDelegatedTokens(SEED_APPS.main.appId, SEED_USERS.integration.id).accessToken;
		expect((await get(chatPath, integration)).status).toBe(200);
	});

	it('does not count the pages of one round', async () => {
		emulator.rules.set({ teamsPollingPolicy: { readsPerDay: 1 } });
		for (let i = 0; i < 3; i++) addChannelMessage(`m${i}`);
		const first = await get(`${channelPath}?$top=1`, integration);
		expect(first.status).toBe(200);
		const second = await get(first.json['@odata.nextLink'], integration);
		expect(second.status).toBe(200);
		expect((await get(second.json['@odata.nextLink'], integration)).status).toBe(200);
		expect((await get(`${channelPath}?$top=1`, integration)).status).toBe(429);
	});

	it('is on by default with 48 reads a day', async () => {
		expect(emulator.rules.get('teamsPollingPolicy')).toBe(true);
		for (let i = 0; i < 48; i++) expect((await get(chatPath, integration)).status).toBe(200);
		expect((await get(chatPath, integration)).status).toBe(429);
	});
});

describe('channel threads', () => {
	it('orders threads by the last change of the reply chain: an edit or a reply moves a thread to the front', async () => {
		const old = addChannelMessage('old');
		emulator.clock.advance(60);
		const newer = addChannelMessage('newer');
		emulator.clock.advance(60);
		const order = async () => (await get(channelPath, integration)).json.value.map((m: { id: string }) => m.id).slice(0, 2);
		expect(await order()).toEqual([newer.id, old.id]);
		addChannelMessage('late reply', old.id);
		expect(await order()).toEqual([old.id, newer.id]);
		emulator.clock.advance(60);
		emulator.state.updateChannelMessage(GENERAL.teamId, GENERAL.id, newer.id, { body: { contentType: 'html', content: 'edited' } });
		expect(await order()).toEqual([newer.id, old.id]);
	});

	it('expands at most 200 replies and links the rest with replies@odata.nextLink', async () => {
		const root = addChannelMessage('busy thread');
		for (let i = 0; i < 230; i++) addChannelMessage(`reply ${i}`, root.id);
		const list = await get(`${channelPath}?$expand=replies`, integration);
		const thread = list.json.value[0];
		expect(thread.replies).toHaveLength(200);
		expect(thread['replies@odata.nextLink']).toContain(`/messages/${root.id}/replies?`);
		const rest = await emulatorRequest(thread['replies@odata.nextLink'], { token: integration });
		expect(rest.json.value).toHaveLength(30);
		expect(rest.json['@odata.nextLink']).toBeUndefined();
	});
});

describe('channel messages delta', () => {
	it('gives reply chains changed after the filter time, then only later changes through the deltaLink', async () => {
		const before = addChannelMessage('before');
		emulator.clock.advance(60);
		const since = emulator.clock.now().toISOString();
		emulator.clock.advance(1);
		const root = addChannelMessage('root');
		addChannelMessage('reply', root.id);
		const first = await get(`${channelPath}/delta?$filter=${encodeURIComponent(`lastModifiedDateTime gt ${since}`)}&$expand=replies`, integration);
		expect(first.status).toBe(200);
		expect(first.json.value.map((m: { id: string }) => m.id)).toEqual([root.id]);
		expect(first.json.value[0].replies.map((m: { body: { content: string } }) => m.body.content)).toEqual(['reply']);
		expect(first.json['@odata.deltaLink']).toContain('$deltatoken=');
		expect((await get(first.json['@odata.deltaLink'], integration)).json.value).toEqual([]);
		emulator.clock.advance(1);
		addChannelMessage('late reply', before.id);
		const next = await get(first.json['@odata.deltaLink'], integration);
		expect(next.json.value.map((m: { id: string }) => m.id)).toEqual([before.id]);
		const logged = emulator.requests.entries().find((e) => e.route === 'GET /teams/:teamId/channels/:channelId/messages/delta');
		expect(queryOf(logged!)).toMatchObject({ $filter: `lastModifiedDateTime gt ${since}`, $expand: 'replies' });
	});

	it('pages with $top and refuses filters Graph does not support', async () => {
		const since = emulator.clock.now().toISOString();
		emulator.clock.advance(1);
		for (let i = 0; i < 3; i++) addChannelMessage(`m${i}`);
		const page = await get(`${channelPath}/delta?$top=2&$filter=${encodeURIComponent(`lastModifiedDateTime gt ${since}`)}`, integration);
		expect(page.json.value).toHaveLength(2);
		const rest = await get(page.json['@odata.nextLink'], integration);
		expect(rest.json.error).toBeUndefined();
		expect(rest.json.value).toHaveLength(1);
		expect(rest.json['@odata.deltaLink']).toBeDefined();
		expect((await get(`${channelPath}/delta?$filter=${encodeURIComponent("createdDateTime gt 2026-01-01T00:00:00Z")}`, integration)).status).toBe(400);
		expect((await get(`${channelPath}/delta?$top=51`, integration)).status).toBe(400);
	});
});

describe('chat messages date range', () => {
	it('filters lastModifiedDateTime gt with $orderby on the same property, and ignores the filter otherwise', async () => {
		const chat = SEED_CHATS.projectFalcon.id;
		const megan = emulator.state.user(SEED_USERS.megan.id)!;
		const add = (content: string) =>
			emulator.state.addChatMessage(chat, buildChatMessage({ createdDateTime: emulator.clock.now().toISOString(), from: megan, content, chatId: chat, sequence: ++sequence }));
		add('old');
		emulator.clock.advance(60);
		const since = emulator.clock.now().toISOString();
		emulator.clock.advance(1);
		const fresh = add('fresh');
		const filter = encodeURIComponent(`lastModifiedDateTime gt ${since}`);
		const ranged = await get(`${chatPath}?$orderby=lastModifiedDateTime desc&$filter=${filter}`, integration);
		expect(ranged.json.value.map((m: { id: string }) => m.id)).toEqual([fresh.id]);
		const ignored = await get(`${chatPath}?$filter=${filter}`, integration);
		expect(ignored.json.value.length).toBeGreaterThan(1);
	});
});
