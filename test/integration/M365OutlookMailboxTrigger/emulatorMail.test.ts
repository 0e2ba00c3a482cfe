// The emulator's mail area against Graph's documented contract, over HTTP with the emulator's own tokens (no node
// involved): folders, listing rules, delta rounds and sync-state loss, attachments, permissions and access policies.
import type { ChangeEvent } from '../../emulator';
import { SEED_APPS, SEED_USERS, startEmulator, type Emulator } from '../../emulator';
import { ACCESS_POLICY_MESSAGE, deliverMail, invalidateDeltaTokens, setApplicationAccessPolicy, SYNC_GENERATIONS_KEPT } from '../../emulator/graph/mail';
import { emulatorRequest } from '../../emulator/testClient';

const SUPPORT = SEED_USERS.support.upn;
let emulator: Emulator;
let appToken: string;
beforeAll(async () => {
	emulator = await startEmulator();
	appToken = emulator.tokens.issueAppToken(SEED_APPS.main.appId);
});
afterAll(async () => {
	await emulator.close();
});

const call = (path: string, options: { token?: string; headers?: Record<string, string> } = {}) =>
	emulatorRequest(path.startsWith('https://') ? path : `${emulator.graphUrl}/v1.0${path}`, {
		method: 'GET',
		token: options.token ?? appToken,
		headers: options.headers,
	});

describe('folders and messages', () => {
	it('lists top-level folders, finds well-known names and child folders', async () => {
		const top = await call(`/users/${SUPPORT}/mailFolders?$top=50`);
		expect(top.status).toBe(200);
		expect(top.json.value.map((f: { displayName: string }) => f.displayName)).toContain('Inbox');
		const inbox = await call(`/users/${SUPPORT}/mailFolders/inbox`);
		expect(inbox.json).toMatchObject({ displayName: 'Inbox' });
		const children = await call(`/users/${SUPPORT}/mailFolders/inbox/childFolders`);
		expect(children.json.value.map((f: { displayName: string }) => f.displayName).sort()).toEqual(['Escalations', 'Invoices']);
		expect((await call(`/users/${SUPPORT}/mailFolders/nope`)).json.error.code).toBe('ErrorItemNotFound');
	});

	it('refuses a sort that does not lead the filter (InefficientFilter) and accepts one that does', async () => {
		const bad = await call(`/users/${SUPPORT}/messages?$filter=isRead eq false&$orderby=receivedDateTime desc`);
		expect(bad.status).toBe(400);
		expect(bad.json.error).toMatchObject({ code: 'InefficientFilter', message: 'The restriction or sort order is too complex for this operation.' });
		const good = await call(`/users/${SUPPORT}/mailFolders/inbox/messages?$filter=receivedDateTime ge 2026-01-01T00:00:00Z and isRead eq false&$orderby=receivedDateTime asc&$top=1&$select=subject,receivedDateTime`);
		expect(good.status).toBe(200);
		expect(good.json.value).toHaveLength(1);
		expect(Object.keys(good.json.value[0]).sort()).toEqual(['@odata.etag', 'id', 'receivedDateTime', 'subject']);
		expect(good.json['@odata.nextLink']).toContain('$skiptoken=');
	});

	it('answers unknown users and users without a mailbox like Exchange', async () => {
		expect((await call('/users/nobody@contoso.onmicrosoft.com/messages')).json.error.code).toBe('ErrorInvalidUser');
		expect((await call(`/users/${SEED_USERS.pradeep.upn}/messages`)).json.error.code).toBe('MailboxNotEnabledForRESTAPI');
	});
});

describe('delta', () => {
	it('pages a round with Prefer odata.maxpagesize, ends with a deltaLink, then reports only new messages', async () => {
		const mailbox = SEED_USERS.lee.upn;
		deliverMail(emulator.state, { mailbox, count: 5, subjectPrefix: 'existing' });
		let response = await call(`/users/${mailbox}/mailFolders/inbox/messages/delta?changeType=created&$select=subject`, { headers: { Prefer: 'odata.maxpagesize=2' } });
		expect(response.headers['preference-applied']).toBe('odata.maxpagesize=2');
		const subjects: string[] = [];
		let pages = 0;
		while (response.json['@odata.nextLink']) {
			subjects.push(...response.json.value.map((m: { subject: string }) => m.subject));
			pages++;
			response = await call(response.json['@odata.nextLink'], { headers: { Prefer: 'odata.maxpagesize=2' } });
		}
		subjects.push(...response.json.value.map((m: { subject: string }) => m.subject));
		expect(pages).toBe(2);
		expect(subjects.sort()).toEqual(['existing 1', 'existing 2', 'existing 3', 'existing 4', 'existing 5']);
		const deltaLink: string = response.json['@odata.deltaLink'];
		expect(deltaLink).toContain('$deltatoken=');

		const idle = await call(deltaLink);
		expect(idle.json.value).toEqual([]);
		deliverMail(emulator.state, { mailbox, count: 1, subjectPrefix: 'fresh' });
		const next = await call(idle.json['@odata.deltaLink']);
		expect(next.json.value.map((m: { subject: string }) => m.subject)).toEqual(['fresh 1']);
	});

	it('reports deleted messages as @removed without changeType, and filters by receivedDateTime', async () => {
		const mailbox = SEED_USERS.diego.upn;
		const [kept, gone] = deliverMail(emulator.state, { mailbox, messages: [{ subject: 'kept', receivedDateTime: '2026-06-01T00:00:00Z' }, { subject: 'gone', receivedDateTime: '2026-06-02T00:00:00Z' }] });
		deliverMail(emulator.state, { mailbox, messages: [{ subject: 'too old', receivedDateTime: '2020-01-01T00:00:00Z' }] });
		const first = await call(`/users/${mailbox}/mailFolders/inbox/messages/delta?$filter=receivedDateTime ge 2026-01-01T00:00:00Z`);
		expect(first.json.value.map((m: { id: string }) => m.id).sort()).toEqual([kept.id, gone.id].sort());
		emulator.state.deleteMailMessage(emulator.state.user(mailbox)!.user.id, gone.id);
		const second = await call(first.json['@odata.deltaLink']);
		expect(second.json.value).toEqual([{ '@odata.type': '#microsoft.graph.message', id: gone.id, '@removed': { reason: 'deleted' } }]);
		expect((await call(`/users/${mailbox}/mailFolders/inbox/messages/delta?$filter=isRead eq false`)).status).toBe(400);
	});

	it('keeps only the newest sync-state generations and answers 410 SyncStateNotFound for older links or after invalidation', async () => {
		const mailbox = SEED_USERS.alex.upn;
		const links: string[] = [];
		let link = `/users/${mailbox}/mailFolders/inbox/messages/delta?changeType=created`;
		for (let i = 0; i <= SYNC_GENERATIONS_KEPT; i++) {
			const response = await call(link);
			link = response.json['@odata.deltaLink'];
			links.push(link);
		}
		const stale = await call(links[0]);
		expect(stale.status).toBe(410);
		expect(stale.json.error.code).toBe('SyncStateNotFound');
		expect(stale.json.error.message).toMatch(/^The sync state generation is not found; generation=1;\[highest=5\]/);
		expect((await call(links[links.length - 1])).status).toBe(200);
		invalidateDeltaTokens(emulator.state, mailbox);
		expect((await call(links[links.length - 1])).status).toBe(410);
	});
});

describe('attachments, permissions, access policies, delivery events', () => {
	it('lists file attachments with contentBytes and serves a text attachment as $value', async () => {
		const [message] = deliverMail(emulator.state, { mailbox: SUPPORT, messages: [{ subject: 'with file', attachments: [{ name: 'a.txt', contentType: 'text/plain', text: 'hello' }] }] });
		const list = await call(`/users/${SUPPORT}/messages/${message.id}/attachments`);
		expect(list.json.value[0]).toMatchObject({ '@odata.type': '#microsoft.graph.fileAttachment', name: 'a.txt', contentBytes: Buffer.from('hello').toString('base64'), size: 5 });
		const value = await emulatorRequest(`${emulator.graphUrl}/v1.0/users/${SUPPORT}/messages/${message.id}/attachments/${list.json.value[0].id}/$value`, { method: 'GET', token: appToken });
		expect(value.text).toBe('hello');
	});

	it('hides bodies and attachments from Mail.ReadBasic.All and refuses apps without mail permissions', async () => {
		const basic = emulator.tokens.issueAppToken(SEED_APPS.main.appId, ['Mail.ReadBasic.All']);
		const list = await call(`/users/${SUPPORT}/messages?$top=1`, { token: basic });
		expect(list.status).toBe(200);
		expect(list.json.value[0]).not.toHaveProperty('body');
		expect(list.json.value[0]).not.toHaveProperty('bodyPreview');
		const none = emulator.tokens.issueAppToken(SEED_APPS.main.appId, ['User.Read.All']);
		expect((await call(`/users/${SUPPORT}/messages`, { token: none })).status).toBe(403);
	});

	it('refuses mailboxes outside an application access policy with Exchange\'s message', async () => {
		setApplicationAccessPolicy(emulator.state, SEED_APPS.partial.appId, 'RestrictAccess', [SUPPORT]);
		const token = emulator.tokens.issueAppToken(SEED_APPS.partial.appId, ['Mail.Read']);
		expect((await call(`/users/${SUPPORT}/messages`, { token })).status).toBe(200);
		const refused = await call(`/users/${SEED_USERS.salesDesk.upn}/messages`, { token });
		expect(refused.status).toBe(403);
		expect(refused.json.error).toMatchObject({ code: 'ErrorAccessDenied', message: ACCESS_POLICY_MESSAGE });
	});

	it('lets a delegate read a shared mailbox only with Mail.Read.Shared and Full Access', async () => {
		const { accessToken } = emulator.tokens.issueDelegatedTokens(SEED_APPS.main.appId, SEED_USERS.integration.upn, ['Mail.Read', 'Mail.Read.Shared']);
		expect((await call(`/users/${SUPPORT}/messages`, { token: accessToken })).status).toBe(200);
		const own = emulator.tokens.issueDelegatedTokens(SEED_APPS.main.appId, SEED_USERS.alex.upn, ['Mail.Read', 'Mail.Read.Shared']);
		expect((await call(`/users/${SUPPORT}/messages`, { token: own.accessToken })).status).toBe(403);
		expect((await call('/me/messages', { token: own.accessToken })).status).toBe(200);
	});

	it('announces delivered mail as created changes for the subscriptions area, many in one second', async () => {
		const seen: ChangeEvent[] = [];
		const listener = (change: ChangeEvent) => seen.push(change);
		emulator.events.on('change', listener);
		const delivered = deliverMail(emulator.state, { mailbox: SUPPORT, count: 3 });
		emulator.events.off('change', listener);
		expect(new Set(delivered.map((m) => m.receivedDateTime)).size).toBe(1);
		expect(seen.map((change) => [change.changeType, change.resource])).toEqual(
			delivered.map((m) => ['created', `Users/${SEED_USERS.support.id}/Messages/${m.id}`]),
		);
		expect(seen[0].subscriptionResources).toContain(`/users/${SEED_USERS.support.id}/mailfolders/inbox/messages`);
	});

	it('delivers through the control API', async () => {
		const response = await emulatorRequest(`${emulator.graphUrl}/_emulator/mail/deliver`, {
			method: 'POST',
			json: { mailbox: SUPPORT, messages: [{ subject: 'via control', from: 'kim@fabrikam.com' }] },
		});
		expect(response.status).toBe(201);
		expect(response.json.value).toHaveLength(1);
	});
});

describe('mail that becomes visible after it was received', () => {
	it('delivers with a past receivedDateTime, and with the transport delay switch stamps delivered mail that long ago', async () => {
		const past = new Date(emulator.clock.nowMs() - 600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
		const explicit = await emulatorRequest(`${emulator.graphUrl}/_emulator/mail/deliver`, {
			method: 'POST',
			json: { mailbox: SUPPORT, messages: [{ subject: 'moved by a rule', receivedDateTime: past }] },
		});
		expect(explicit.json.value[0].receivedDateTime).toBe(past);

		const settings = await emulatorRequest(`${emulator.graphUrl}/_emulator/rules`, {
			method: 'POST',
			json: { mailDeliveryDelay: 120 },
		});
		expect(settings.json).toMatchObject({ mailDeliveryDelay: { value: 120, defaultValue: 0 } });
		const before = emulator.clock.nowMs();
		const delayed = await emulatorRequest(`${emulator.graphUrl}/_emulator/mail/deliver`, {
			method: 'POST',
			json: { mailbox: SUPPORT, messages: [{ subject: 'late' }] },
		});
		const received = Date.parse(delayed.json.value[0].receivedDateTime);
		expect(received).toBeLessThanOrEqual(before - 119_000);
		expect(received).toBeGreaterThanOrEqual(before - 121_000);
		const bad = await emulatorRequest(`${emulator.graphUrl}/_emulator/rules`, {
			method: 'POST',
			json: { mailDeliveryDelay: -1 },
		});
		expect(bad.status).toBe(400);
		await emulatorRequest(`${emulator.graphUrl}/_emulator/rules`, { method: 'POST', json: { mailDeliveryDelay: 0 } });
	});
});
