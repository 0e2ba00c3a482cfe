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

export interface StandIns {
	url: string;
	agents: Agent[];
	partners: Partner[];
	tickets: unknown[];
	chatEvents: unknown[];
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
