import type { Emulator } from '../../emulator';
import { SEED_APPS, SEED_USERS } from '../../emulator';
import { deliverMail, setApplicationAccessPolicy } from '../../emulator/graph/mail';
import { integrationAccountCredentialData } from '../../support/emulatorCredentials';
import { ADELE, jsonOf, mailboxParameters, Poller, SALES, startTenant, SUPPORT, tenantCredential } from './setup';

describe('M365 Outlook Mailbox Trigger: mailboxes, folders, output', () => {
	let emulator: Emulator;
	beforeEach(async () => {
		emulator = await startTenant();
	});
	afterEach(async () => {
		await emulator.close();
	});

	it('starts from now, then emits new mail of two shared mailboxes once, oldest first, with the mailbox on every item', async () => {
		const poller = new Poller(emulator, mailboxParameters([SUPPORT, SALES]));
		const first = await poller.poll();
		expect(first.error).toBeUndefined();
		expect(first.items).toBeNull();

		emulator.clock.advance(60);
		deliverMail(emulator.state, { mailbox: SUPPORT, messages: [{ subject: 'Printer on fire', from: 'kim@fabrikam.com' }] });
		emulator.clock.advance(1);
		deliverMail(emulator.state, { mailbox: SALES, messages: [{ subject: 'Quote please', from: 'patti@tailspin.example' }] });
		const second = jsonOf(await poller.poll());
		expect(second.map((item) => [item.subject, item.mailbox, item.folder])).toEqual([
			['Printer on fire', SUPPORT, 'inbox'],
			['Quote please', SALES, 'inbox'],
		]);
		expect(second[0]).toMatchObject({ from: { address: 'kim@fabrikam.com' }, isRead: false, hasAttachments: false });

		const third = await poller.poll();
		expect(third.error).toBeUndefined();
		expect(third.items).toBeNull();
	});

	it('watches chosen folders by well-known name and path, with child folders', async () => {
		const poller = new Poller(
			emulator,
			mailboxParameters([SUPPORT], { folders: ['inbox'], folderPaths: 'Sent Items', includeChildFolders: true }),
		);
		expect((await poller.poll()).error).toBeUndefined();
		emulator.clock.advance(60);
		deliverMail(emulator.state, { mailbox: SUPPORT, folder: 'Invoices', messages: [{ subject: 'Invoice 7' }] });
		deliverMail(emulator.state, { mailbox: SUPPORT, folder: 'sentitems', messages: [{ subject: 'Sent reply' }] });
		deliverMail(emulator.state, { mailbox: SUPPORT, folder: 'junkemail', messages: [{ subject: 'Spam' }] });
		const items = jsonOf(await poller.poll());
		expect(items.map((item) => [item.subject, item.folder]).sort()).toEqual([
			['Invoice 7', 'inbox/Invoices'],
			['Sent reply', 'Sent Items'],
		]);
	});

	it('applies filters without stalling the cursor on messages it drops', async () => {
		const poller = new Poller(
			emulator,
			mailboxParameters([SUPPORT], { filters: { unreadOnly: true, from: 'vip@fabrikam.com', subjectContains: 'urgent' } }),
		);
		expect((await poller.poll()).error).toBeUndefined();
		emulator.clock.advance(60);
		deliverMail(emulator.state, {
			mailbox: SUPPORT,
			messages: [
				{ subject: 'URGENT: outage', from: 'vip@fabrikam.com' },
				{ subject: 'urgent but read', from: 'vip@fabrikam.com', isRead: true },
				{ subject: 'urgent from someone else', from: 'other@fabrikam.com' },
				{ subject: 'not matching', from: 'vip@fabrikam.com' },
			],
		});
		expect(jsonOf(await poller.poll()).map((item) => item.subject)).toEqual(['URGENT: outage']);
		expect((await poller.poll()).items).toBeNull();
	});

	it('adds file attachments as binary data and gives raw Graph messages on request', async () => {
		const poller = new Poller(
			emulator,
			mailboxParameters([SUPPORT], { output: 'raw', options: { downloadAttachments: true }, filters: { hasAttachments: true } }),
		);
		expect((await poller.poll()).error).toBeUndefined();
		emulator.clock.advance(60);
		deliverMail(emulator.state, {
			mailbox: SUPPORT,
			messages: [
				{ subject: 'With invoice', bodyText: 'See attached.', attachments: [{ name: 'invoice.pdf', contentType: 'application/pdf', contentBase64: Buffer.from('%PDF-1.4 fake').toString('base64') }, { name: 'note.txt', contentType: 'text/plain', text: 'hello' }] },
				{ subject: 'No attachment' },
			],
		});
		const result = await poller.poll();
		const items = result.items?.[0] ?? [];
		expect(items).toHaveLength(1);
		expect(items[0].json).toMatchObject({ subject: 'With invoice', body: { content: 'See attached.' }, mailbox: SUPPORT, hasAttachments: true });
		expect(items[0].binary?.attachment_0).toMatchObject({ fileName: 'invoice.pdf', mimeType: 'application/pdf' });
		expect(Buffer.from(items[0].binary?.attachment_0.data ?? '', 'base64').toString()).toBe('%PDF-1.4 fake');
		expect(items[0].binary?.attachment_1).toMatchObject({ fileName: 'note.txt' });
	});

	it('"Fetch Test Event" returns the newest message of the first mailbox and leaves the cursor alone', async () => {
		const poller = new Poller(emulator, mailboxParameters([SALES, SUPPORT]));
		const manual = await poller.poll('manual');
		expect(jsonOf(manual).map((item) => [item.subject, item.mailbox])).toEqual([['Request for quote', SALES]]);
		expect(poller.staticData).toEqual({});
	});

	it('watches all mailboxes of the organisation with an include list', async () => {
		const poller = new Poller(emulator, {
			authentication: 'm365TenantAppApi',
			mailboxScope: 'all',
			includeMailboxes: `${SUPPORT.toUpperCase()}, ${ADELE}`,
		});
		expect((await poller.poll()).error).toBeUndefined();
		emulator.clock.advance(60);
		for (const mailbox of [SUPPORT, SALES, ADELE]) deliverMail(emulator.state, { mailbox, messages: [{ subject: `to ${mailbox}` }] });
		expect(jsonOf(await poller.poll()).map((item) => item.mailbox).sort()).toEqual([ADELE.toLowerCase(), SUPPORT.toLowerCase()].sort());
	});

	it('watches all mailboxes except an exclude list', async () => {
		const poller = new Poller(emulator, { authentication: 'm365TenantAppApi', mailboxScope: 'all', excludeMailboxes: SALES });
		expect((await poller.poll()).error).toBeUndefined();
		emulator.clock.advance(60);
		deliverMail(emulator.state, { mailbox: SALES, messages: [{ subject: 'excluded' }] });
		deliverMail(emulator.state, { mailbox: SUPPORT, messages: [{ subject: 'included' }] });
		expect(jsonOf(await poller.poll()).map((item) => item.subject)).toEqual(['included']);
	});

	it('reads the integration account\'s own mailbox and a shared mailbox it has access to, with a delegated credential', async () => {
		const data = await integrationAccountCredentialData(emulator);
		const poller = new Poller(
			emulator,
			{
				authentication: 'm365IntegrationAccountOAuth2Api',
				mailboxes: { mailbox: [{ mailbox: { __rl: true, mode: 'id', value: 'me' } }, { mailbox: { __rl: true, mode: 'address', value: SUPPORT } }] },
			},
			{ m365IntegrationAccountOAuth2Api: data },
		);
		const first = await poller.poll();
		expect(first.error).toBeUndefined();
		emulator.clock.advance(60);
		deliverMail(emulator.state, { mailbox: SEED_USERS.integration.upn, messages: [{ subject: 'for me' }] });
		emulator.clock.advance(1);
		deliverMail(emulator.state, { mailbox: SUPPORT, messages: [{ subject: 'for support' }] });
		expect(jsonOf(await poller.poll()).map((item) => [item.subject, item.mailbox])).toEqual([
			['for me', 'me'],
			['for support', SUPPORT],
		]);
	});

	it('says admin consent is missing and shows the admin-consent URL for this tenant and app', async () => {
		const poller = new Poller(emulator, mailboxParameters([SUPPORT]), { m365TenantAppApi: tenantCredential(emulator, 'noConsent') });
		const result = await poller.poll();
		expect(result.error?.message).toBe('Admin consent is missing: the app may not read mail in this tenant');
		expect(result.error?.description).toContain(
			`https://${emulator.loginHost}/${emulator.tenantId}/adminconsent?client_id=${SEED_APPS.noConsent.appId}`,
		);
		expect(result.error?.description).toContain('Mail.Read');
	});

	it('names the mailbox an application access policy refuses, and keeps reading the others', async () => {
		setApplicationAccessPolicy(emulator.state, SEED_APPS.main.appId, 'RestrictAccess', [SUPPORT]);
		const poller = new Poller(emulator, mailboxParameters([SUPPORT, SALES]));
		const refused = await poller.poll();
		expect(refused.error?.message).toBe(`Mailbox "${SALES}" is outside this app's scope (Exchange application access policy)`);
		expect(refused.error?.description).toContain('Test-ApplicationAccessPolicy');

		// Mail in the allowed mailbox still arrives; the refused one is reported in the log, not lost.
		emulator.clock.advance(60);
		deliverMail(emulator.state, { mailbox: SUPPORT, messages: [{ subject: 'allowed' }] });
		expect(jsonOf(await poller.poll()).map((item) => item.subject)).toEqual(['allowed']);
	});

	it('names the field and the fix for bad input', async () => {
		const me = await new Poller(emulator, mailboxParameters(['me'])).poll();
		expect(me.error?.message).toBe("'me' in 'Mailboxes' is not a mailbox");
		const none = await new Poller(emulator, mailboxParameters([])).poll();
		expect(none.error?.message).toBe("No mailbox in 'Mailboxes'");
		const badDate = await new Poller(emulator, mailboxParameters([SUPPORT], { startFrom: 'date', backfillDate: 'soon' })).poll();
		expect(badDate.error?.message).toMatch(/^'Backfill From' is not a time/);
	});
});
