// The emulator's model of Teams re-serialising posted HTML (rule teamsHtmlRewriting: normalize by default, wrap, off),
// for posts and edits, in channels and chats, switched in process and through the control API.
import { type Emulator, SEED_APPS, SEED_CHATS, SEED_CHANNELS, SEED_USERS, startEmulator } from '../../emulator';
import { emulatorRequest } from '../../emulator/testClient';

let emulator: Emulator;
let integration: string;
beforeAll(async () => {
	// Raw posts in quick succession without a client-side limiter: Teams' 1 request per second per channel or chat
	// (rule teamsPosting) is off here; it has its own tests (test/unit/emulator/throttling.test.ts).
	emulator = await startEmulator({ rules: { teamsPosting: false } });
});
beforeEach(() => {
	emulator.reset();
	integration = emulator.tokens.issueDelegatedTokens(SEED_APPS.main.appId, SEED_USERS.integration.id).accessToken;
});
afterAll(async () => {
	await emulator.close();
});

const url = (path: string) => `${emulator.graphUrl}/v1.0${path}`;
const chatPath = `/chats/${encodeURIComponent(SEED_CHATS.projectFalcon.id)}/messages`;
const channelPath = `/teams/${SEED_CHANNELS.salesGeneral.teamId}/channels/${encodeURIComponent(SEED_CHANNELS.salesGeneral.id)}/messages`;
const posted =
	"<P class=x onclick='y()'>It&#39;s <B>done</B><br/>\u200Bnext\u00a0<a href='https://x.example/?a=1&amp;b=2' data-x=1>link</a><!-- c --><at id=\"0\">Adele Vance</at></P>";
const mention = [{ id: 0, mentionText: 'Adele Vance', mentioned: { user: { id: SEED_USERS.adele.id, displayName: 'Adele Vance', userIdentityType: 'aadUser' } } }];
const post = async (path: string, content: string) =>
	(await emulatorRequest(url(path), { method: 'POST', token: integration, json: { body: { contentType: 'html', content }, mentions: mention } })).json as {
		id: string;
		body: { content: string };
	};
const normalized = '<p>It\'s <b>done</b><br>next&nbsp;<a href="https://x.example/?a=1&amp;b=2">link</a><at id="0">Adele Vance</at></p>';

describe('teamsHtmlRewriting', () => {
	it('normalize (default): Teams serialises the body again, as an HTML parser does', async () => {
		expect((await post(chatPath, posted)).body.content).toBe(normalized);
		expect((await post(channelPath, posted)).body.content).toBe(normalized);
	});

	it('wrap: and wraps it the way Teams delivers rich text; edits too', async () => {
		const response = await emulatorRequest(`${emulator.graphUrl}/_emulator/rules`, { method: 'POST', json: { teamsHtmlRewriting: 'wrap' } });
		expect(response.json).toMatchObject({ teamsHtmlRewriting: { value: 'wrap', defaultValue: 'normalize' } });
		const message = await post(chatPath, posted);
		expect(message.body.content).toBe(`<div><div>${normalized}</div>\n</div>`);
		await emulatorRequest(url(`${chatPath}/${message.id}`), { method: 'PATCH', token: integration, json: { body: { contentType: 'html', content: 'a<br/>b' } } });
		const edited = await emulatorRequest(url(`${chatPath}/${message.id}`), { token: integration });
		expect((edited.json as { body: { content: string } }).body.content).toBe('<div><div>a<br>b</div>\n</div>');
	});

	it('off: stored as posted; text bodies are never rewritten', async () => {
		await emulatorRequest(`${emulator.graphUrl}/_emulator/rules`, { method: 'POST', json: { teamsHtmlRewriting: 'off' } });
		expect((await post(chatPath, posted)).body.content).toBe(posted);
		await emulatorRequest(`${emulator.graphUrl}/_emulator/rules`, { method: 'POST', json: { teamsHtmlRewriting: 'normalize' } });
		const text = await emulatorRequest(url(chatPath), { method: 'POST', token: integration, json: { body: { contentType: 'text', content: 'a<br/>&#39;' } } });
		expect((text.json as { body: { content: string } }).body.content).toBe('a<br/>&#39;');
	});

	it('refuses an unknown mode', async () => {
		const response = await emulatorRequest(`${emulator.graphUrl}/_emulator/rules`, { method: 'POST', json: { teamsHtmlRewriting: 'maybe' } });
		expect(response.status).toBe(400);
		expect(emulator.rules.get('teamsHtmlRewriting')).toBe('normalize');
	});
});
