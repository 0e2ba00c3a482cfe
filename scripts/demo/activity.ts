// The demo's outside world: what would happen in a real organisation while the example workflows run. Customers
// write to the shared mailboxes, a supplier sends an invoice, an alerting system opens an incident, a customer
// writes in a chat session, agents change status in the contact centre, someone sets Do not disturb in Teams,
// partners sign up in the partner portal. Each happens through the same door as in real life: mail is delivered
// in the emulator tenant, Teams presence changes there, outside systems call n8n's production webhooks.
import { callProductionWebhook, type EmulatorProcess, type N8nInstance } from '../n8n-runtime';
import type { StandIns } from './standIns';

export interface DemoPlaces {
	supportMailbox: string;
	salesDeskMailbox: string;
	/** the user on call for incidents (UPN) */
	onCall: string;
	/** the chat between a Teams user and the integration account (the chat-session example posts there) */
	customerChatId: string;
	/** the Teams user whose presence changes in Teams itself (not in the contact centre) */
	teamsUser: string;
}

interface Step {
	label: string;
	run(round: number): Promise<void>;
}

const CUSTOMER_MAILS = [
	{ subject: 'Where is my order 1043?', from: { name: 'Kim Akers', address: 'kim@fabrikam.com' } },
	{ subject: 'Cannot sign in to the customer portal', from: { name: 'Ravi Patel', address: 'ravi@tailspin.example' } },
	{ subject: 'Request for a refund on invoice 2026-088', from: { name: 'Mona Kane', address: 'mona@fabrikam.com' } },
];
const SALES_MAILS = [
	{ subject: 'Quote request: 40 licences', from: { name: 'Jon Doe', address: 'jon@northwind.example' } },
	{ subject: 'Renewal of our contract', from: { name: 'Sara Ito', address: 'sara@woodgrove.example' } },
];
const AGENT_STATUSES = ['On a call', 'Ready', 'Away', 'Ready'];
const TEAMS_PRESENCES = [
	{ availability: 'DoNotDisturb', activity: 'Presenting' },
	{ availability: 'Available', activity: 'Available' },
];

function pick<T>(list: T[], round: number): T {
	return list[round % list.length];
}

export function demoSteps(emulator: EmulatorProcess, n8n: N8nInstance, standIns: StandIns, places: DemoPlaces): Step[] {
	const webhook = async (path: string, body: unknown) => {
		const response = await callProductionWebhook(n8n, path, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(body),
		});
		if (!response.ok) throw new Error(`webhook ${path}: ${response.status} ${(await response.text()).slice(0, 200)}`);
	};
	return [
		{
			label: 'a customer writes to the support mailbox',
			run: async (round) => {
				await emulator.control('POST', '/mail/deliver', { mailbox: places.supportMailbox, messages: [{ ...pick(CUSTOMER_MAILS, round), bodyText: 'Hello, could you help me with this? Thanks.' }] });
			},
		},
		{
			label: 'the alerting system opens an incident (webhook)',
			run: async (round) => {
				await webhook('incident', {
					severity: round % 2 ? 'Medium' : 'High',
					title: round % 2 ? 'Disk space low on build agents' : 'Checkout API errors above 5%',
					detail: 'Opened by the monitoring system; see the runbook.',
					onCall: places.onCall,
					url: 'https://status.example.com/incidents/42',
				});
			},
		},
		{
			label: 'an agent changes status in the contact centre',
			run: async (round) => {
				const agent = standIns.agents[round % 2];
				standIns.setAgentStatus(agent.email, pick(AGENT_STATUSES, Math.floor(round / 2)));
			},
		},
		{
			label: 'a partner signs up in the partner portal',
			run: async (round) => {
				const number = standIns.partners.length + 1;
				if (round > 6) return;
				standIns.addPartner({
					id: `p-${1000 + number}`,
					email: `partner${number}@${round % 2 ? 'woodgrove' : 'northwind'}.example`,
					name: `${['Ana', 'Ben', 'Chloe', 'Dev', 'Eva', 'Finn', 'Gia'][number % 7]} Partner${number}`,
					company: round % 2 ? 'Woodgrove' : 'Northwind',
					title: 'Account manager',
				});
			},
		},
		{
			label: 'a Teams user changes their presence in Teams',
			run: async (round) => {
				// Every other round: a status must outlast two scheduled syncs to count as settled (the 15-second rule).
				if (round % 2) return;
				round /= 2;
				await emulator.control('POST', `/presence/${encodeURIComponent(places.teamsUser)}`, pick(TEAMS_PRESENCES, round));
			},
		},
		{
			label: 'a supplier sends an invoice',
			run: async (round) => {
				await emulator.control('POST', '/mail/deliver', {
					mailbox: places.supportMailbox,
					folder: 'Invoices',
					messages: [
						{
							subject: `Invoice 2026-${200 + round}`,
							from: { name: 'Fabrikam Billing', address: 'billing@fabrikam.com' },
							bodyText: 'Please find our invoice attached.',
							attachments: [{ name: `invoice-2026-${200 + round}.pdf`, contentType: 'application/pdf', text: '%PDF-1.4 demo invoice' }],
						},
					],
				});
			},
		},
		{
			label: 'a prospect writes to the sales desk',
			run: async (round) => {
				await emulator.control('POST', '/mail/deliver', { mailbox: places.salesDeskMailbox, messages: [{ ...pick(SALES_MAILS, round), bodyText: 'Could you send us an offer?' }] });
			},
		},
		{
			label: 'a customer writes in a chat session with a Teams user (webhook)',
			run: async (round) => {
				await webhook('customer-message', {
					teamsChatId: places.customerChatId,
					customerName: 'Kim Akers',
					text: round % 2 ? 'Thanks, that solved it!' : 'Hi, is anyone there? I have a question about my order.',
				});
			},
		},
	];
}

/**
 * Runs the steps one after another, `gapMs` apart, round after round, until stopped. A step that fails is said
 * and the next one goes on: the demo keeps showing what works.
 */
export function startActivity(steps: Step[], say: (line: string) => void, gapMs = 4000): { stop(): void } {
	let stopped = false;
	const loop = async () => {
		for (let round = 0; !stopped; round += 1) {
			for (const step of steps) {
				if (stopped) return;
				await step.run(round).catch((error: unknown) => say(`activity  ${step.label} failed: ${(error as Error).message}`));
				await new Promise((resolve) => setTimeout(resolve, gapMs));
			}
		}
	};
	void loop();
	return {
		stop: () => {
			stopped = true;
		},
	};
}
