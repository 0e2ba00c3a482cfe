// A two-way bridge played end to end through n8n-core: a scripted conversation between an outside platform (an
// in-memory stand-in that reports every change, its own copies included, as Slack does) and a Teams channel
// (Teams users writing through the emulator, read back by the Microsoft 365 Trigger with Include Edits and
// Deletes and Ignore Messages Posted by This Package, reading as the integration account, as the examples do).
// Outside → Teams goes through the Mirror operation; Teams → outside through the trigger's items; the mapping table
// is a map standing for the n8n Data table. Posts, replies, edits and deletes both ways, duplicate deliveries both
// ways, and a message posted with the sender's own credential that its author then edits in Teams: every event
// mirrored once, in the right thread, nothing echoed.
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import { SEED_CHANNELS, SEED_TEAMS, SEED_USERS, type Emulator } from '../../emulator';
import { buildChatMessage } from '../../emulator/state/builders';
import { contentHash } from '../../../nodes/M365TeamsMessage/helpers/mirror/row';
import { activateWebhookTrigger, type ActiveWebhookTrigger } from '../../harness';
import { allItems, settled, startTenant, trackedTrigger } from '../M365Trigger/setup';
import { channelMessages, locator, outputJson, runTeams, signedIn } from './setup';

const SALES = SEED_TEAMS.sales.id;
const CHANNEL = SEED_CHANNELS.salesDeals.id;
const PLATFORM = 'slack';

interface OutsideMessage { id: string; threadId: string; author: string; text: string; deleted: boolean; byBridge: boolean }
interface OutsideEvent { type: 'created' | 'edited' | 'deleted'; id: string; threadId: string; author: string; text: string }

/** The other platform: keeps messages and reports every change as an event, including the bridge's own. */
class OutsidePlatform {
	readonly messages = new Map<string, OutsideMessage>();
	private queue: OutsideEvent[] = [];
	private sequence = 0;
	post(author: string, text: string, threadId = '', byBridge = false): string {
		const id = `O${++this.sequence}`;
		this.messages.set(id, { id, threadId, author, text, deleted: false, byBridge });
		this.queue.push({ type: 'created', id, threadId, author, text });
		return id;
	}
	edit(id: string, text: string): void {
		const message = this.messages.get(id)!;
		message.text = text;
		this.queue.push({ type: 'edited', id, threadId: message.threadId, author: message.author, text });
	}
	remove(id: string): void {
		const message = this.messages.get(id)!;
		message.deleted = true;
		this.queue.push({ type: 'deleted', id, threadId: message.threadId, author: message.author, text: '' });
	}
	/** Delivers events again (webhooks retried by the platform). */
	redeliver(events: OutsideEvent[]): void {
		this.queue.push(...events);
	}
	drain(): OutsideEvent[] {
		const events = this.queue;
		this.queue = [];
		return events;
	}
}

/** The Data table: rows keyed by platform + outsideId, found by teamsMessageId too. */
class MappingTable {
	readonly rows = new Map<string, IDataObject>();
	byOutside(id: string): IDataObject | undefined {
		return id ? this.rows.get(`${PLATFORM}|${id}`) : undefined;
	}
	byTeams(teamsMessageId: string): IDataObject | undefined {
		return [...this.rows.values()].find((row) => row.teamsMessageId === teamsMessageId);
	}
	upsert(row: IDataObject): void {
		this.rows.set(`${String(row.platform)}|${String(row.outsideId)}`, { ...row });
	}
}

const plainText = (html: string) => html.replace(/<[^>]+>/g, '').replace(/[\u200B-\u200D\u2060-\u2063]/g, '').trim();

describe('two-way bridge: outside platform ⇄ Teams channel', () => {
	let emulator: Emulator;
	let integration: ICredentialDataDecryptedObject;
	let adeleSender: ICredentialDataDecryptedObject;
	let trigger: ActiveWebhookTrigger;
	const outside = new OutsidePlatform();
	const table = new MappingTable();
	const outcomes: Record<string, number> = {};
	const teamsActions: string[] = [];
	let processedTeamsItems = 0;
	let sequence = 0;

	beforeAll(async () => {
		emulator = await startTenant();
		integration = await signedIn(emulator, 'integration');
		adeleSender = await signedIn(emulator, 'adele');
		trigger = await activateWebhookTrigger({
			nodeType: trackedTrigger(),
			parameters: {
				authentication: 'm365IntegrationAccountOAuth2Api',
				event: 'newChannelMessage',
				channelScope: 'channel',
				teamId: locator(SALES),
				channelId: locator(CHANNEL),
				includeReplies: true,
				includeChanges: true,
				dropOwnPosts: true,
			},
			credentials: { m365IntegrationAccountOAuth2Api: integration } as never,
		});
	});
	afterAll(async () => {
		await settled(emulator);
		await trigger.deactivate();
		await emulator.close();
	});

	/** Outside → Teams: lookups, Mirror, upsert, as the example workflow wires them. */
	/** Outside users who are also Teams users: their messages go out with their own sender credential. */
	const senders: Record<string, ICredentialDataDecryptedObject | undefined> = {};
	async function mirrorIn(event: OutsideEvent): Promise<void> {
		const result = await runTeams(
			{
				resource: 'channelMessage',
				operation: 'mirror',
				teamId: locator(SALES),
				channelId: locator(CHANNEL),
				eventType: event.type,
				platform: PLATFORM,
				outsideId: event.id,
				outsideThreadId: event.threadId,
				mappingRow: JSON.stringify(table.byOutside(event.id) ?? {}),
				threadMappingRow: JSON.stringify(table.byOutside(event.threadId) ?? {}),
				contentType: 'text',
				content: event.text,
				attribution: { senderName: event.author, platform: 'Slack' },
			} as never,
			{ integration, sender: senders[event.author] },
		);
		const [output] = outputJson(result);
		outcomes[String(output.outcome)] = (outcomes[String(output.outcome)] ?? 0) + 1;
		if (output.row) table.upsert(output.row as IDataObject);
	}

	/** Teams → outside: drops the mirror's own posts, edits and deletes, carries the rest. */
	function carryOut(item: IDataObject): void {
		const change = (item.trigger as IDataObject).change as string;
		const id = String(item.id);
		const row = table.byTeams(id);
		const author = ((item.from as IDataObject | undefined)?.user as IDataObject | undefined)?.id;
		// Echo rules (docs/nodes/M365TeamsMessage.md, "No echoes"); the integration account's own posts, edits and
		// deletes never arrive (Ignore Messages Posted by This Package).
		if (row && row.origin === 'outside') {
			if (change === 'created') return;
			if (change === 'edited' && String(item.lastEditedDateTime) <= String(row.teamsEditedAt)) return;
		}
		if (change === 'deleted' && row?.deleted) return;
		const text = plainText(String((item.body as IDataObject | undefined)?.content ?? ''));
		if (change === 'created') {
			const threadRow = item.replyToId ? table.byTeams(String(item.replyToId)) : undefined;
			const outsideId = outside.post('Adele Vance (Teams)', text, threadRow ? String(threadRow.outsideThreadId || threadRow.outsideId) : '', true);
			table.upsert({
				platform: PLATFORM, outsideId, outsideThreadId: threadRow ? String(threadRow.outsideThreadId || threadRow.outsideId) : '', teamsMessageId: id,
				teamsThreadId: item.replyToId ?? '', teamId: SALES, channelId: CHANNEL, chatId: '', origin: 'teams', postedAs: 'teamsUser',
				teamsAuthorId: author, contentHash: contentHash(text), teamsEditedAt: '', deleted: false,
			});
		} else if (change === 'edited' && row) {
			outside.edit(String(row.outsideId), text);
			table.upsert({ ...row, contentHash: contentHash(text) });
		} else if (change === 'deleted' && row) {
			outside.remove(String(row.outsideId));
			table.upsert({ ...row, deleted: true });
		}
		teamsActions.push(`${change}:${id}`);
	}

	/** Runs both directions until nothing is left to carry. */
	async function pump(): Promise<void> {
		for (;;) {
			await settled(emulator);
			const items = allItems(trigger).slice(processedTeamsItems);
			processedTeamsItems += items.length;
			for (const item of items) carryOut(item);
			const events = outside.drain();
			for (const event of events) await mirrorIn(event);
			if (items.length === 0 && events.length === 0) return;
		}
	}

	const adele = () => emulator.state.user(SEED_USERS.adele.id)!;
	function teamsPost(content: string, replyToId?: string) {
		return emulator.state.addChannelMessage(SALES, CHANNEL, buildChatMessage({
			createdDateTime: emulator.clock.now().toISOString(), from: adele(), content, channel: { teamId: SALES, channelId: CHANNEL }, replyToId, sequence: ++sequence,
		}));
	}
	function teamsEdit(id: string, content: string) {
		emulator.clock.advance(1000);
		const now = emulator.clock.now().toISOString();
		emulator.state.updateChannelMessage(SALES, CHANNEL, id, { body: { contentType: 'html', content }, lastEditedDateTime: now, lastModifiedDateTime: now });
	}
	function teamsDelete(id: string) {
		emulator.clock.advance(1000);
		emulator.state.updateChannelMessage(SALES, CHANNEL, id, { deletedDateTime: emulator.clock.now().toISOString(), body: { contentType: 'html', content: '' } });
	}
	const teamsMessage = (id: unknown) => channelMessages(emulator, CHANNEL).find((message) => message.id === id);

	it('carries every change once, in the right thread, with nothing echoed', async () => {
		// 1. Outside: a thread with a reply.
		const kimRoot = outside.post('Kim', 'Can someone check the Contoso deal?');
		await pump();
		const kimRootTeams = String(table.byOutside(kimRoot)?.teamsMessageId);
		// 2. Teams: Adele answers in that thread.
		const adeleReply = teamsPost('<p>On it</p>', kimRootTeams);
		await pump();
		// 3. Outside: Lee replies in the thread; Kim edits the first message.
		const leeReply = outside.post('Lee', 'Thanks Adele', kimRoot);
		outside.edit(kimRoot, 'Can someone check the Contoso deal today?');
		await pump();
		// 4. Teams: Adele starts a thread and edits it; Graph announces the edit twice.
		const adeleRoot = teamsPost('<p>Fabrikam renewal: 40 seats</p>');
		await pump();
		teamsEdit(adeleRoot.id, '<p>Fabrikam renewal: 45 seats</p>');
		emulator.state.updateChannelMessage(SALES, CHANNEL, adeleRoot.id, {});
		await pump();
		// 5. Outside: a reply in Adele's thread, delivered twice; Lee's reply edited, that edit delivered twice.
		const adeleRootOutside = String(table.byTeams(adeleRoot.id)?.outsideId);
		const kimOnFabrikam = outside.post('Kim', 'Great news', adeleRootOutside);
		outside.edit(leeReply, 'Thanks a lot Adele');
		const repeated = [
			{ type: 'created' as const, id: kimOnFabrikam, threadId: adeleRootOutside, author: 'Kim', text: 'Great news' },
			{ type: 'edited' as const, id: leeReply, threadId: kimRoot, author: 'Lee', text: 'Thanks a lot Adele' },
		];
		await pump();
		outside.redeliver(repeated);
		await pump();
		// 6. Deletes both ways: Lee's reply outside, Adele's reply in Teams; Teams announces a delete twice.
		outside.remove(leeReply);
		teamsDelete(adeleReply.id);
		emulator.state.updateChannelMessage(SALES, CHANNEL, adeleReply.id, {});
		await pump();
		outside.redeliver([{ type: 'deleted', id: leeReply, threadId: kimRoot, author: 'Lee', text: '' }]);
		await pump();
		// 7. Adele also writes in Slack: her message goes out with her own credential; the mirror's edit of it does not
		// come back, and her own edit of it in Teams goes out.
		senders['Adele (Slack)'] = adeleSender;
		const adeleInSlack = outside.post('Adele (Slack)', 'Posting from my phone');
		await pump();
		outside.edit(adeleInSlack, 'Posting from my phone, typo fixed');
		await pump();
		const adeleInSlackTeams = String(table.byOutside(adeleInSlack)?.teamsMessageId);
		expect(teamsMessage(adeleInSlackTeams)?.from?.user?.id).toBe(SEED_USERS.adele.id);
		emulator.clock.advance(60);
		teamsEdit(adeleInSlackTeams, '<p>Posting from my laptop now</p>');
		await pump();

		// Outside → Teams: 3 posts (1 root, 2 replies), 2 edits, 1 delete, each once; everything else a no-op.
		expect(outcomes).toEqual({
			posted: 2,
			replied: 2,
			edited: 3,
			deleted: 1,
			// Repeats: Kim's reply and Lee's edit delivered twice, Lee's delete twice.
			duplicate: 1 + 2, // Kim's reply again, plus the two outside copies of Teams messages (created by the bridge)
			unchanged: 1 + 1, // Lee's edit again; Adele's Teams edit coming back from Slack with the same text
			alreadyDeleted: 1 + 1, // Lee's delete again; the outside copy of Adele's deleted reply
			teamsAuthored: 1, // the outside copy of Adele's edited root
		});
		// Teams → outside: Adele's reply, root, edit and delete, each once; none of the mirror's own messages.
		expect(teamsActions).toEqual([
			`created:${adeleReply.id}`,
			`created:${adeleRoot.id}`,
			`edited:${adeleRoot.id}`,
			`deleted:${adeleReply.id}`,
			`edited:${adeleInSlackTeams}`,
		]);
		expect(outside.messages.get(adeleInSlack)?.text).toBe('Posting from my laptop now');

		// Teams holds each outside message once, in the right thread.
		const mirrored = channelMessages(emulator, CHANNEL).filter((message) => message.from?.user?.id === SEED_USERS.integration.id);
		expect(mirrored).toHaveLength(3);
		expect(channelMessages(emulator, CHANNEL).filter((message) => plainText(message.body?.content ?? '').startsWith('Posting from'))).toHaveLength(1);
		expect(teamsMessage(kimRootTeams)?.body?.content).toContain('Can someone check the Contoso deal today?');
		const leeTeams = teamsMessage(table.byOutside(leeReply)?.teamsMessageId);
		expect(leeTeams).toMatchObject({ replyToId: kimRootTeams });
		expect(leeTeams?.deletedDateTime).not.toBeNull();
		expect(teamsMessage(table.byOutside(kimOnFabrikam)?.teamsMessageId)).toMatchObject({ replyToId: adeleRoot.id });

		// The outside platform holds each Teams message once, in the right thread, edited and deleted as in Teams.
		const copies = [...outside.messages.values()].filter((message) => message.byBridge);
		expect(copies.map((message) => [message.text, message.threadId, message.deleted])).toEqual([
			['On it', kimRoot, true],
			['Fabrikam renewal: 45 seats', '', false],
		]);
		// Nothing echoed: no outside message came back as a copy, no Teams message was mirrored into Teams.
		expect(copies.some((message) => message.author !== 'Adele Vance (Teams)')).toBe(false);
		// One row per message: Kim's root, Lee's reply, Kim's reply, Adele's Slack message (outside); Adele's reply
		// and root (Teams).
		expect(table.rows.size).toBe(6);
	});
});
