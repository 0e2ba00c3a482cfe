// The two-way bridge at work (examples/contact-centre-chat-two-way-bridge.json): a customer in the contact
// centre's chat (the stand-in) and an expert in Teams (Adele, writing through Graph as her Teams client does) talk
// through the bridge. Each side posts, replies, edits and deletes; every step waits until the bridge has carried it
// to the other side (what the other side then sees), so the feed shows each change travelling once, each way.
import type { ChatMessage } from '@microsoft/microsoft-graph-types';

import { callProductionWebhook, type N8nInstance } from '../n8n-runtime';
import type { BridgeChatMessage, StandIns } from './standIns';
import type { TeamsUser } from './teamsUser';

/** The contact-centre event the bridge's webhook takes (README, "Two-way bridges", step 4). */
interface ContactCentreEvent {
	type: 'created' | 'edited' | 'deleted';
	messageId: string;
	replyToId?: string;
	author?: string;
	text?: string;
}

export interface BridgeConversationPlaces {
	n8n: N8nInstance;
	standIns: StandIns;
	/** the expert, signed in to Teams */
	expert: TeamsUser;
	expertUpn: string;
	/** the 1:1 chat of the expert and the integration account (the bridge finds or creates it) */
	chatId: string;
	/** until the bridge's Teams trigger has its Graph subscription, what the expert writes would not be announced */
	teamsTriggerReady(): Promise<boolean>;
	say(line: string): void;
}

const CUSTOMER = 'Kim Akers';
/** How long one step may take before the demo says it did not arrive (a busy machine: minutes). */
const STEP_DEADLINE_MS = 5 * 60_000;

const plain = (html: string | null | undefined) => String(html ?? '').replace(/<[^>]*>/g, '').trim();

export function startBridgeConversation(places: BridgeConversationPlaces): { stop(): void } {
	const { n8n, standIns, expert, chatId, say } = places;
	let stopped = false;

	async function until<T>(what: string, check: () => Promise<T | undefined> | T | undefined): Promise<T> {
		const deadline = Date.now() + STEP_DEADLINE_MS;
		for (;;) {
			if (stopped) throw new Error('stopped');
			const found = await check();
			if (found !== undefined) return found;
			if (Date.now() > deadline) throw new Error(`${what} did not arrive within ${STEP_DEADLINE_MS / 60_000} minutes`);
			await new Promise((resolve) => setTimeout(resolve, 1000));
		}
	}

	async function tellBridge(event: ContactCentreEvent): Promise<void> {
		const response = await callProductionWebhook(n8n, 'contact-centre-bridge', {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ ...event, expertUpn: places.expertUpn }),
		});
		if (!response.ok) throw new Error(`webhook contact-centre-bridge: ${response.status} ${(await response.text()).slice(0, 200)}`);
	}

	/** The Teams message mirroring a customer's, as the expert sees it, once it reads `text`. */
	const inTeams = (text: string) =>
		until(`"${text}" in Teams`, async () =>
			(await expert.messages(chatId)).find((message) => !message.deletedDateTime && plain(message.body?.content).includes(text)),
		);
	const inTeamsById = (id: string, what: string, check: (message: ChatMessage) => boolean) =>
		until(what, async () => (await expert.messages(chatId)).find((message) => message.id === id && check(message)));
	const atCustomer = (what: string, check: (message: BridgeChatMessage) => boolean) =>
		until(what, () => standIns.bridgeChat.find((message) => message.fromTeams && check(message)));

	async function converse(): Promise<void> {
		// Customer → Teams: a question.
		const question = standIns.customerWrites(CUSTOMER, 'Hi, my order 1043 has not arrived.');
		await tellBridge({ type: 'created', messageId: question.id, author: CUSTOMER, text: question.text });
		const questionInTeams = await inTeams(question.text);

		// Teams → customer: the expert answers quoting it, then asks something of her own.
		await until('the bridge listening to Teams', async () => ((await places.teamsTriggerReady()) ? true : undefined));
		const answerText = 'Sorry to hear that, Kim. Let me check.';
		const answer = await expert.post(chatId, answerText, questionInTeams);
		const answerOutside = await atCustomer('the expert\'s answer at the customer', (message) => message.text === answerText && message.replyToId === question.id);
		const askText = 'Which delivery address did you give us?';
		const ask = await expert.post(chatId, askText);
		const askOutside = await atCustomer('the expert\'s question at the customer', (message) => message.text === askText && message.replyToId === '');

		// Customer → Teams: a reply to the expert's question, an edit of the first message.
		const address = standIns.customerWrites(CUSTOMER, 'Main Street 5, Springfield.', askOutside.id);
		await tellBridge({ type: 'created', messageId: address.id, replyToId: address.replyToId, author: CUSTOMER, text: address.text });
		const addressInTeams = await inTeams(address.text);
		const edited = standIns.customerEdits(question.id, 'Hi, my order 1043 (ordered May 2) has not arrived.');
		await tellBridge({ type: 'edited', messageId: question.id, author: CUSTOMER, text: edited.text });
		await inTeamsById(String(questionInTeams.id), 'the customer\'s edit in Teams', (message) => plain(message.body?.content).includes(edited.text));

		// Teams → customer: the expert edits her answer and deletes her question.
		const answerEdited = 'Sorry to hear that, Kim. I am asking the warehouse now.';
		await expert.edit(chatId, answer, answerEdited);
		await atCustomer('the expert\'s edit at the customer', (message) => message.id === answerOutside.id && message.text === answerEdited);
		await expert.remove(chatId, String(ask.id));
		await atCustomer('the expert\'s delete at the customer', (message) => message.id === askOutside.id && message.deleted);

		// Customer → Teams: the customer deletes the address.
		standIns.customerDeletes(address.id);
		await tellBridge({ type: 'deleted', messageId: address.id });
		await inTeamsById(String(addressInTeams.id), 'the customer\'s delete in Teams', (message) => Boolean(message.deletedDateTime));
		say('bridge    conversation done: a post, a reply, an edit and a delete went each way, each once');
	}

	void converse().catch((error: unknown) => {
		if (!stopped) say(`activity  the bridge conversation failed: ${(error as Error).message}`);
	});
	return {
		stop: () => {
			stopped = true;
		},
	};
}
