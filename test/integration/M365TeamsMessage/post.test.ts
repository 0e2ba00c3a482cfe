// Posting through n8n-core against the emulator: content conversion, mentions, cards, both posters and every
// fallback path, membership and sign-in errors, and per-item errors with Continue On Fail.
import { SEED_CHANNELS, SEED_CHATS, SEED_TEAMS, SEED_USERS, startEmulator, type Emulator } from '../../emulator';
import { buildChatMessage } from '../../emulator/state/builders';
import { chatMessages, channelMessages, locator, outputJson, runTeams, signedIn } from './setup';
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

let emulator: Emulator;
let integration: ICredentialDataDecryptedObject;
let adele: ICredentialDataDecryptedObject;
beforeAll(async () => {
	emulator = await startEmulator();
	integration = await signedIn(emulator, 'integration');
	adele = await signedIn(emulator, 'adele');
});
afterAll(async () => {
	await emulator.close();
});
afterEach(() => {
	emulator.faults.clear();
});

const channelPost = (channel: { teamId: string; id: string }, extra: Record<string, unknown> = {}) => ({
	resource: 'channelMessage',
	operation: 'post',
	teamId: locator(channel.teamId),
	channelId: locator(channel.id),
	contentType: 'text',
	content: 'Hello team',
	...extra,
});

describe('content', () => {
	it('posts Markdown as sanitized Teams HTML with a mention and returns the message with postedAs', async () => {
		const result = await runTeams(
			channelPost(SEED_CHANNELS.salesGeneral, {
				contentType: 'markdown',
				content: `**Deal** closed, thanks @[${SEED_USERS.adele.upn}]! <script>alert(1)</script>`,
			}),
			{ integration },
		);
		const [message] = outputJson(result);
		expect(message.body).toEqual({
			contentType: 'html',
			content: '<p><strong>Deal</strong> closed, thanks <at id="0">Adele Vance</at>! &lt;script&gt;alert(1)&lt;/script&gt;</p>',
		});
		expect(message.postedAs).toEqual({ identity: 'integrationAccount', userId: SEED_USERS.integration.id, displayName: 'Integration Account', reason: 'noSenderCredential' });
		expect(message.id).toMatch(/^\d+$/);
		expect(message.webUrl).toContain('https://teams.microsoft.com/l/message/');
		expect(message.createdDateTime).toBeDefined();
		const stored = channelMessages(emulator, SEED_CHANNELS.salesGeneral.id).find((m) => m.id === message.id);
		expect(stored?.mentions?.[0]?.mentioned?.user?.id).toBe(SEED_USERS.adele.id);
	});

	it('strips scripts from HTML and attaches an Adaptive Card', async () => {
		const card = { type: 'AdaptiveCard', version: '1.4', body: [{ type: 'TextBlock', text: 'Approve?' }] };
		const result = await runTeams(
			channelPost(SEED_CHANNELS.salesDeals, {
				contentType: 'html',
				content: '<p onclick="x()">Please review</p><script>steal()</script>',
				options: { adaptiveCard: JSON.stringify(card), importance: 'high', subject: 'Review' },
			}),
			{ integration },
		);
		const [message] = outputJson(result);
		const body = message.body as { content: string };
		expect(body.content).toMatch(/^<p>Please review<\/p><attachment id="[0-9a-f]{32}"><\/attachment>$/);
		expect(message).toMatchObject({ importance: 'high', subject: 'Review' });
		expect((message.attachments as Array<{ contentType: string; content: string }>)[0]).toMatchObject({ contentType: 'application/vnd.microsoft.card.adaptive' });
	});
});

describe('mentions come only from where the workflow builder put them', () => {
	const megan = SEED_USERS.megan.upn;

	it('never turns text from an expression into a mention, and never loses it (the relayed-text case of issue 16)', async () => {
		const text = `Hello @[${megan}] and @[nobody@nowhere.example]`;
		const result = await runTeams(
			{ resource: 'chatMessage', operation: 'post', chatId: locator(SEED_CHATS.projectFalcon.id), contentType: 'text', content: '={{ $json.text }}' },
			{ integration, inputItems: [{ text }, { text: `@[${megan}]` }] },
		);
		const output = outputJson(result);
		expect(output.map((message) => (message.body as { content: string }).content)).toEqual([text, `@[${megan}]`]);
		expect(output.map((message) => message.mentions)).toEqual([[], []]);
		expect(output[0].unresolvedMentions).toBeUndefined();
	});

	it('relayed <at> and <attachment> markup is text, and the mentions of the Mentions option are the only ones', async () => {
		const result = await runTeams(
			{
				...channelPost(SEED_CHANNELS.salesGeneral),
				contentType: 'html',
				content: '={{ $json.html }}',
				options: { mentions: SEED_USERS.adele.upn },
			},
			{ integration, inputItems: [{ html: `<p>Approved by <at id="0">Megan Bowen</at><attachment id="1"></attachment></p>` }] },
		);
		const [message] = outputJson(result);
		expect((message.body as { content: string }).content).toBe('<at id="0">Adele Vance</at> <p>Approved by Megan Bowen</p>');
		expect((message.mentions as Array<{ mentioned: { user: { id: string } } }>).map((m) => m.mentioned.user.id)).toEqual([SEED_USERS.adele.id]);
	});

	it('in fixed text, places the mentions it can resolve and posts the rest as text, reporting them', async () => {
		const result = await runTeams(
			{
				resource: 'chatMessage',
				operation: 'post',
				chatId: locator(SEED_CHATS.projectFalcon.id),
				contentType: 'text',
				content: `Hi @[${SEED_USERS.adele.upn}] and @[nobody@nowhere.example]`,
			},
			{ integration },
		);
		const [message] = outputJson(result);
		expect((message.body as { content: string }).content).toBe('Hi <at id="0">Adele Vance</at> and @[nobody@nowhere.example]');
		expect(message.unresolvedMentions).toEqual([{ reference: 'nobody@nowhere.example', reason: "Cannot mention 'nobody@nowhere.example': no such user in the directory" }]);
	});
});

describe('echo flags', () => {
	it('says on every message whether this package or the integration account posted it, by user id', async () => {
		const chatId = SEED_CHATS.projectFalcon.id;
		const [ours] = outputJson(await runTeams({ resource: 'chatMessage', operation: 'post', chatId: locator(chatId), contentType: 'text', content: 'From the bridge' }, { integration }));
		expect(ours).toMatchObject({ postedByThisPackage: true, postedByIntegrationAccount: true });
		const [asSender] = outputJson(await runTeams(channelPost(SEED_CHANNELS.salesGeneral, { content: 'As myself' }), { integration, sender: adele }));
		expect(asSender).toMatchObject({ postedByThisPackage: true, postedByIntegrationAccount: false, postedAs: { identity: 'sender' } });
		// A message typed in Teams by someone named like the integration account.
		emulator.state.updateUser(SEED_USERS.megan.id, { displayName: 'Integration Account' });
		const typed = emulator.state.addChatMessage(
			chatId,
			buildChatMessage({ createdDateTime: emulator.clock.now().toISOString(), from: emulator.state.user(SEED_USERS.megan.id)!, content: 'Typed in Teams', chatId, sequence: 9001 }),
		);
		const listed = outputJson(await runTeams({ resource: 'chatMessage', operation: 'list', chatId: locator(chatId), returnAll: false, limit: 5 }, { integration }));
		const byId = new Map(listed.map((message) => [message.id, message]));
		expect(byId.get(ours.id)).toMatchObject({ postedByThisPackage: true, postedByIntegrationAccount: true });
		expect(byId.get(typed.id)).toMatchObject({ postedByThisPackage: false, postedByIntegrationAccount: false });
		emulator.state.updateUser(SEED_USERS.megan.id, { displayName: 'Megan Bowen' });
	});
});

describe('who posts', () => {
	it('posts as the sender when the sender is a member of the target', async () => {
		const [message] = outputJson(await runTeams(channelPost(SEED_CHANNELS.salesGeneral, { attribution: { senderName: 'Adele', platform: 'Slack' } }), { integration, sender: adele }));
		expect(message.postedAs).toEqual({ identity: 'sender', userId: SEED_USERS.adele.id, displayName: 'Adele Vance', reason: 'senderIsMember' });
		expect((message.from as { user: { id: string } }).user.id).toBe(SEED_USERS.adele.id);
		expect((message.body as { content: string }).content).toBe('Hello team');
	});

	it('falls back to the integration account with attribution when the sender is not a member', async () => {
		const [message] = outputJson(
			await runTeams(channelPost(SEED_CHANNELS.engineeringGeneral, { attribution: { senderName: 'Adele Vance', platform: 'Slack' } }), { integration, sender: adele }),
		);
		expect(message.postedAs).toMatchObject({ identity: 'integrationAccount', reason: 'senderNotMember' });
		expect((message.from as { user: { id: string } }).user.id).toBe(SEED_USERS.integration.id);
		expect((message.body as { content: string }).content).toBe('<b>Adele Vance</b> (external, via Slack):<br>Hello team');
	});

	it('uses a custom attribution template per item', async () => {
		const [message] = outputJson(
			await runTeams(
				channelPost(SEED_CHANNELS.salesDeals, { attribution: { senderName: 'Kim <Customer>', platform: 'Web chat', template: '[{platform}] {senderName} wrote: {text}' } }),
				{ integration },
			),
		);
		expect((message.body as { content: string }).content).toBe('[Web chat] Kim &lt;Customer&gt; wrote: Hello team');
	});

	it("falls back when Graph refuses the sender's token when posting", async () => {
		emulator.faults.add({ kind: 'status', status: 403, code: 'Forbidden', message: 'Forbidden', method: 'POST', path: '/teams/*/channels/*/messages', times: 1 });
		const [message] = outputJson(await runTeams(channelPost(SEED_CHANNELS.salesGeneral, { attribution: { senderName: 'Adele Vance', platform: 'Teams bridge' } }), { integration, sender: adele }));
		expect(message.postedAs).toMatchObject({ identity: 'integrationAccount', reason: 'senderTokenRefused' });
		expect((message.body as { content: string }).content).toContain('<b>Adele Vance</b> (external, via Teams bridge):');
	});

	it('falls back when the sender is no longer signed in', async () => {
		const revokedSender = await signedIn(emulator, 'alex');
		emulator.tokens.revokeUser(SEED_USERS.alex.id);
		emulator.tokens.expireAll();
		const freshIntegration = await signedIn(emulator, 'integration');
		const [message] = outputJson(await runTeams(channelPost(SEED_CHANNELS.salesGeneral, { attribution: { senderName: 'Alex', platform: 'Slack' } }), { integration: freshIntegration, sender: revokedSender }));
		expect(message.postedAs).toMatchObject({ identity: 'integrationAccount', reason: 'senderNotSignedIn' });
	});
});

describe('errors', () => {
	it('names the team and says how to add the integration account when it is not a member', async () => {
		const result = await runTeams(channelPost(SEED_CHANNELS.marketingGeneral), { integration });
		expect(result.error?.message).toBe(
			`The integration account ${SEED_USERS.integration.upn} is not a member of team '${SEED_TEAMS.marketing.id}'. Add it in Teams: team > Manage team > Members > Add member (for private channels add it to the channel too).`,
		);
	});

	it('names the private channel the integration account is not in, and says when it is not in a chat', async () => {
		const channel = await runTeams(channelPost(SEED_CHANNELS.salesLeadership), { integration });
		expect(channel.error?.message).toContain("is not a member of private channel '");
		const chat = await runTeams({ resource: 'chatMessage', operation: 'post', chatId: locator(SEED_CHATS.leadershipSync.id), contentType: 'text', content: 'hi' }, { integration });
		expect(chat.error?.message).toContain('is not a member of this chat');
		expect(channelMessages(emulator, SEED_CHANNELS.salesLeadership.id)).toHaveLength(0);
	});

	it('says to connect again when the integration account is not signed in', async () => {
		const stale = await signedIn(emulator, 'integration');
		emulator.tokens.revokeRefreshToken(String((stale.oauthTokenData as { refresh_token: string }).refresh_token));
		emulator.tokens.expireAll();
		const result = await runTeams({ resource: 'chatMessage', operation: 'post', chatId: locator(SEED_CHATS.projectFalcon.id), contentType: 'text', content: 'hi' }, { integration: stale });
		expect(result.error?.message).toBe("The integration account is not signed in: open credential 'm365IntegrationAccountOAuth2Api (harness)' and click Connect again.");
		integration = await signedIn(emulator, 'integration');
	});

	it('gives a clear per-item error for bad input and passes the other items through with Continue On Fail', async () => {
		const before = chatMessages(emulator, SEED_CHATS.projectFalcon.id).length;
		const result = await runTeams(
			{ resource: 'chatMessage', operation: 'post', chatId: locator('={{ $json.chatId }}'), contentType: 'text', content: '={{ $json.text }}', options: { mentions: '={{ $json.mention }}' } },
			{
				integration,
				continueOnFail: true,
				inputItems: [
					{ chatId: SEED_CHATS.projectFalcon.id, text: 'fine', mention: '' },
					{ chatId: SEED_CHATS.projectFalcon.id, text: '', mention: '' },
					{ chatId: 'not-a-chat', text: 'x', mention: '' },
					{ chatId: SEED_CHATS.projectFalcon.id, text: 'x'.repeat(29 * 1024), mention: '' },
					{ chatId: SEED_CHATS.projectFalcon.id, text: 'hi', mention: 'ghost@contoso.onmicrosoft.com' },
					{ chatId: '19:unknownchat@thread.v2', text: 'x', mention: '' },
				],
			},
		);
		const output = outputJson(result);
		expect(output).toHaveLength(6);
		expect(output[0].postedAs).toBeDefined();
		expect(output[1].error).toBe('The message text is empty');
		expect(output[2].error).toBe("'not-a-chat' in 'chatId' is not a chat ID or link");
		expect(output[3].error).toMatch(/^The message is 29\.\d KB, over Teams' limit of 28\.0 KB/);
		// An unknown mention never loses the message: posted without it, reported.
		expect(output[4].unresolvedMentions).toEqual([{ reference: 'ghost@contoso.onmicrosoft.com', reason: "Cannot mention 'ghost@contoso.onmicrosoft.com': no such user in the directory" }]);
		expect(output[4].mentions).toEqual([]);
		expect(output[5].error).toContain("Chat '19:unknownchat@thread.v2' was not found");
		expect(result.items[0].map((item) => item.pairedItem)).toEqual([0, 1, 2, 3, 4, 5].map((item) => ({ item })));
		expect(chatMessages(emulator, SEED_CHATS.projectFalcon.id).length).toBe(before + 2);
	});
});
