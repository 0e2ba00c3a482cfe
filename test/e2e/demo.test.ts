// `npm run demo` as a newcomer runs it: the demo process (emulator, n8n with the package, examples bound to the
// emulator tenant, the scripted outside world) is started, its output read, and it must show a message posted in
// Teams, guests synced, presence mirrored, mail picked up and a conversation carried both ways by the two-way bridge; the emulator must hold what the feed claims; Ctrl-C
// must stop everything. The whole output is kept as an artefact (test/artifacts/e2e/demo-output.txt).
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

import { ensureN8n, packPackage, REPO_ROOT } from '../../scripts/n8n-runtime';
import { describeEmulatorOnly } from '../support/target';

const ARTIFACTS = path.join(REPO_ROOT, 'test', 'artifacts', 'e2e');
const INSTALL_MS = 30 * 60_000;

interface TenantSnapshot {
	users: Record<string, { user: { userPrincipalName: string; mail: string | null; userType: string; [field: string]: unknown } }>;
	channels: Record<string, { channel: { displayName: string }; messages: Array<{ body: { content: string }; from?: { user?: { displayName?: string } } }> }>;
	presence: Record<string, { sessions: Array<{ id: string; availability: string }> }>;
	chats: Record<string, { messages: Array<{ body: { content: string }; from?: { user?: { displayName?: string } }; lastEditedDateTime?: string | null; deletedDateTime?: string | null }> }>;
}

async function portRefuses(port: number): Promise<boolean> {
	return await new Promise((resolve) => {
		const socket = net.connect(port, '127.0.0.1');
		socket.once('connect', () => {
			socket.destroy();
			resolve(false);
		});
		socket.once('error', () => resolve(true));
	});
}

/** A killed process's sockets close a moment after it is gone: waits that moment (the deadline stops a hang). */
async function portIsClosed(port: number): Promise<boolean> {
	const deadline = Date.now() + 60_000;
	while (!(await portRefuses(port))) {
		if (Date.now() > deadline) return false;
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
	return true;
}

describeEmulatorOnly(['state'], 'the demo (npm run demo)', () => {
	let demo: ChildProcess;
	const output: string[] = [];
	let exited: Promise<number | null>;

	const text = () => output.join('');
	/** Waits for the output to match; the deadline only stops a hung wait, the assertions decide. */
	async function seen(pattern: RegExp, deadlineMs = 300_000): Promise<RegExpMatchArray | null> {
		const deadline = Date.now() + deadlineMs;
		for (;;) {
			const match = text().match(pattern);
			if (match || Date.now() > deadline || demo.exitCode !== null) return match;
			await new Promise((resolve) => setTimeout(resolve, 500));
		}
	}

	beforeAll(async () => {
		// Installed here under the suite's long limit, so the demo's own start below is the 40-second kind.
		await Promise.all([ensureN8n(), packPackage()]);
		demo = spawn(path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx'), ['scripts/demo/main.ts'], {
			cwd: REPO_ROOT,
			env: { ...process.env, M365_DEMO_PORT: '0' },
			stdio: ['ignore', 'pipe', 'pipe'],
			// Its own process group, as a terminal's foreground job: Ctrl-C goes to the whole group.
			detached: true,
		});
		demo.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
		demo.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
		exited = new Promise((resolve) => demo.once('exit', (code) => resolve(code)));
		await seen(/Press Ctrl-C to stop\./, INSTALL_MS);
	}, INSTALL_MS);

	afterAll(async () => {
		fs.mkdirSync(ARTIFACTS, { recursive: true });
		fs.writeFileSync(path.join(ARTIFACTS, 'demo-output.txt'), text());
		if (demo?.exitCode === null && demo.pid !== undefined) {
			process.kill(-demo.pid, 'SIGKILL');
		}
	}, 60_000);

	it('starts, prints the editor URL and a sign-in, and activates the examples against the emulator tenant', () => {
		expect(text()).toMatch(/n8n editor: {2}http:\/\/127\.0\.0\.1:\d+/);
		expect(text()).toMatch(/Sign in: {5}\S+@\S+ \/ \S+/);
		expect(text()).toContain("the integration account (integration@contoso.onmicrosoft.com) is signed in through n8n's OAuth2 flow");
		const states = [...text().matchAll(/^ {2}(.+) {2}\((active|not active: .+|run it from the editor)\)$/gm)].map((m) => [m[1], m[2]]);
		expect(states.length).toBeGreaterThanOrEqual(10);
		// Only the Slack examples stay inactive, and they say why; the contact-centre bridge has its Data table.
		for (const [name, state] of states) {
			if (/Slack/.test(name)) expect(state).toMatch(/^not active: needs a Slack workspace/);
			else expect(state).toMatch(/^(active|run it from the editor)$/);
		}
		expect(states).toContainEqual([expect.stringMatching(/^Contact-centre chat ⇄ Teams 1:1 chat, two-way/), 'active']);
		expect(text()).toContain('Data table "teams-bridge" created');
	});

	it('shows a message posted, guests synced, presence mirrored and mail picked up', async () => {
		expect((await seen(/teams {5}posted by Integration Account .*"Checkout API errors above 5%"/))?.[0]).toBeDefined();
		expect((await seen(/guests {4}guest sync "partner-portal": invited \d+ \(ada@northwind\.example/))?.[0]).toBeDefined();
		expect((await seen(/presence {2}AdeleV@contoso\.onmicrosoft\.com -> Teams Busy\/InACall/))?.[0]).toBeDefined();
		expect((await seen(/presence {2}contact centre: .+ is now ".+" \(mirrored from Teams\)/))?.[0]).toBeDefined();
		expect((await seen(/mail {6}picked up "Where is my order 1043\?" in support@contoso\.onmicrosoft\.com/))?.[0]).toBeDefined();
		expect((await seen(/mail {6}helpdesk: ticket #\d+ "Where is my order 1043\?"/))?.[0]).toBeDefined();
		expect(text()).not.toMatch(/^.*error {5}/m);
		expect(text()).not.toMatch(/activity {2}.+ failed/);
	}, 600_000);

	it('carries a post, a reply, an edit and a delete each way through the two-way bridge, each once', async () => {
		expect((await seen(/bridge {4}conversation done/))?.[0]).toBeDefined();
		// The feed reads executions every 2 s: the last Mirror line may come after the conversation's end.
		expect((await seen(/bridge {4}customer chat → Teams: deleted/, 120_000))?.[0]).toBeDefined();
		const lines = (pattern: RegExp) => text().split('\n').filter((line) => pattern.test(line));
		// Customer chat → Teams, as the Mirror operation reports it.
		for (const outcome of ['posted', 'replied', 'edited', 'deleted']) {
			expect(lines(new RegExp(`bridge {4}customer chat → Teams: ${outcome}\\b`))).toHaveLength(1);
		}
		// Teams → customer chat, as the stand-in received it: the expert's post, reply, edit and delete, once each.
		expect(lines(/customer chat ← Teams: Adele Vance replied to "Hi, my order 1043 has not arrived\.": "Sorry to hear that, Kim\. Let me check\."/)).toHaveLength(1);
		expect(lines(/customer chat ← Teams: Adele Vance posted: "Which delivery address did you give us\?"/)).toHaveLength(1);
		expect(lines(/customer chat ← Teams: Adele Vance edited: "Sorry to hear that, Kim\. I am asking the warehouse now\."/)).toHaveLength(1);
		expect(lines(/customer chat ← Teams: Adele Vance deleted "Which delivery address did you give us\?"/)).toHaveLength(1);
		// Nothing came back: the bridge's own posts never reached the customer, the expert's never came back to Teams.
		expect(lines(/customer chat ← Teams: (?!Adele Vance)/)).toEqual([]);
		expect(lines(/customer chat → Teams: (duplicate|unchanged|notMapped|teamsAuthored|alreadyDeleted|deletedInTeams)/)).toEqual([]);

		const stateUrl = text().match(/Emulator state: (https:\/\/127\.0\.0\.1:\d+\/_emulator\/state)/)![1];
		const tenant = (await (await fetch(stateUrl)).json()) as TenantSnapshot;
		const chat = Object.values(tenant.chats).find((candidate) => candidate.messages.some((message) => message.body.content.includes('order 1043 (ordered May 2)')));
		expect(chat).toBeDefined();
		const plain = (content: string) => content.replace(/<[^>]*>/g, '');
		const withText = (needle: string) => chat!.messages.filter((message) => plain(message.body.content).includes(needle));
		// The customer's question: posted once by the integration account, attributed, and edited in place.
		const question = withText('order 1043 (ordered May 2) has not arrived');
		expect(question).toHaveLength(1);
		expect(question[0]).toMatchObject({ from: { user: { displayName: 'Integration Account' } } });
		expect(plain(question[0].body.content)).toContain('Kim Akers');
		expect(question[0].lastEditedDateTime).toBeTruthy();
		// The customer's reply, then deleted: soft-deleted in Teams.
		const deleted = chat!.messages.filter((message) => message.deletedDateTime && message.from?.user?.displayName === 'Integration Account');
		expect(deleted).toHaveLength(1);
		// The expert's answer, edited in Teams; her question, deleted; none of her words posted back by the bridge.
		const answer = withText('I am asking the warehouse now');
		expect(answer).toHaveLength(1);
		expect(answer[0].from?.user?.displayName).toBe('Adele Vance');
		expect(chat!.messages.filter((message) => message.deletedDateTime && message.from?.user?.displayName === 'Adele Vance')).toHaveLength(1);
		expect(withText('Sorry to hear that, Kim').filter((message) => message.from?.user?.displayName !== 'Adele Vance')).toEqual([]);
	}, 600_000);

	it('left in the emulator tenant what the feed says', async () => {
		const stateUrl = text().match(/Emulator state: (https:\/\/127\.0\.0\.1:\d+\/_emulator\/state)/)?.[1];
		expect(stateUrl).toBeDefined();
		const tenant = (await (await fetch(stateUrl!)).json()) as TenantSnapshot;
		const general = Object.values(tenant.channels).filter((channel) => channel.channel.displayName === 'General');
		const posts = general.flatMap((channel) => channel.messages).filter((message) => message.body.content.includes('incident'));
		expect(posts.length).toBeGreaterThan(0);
		expect(posts[0].from?.user?.displayName).toBe('Integration Account');
		const partnerGuests = Object.values(tenant.users).filter((record) => record.user.userType === 'Guest' && /@(northwind|woodgrove)\.example$/.test(record.user.mail ?? ''));
		expect(partnerGuests.map((record) => record.user.mail)).toEqual(expect.arrayContaining(['ada@northwind.example', 'grace@woodgrove.example', 'alan@northwind.example']));
		const sessions = Object.values(tenant.presence).flatMap((record) => record.sessions);
		expect(sessions.length).toBeGreaterThan(0);
	}, 120_000);

	it('stops everything on Ctrl-C', async () => {
		const n8nPort = Number(text().match(/n8n editor: {2}http:\/\/127\.0\.0\.1:(\d+)/)?.[1]);
		const graphPort = Number(text().match(/Graph https:\/\/127\.0\.0\.1:(\d+)/)?.[1]);
		process.kill(-demo.pid!, 'SIGINT');
		expect(await exited).toBe(0);
		expect(text()).toContain('Stopped.');
		expect(await portIsClosed(n8nPort)).toBe(true);
		expect(await portIsClosed(graphPort)).toBe(true);
	}, 180_000);
});
