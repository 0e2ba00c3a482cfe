// Local stand-ins for the outside systems the examples talk to (`https://<name>.example.com` in examples/): a
// contact centre with agent statuses, a helpdesk that takes tickets, a customer chat system and a partner portal
// with a user list. Plain HTTP on 127.0.0.1; each tells the demo's feed what it received, so a newcomer sees both
// ends of a workflow.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Agent {
	email: string;
	name: string;
	status: string;
	/** when the status took effect (the presence sync's Status Changed At) */
	changedAt: string;
}

export interface Partner {
	id: string;
	email: string;
	name: string;
	company: string;
	title: string;
}

/** A message of the customer chat that the two-way bridge keeps in step with a Teams 1:1 chat. */
export interface BridgeChatMessage {
	id: string;
	author: string;
	text: string;
	replyToId: string;
	edited: boolean;
	deleted: boolean;
	/** written in Teams and carried here by the bridge (else a customer wrote it here) */
	fromTeams: boolean;
}

export interface StandIns {
	url: string;
	agents: Agent[];
	partners: Partner[];
	tickets: unknown[];
	chatEvents: unknown[];
	/** the customer chat the two-way bridge example mirrors (examples/contact-centre-chat-two-way-bridge.json) */
	bridgeChat: BridgeChatMessage[];
	/** a customer's own post, reply, edit or delete in that chat; the demo then tells the bridge's webhook */
	customerWrites(author: string, text: string, replyToId?: string): BridgeChatMessage;
	customerEdits(id: string, text: string): BridgeChatMessage;
	customerDeletes(id: string): BridgeChatMessage;
	/** a status change made in the contact centre (by an agent at their phone) */
	setAgentStatus(email: string, status: string): void;
	addPartner(partner: Partner): void;
	close(): Promise<void>;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	const text = Buffer.concat(chunks).toString();
	return text ? (JSON.parse(text) as unknown) : undefined;
}

function clip(text: string, length = 60): string {
	return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}

function send(res: ServerResponse, status: number, body?: unknown): void {
	res.writeHead(status, { 'content-type': 'application/json' });
	res.end(body === undefined ? '' : JSON.stringify(body));
}

export async function startStandIns(options: { agents: Agent[]; partners: Partner[]; say: (line: string) => void }): Promise<StandIns> {
	const { say } = options;
	const agents = options.agents.map((agent) => ({ ...agent }));
	const partners = options.partners.map((partner) => ({ ...partner }));
	const tickets: unknown[] = [];
	const chatEvents: unknown[] = [];
	const bridgeChat: BridgeChatMessage[] = [];
	const quoted = (id: string) => `"${clip(bridgeChat.find((message) => message.id === id)?.text ?? id)}"`;
	const bridgeMessage = (id: string): BridgeChatMessage => {
		const message = bridgeChat.find((candidate) => candidate.id === id);
		if (!message) throw new Error(`the customer chat has no message ${id}`);
		return message;
	};

	async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const url = new URL(req.url ?? '/', 'http://stand-in');
		const route = `${req.method} ${url.pathname}`;
		if (route === 'GET /contact-center/api/agents') return send(res, 200, agents);
		const agentStatus = /^PUT \/contact-center\/api\/agents\/([^/]+)\/status$/.exec(route);
		if (agentStatus) {
			const email = decodeURIComponent(agentStatus[1]).toLowerCase();
			const agent = agents.find((candidate) => candidate.email.toLowerCase() === email);
			const { status } = ((await readJson(req)) ?? {}) as { status?: string };
			if (!agent || typeof status !== 'string') return send(res, 404, { error: `no agent ${email}` });
			agent.status = status;
			agent.changedAt = new Date().toISOString();
			say(`presence  contact centre: ${agent.name} is now "${status}" (mirrored from Teams)`);
			return send(res, 200, agent);
		}
		if (route === 'POST /helpdesk/api/tickets') {
			const ticket = (await readJson(req)) as { title?: string; requester?: string; queue?: string };
			tickets.push(ticket);
			say(`mail      helpdesk: ticket #${tickets.length} "${ticket?.title ?? ''}" from ${ticket?.requester ?? '?'}${ticket?.queue ? `, queue ${ticket.queue}` : ''}`);
			return send(res, 201, { id: tickets.length });
		}
		if (route === 'POST /chat/api/sessions/join' || route === 'POST /chat/api/sessions/message') {
			const event = await readJson(req);
			chatEvents.push(event);
			say(`teams     customer chat: ${url.pathname.endsWith('join') ? 'a Teams user joined' : 'a Teams reply relayed'} ${JSON.stringify(event)}`);
			return send(res, 200, { ok: true });
		}
		// The bridge carrying what Teams users write: a post or reply, an edit, a delete (README: Two-way bridges).
		if (route === 'POST /chat/api/sessions/messages') {
			const { author, text, replyToId } = ((await readJson(req)) ?? {}) as { author?: string; text?: string; replyToId?: string };
			const message: BridgeChatMessage = {
				id: `cc-${bridgeChat.length + 1}`, author: String(author ?? '?'), text: String(text ?? ''), replyToId: replyToId ?? '', edited: false, deleted: false, fromTeams: true,
			};
			bridgeChat.push(message);
			say(`bridge    customer chat ← Teams: ${message.author} ${message.replyToId ? `replied to ${quoted(message.replyToId)}` : 'posted'}: "${clip(message.text)}"`);
			return send(res, 201, { messageId: message.id });
		}
		const bridgeChange = /^(PATCH|DELETE) \/chat\/api\/sessions\/messages\/([^/]+)$/.exec(route);
		if (bridgeChange) {
			const message = bridgeChat.find((candidate) => candidate.id === decodeURIComponent(bridgeChange[2]));
			if (!message) return send(res, 404, { error: `no message ${bridgeChange[2]}` });
			if (bridgeChange[1] === 'DELETE') {
				message.deleted = true;
				say(`bridge    customer chat ← Teams: ${message.author} deleted "${clip(message.text)}"`);
				return send(res, 204);
			}
			const { text } = ((await readJson(req)) ?? {}) as { text?: string };
			message.text = String(text ?? '');
			message.edited = true;
			say(`bridge    customer chat ← Teams: ${message.author} edited: "${clip(message.text)}"`);
			return send(res, 200, { messageId: message.id });
		}
		if (route === 'GET /partners/api/users') return send(res, 200, partners);
		return send(res, 404, { error: `the demo's stand-ins have no ${route}` });
	}

	const server = createServer((req, res) => {
		handle(req, res).catch((error: unknown) => send(res, 500, { error: (error as Error).message }));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		agents,
		partners,
		tickets,
		chatEvents,
		bridgeChat,
		customerWrites(author, text, replyToId = '') {
			const message: BridgeChatMessage = { id: `cc-${bridgeChat.length + 1}`, author, text, replyToId, edited: false, deleted: false, fromTeams: false };
			bridgeChat.push(message);
			say(`bridge    customer chat: ${author} ${replyToId ? `replies to ${quoted(replyToId)}` : 'writes'}: "${clip(text)}"`);
			return message;
		},
		customerEdits(id, text) {
			const message = bridgeMessage(id);
			message.text = text;
			message.edited = true;
			say(`bridge    customer chat: ${message.author} edits a message: "${clip(text)}"`);
			return message;
		},
		customerDeletes(id) {
			const message = bridgeMessage(id);
			message.deleted = true;
			say(`bridge    customer chat: ${message.author} deletes "${clip(message.text)}"`);
			return message;
		},
		setAgentStatus(email, status) {
			const agent = agents.find((candidate) => candidate.email.toLowerCase() === email.toLowerCase());
			if (!agent || agent.status === status) return;
			agent.status = status;
			agent.changedAt = new Date().toISOString();
			say(`presence  contact centre: ${agent.name} switched to "${status}"`);
		},
		addPartner(partner) {
			partners.push({ ...partner });
			say(`guests    partner portal: ${partner.name} <${partner.email}> signed up`);
		},
		close: async () => {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
