import type { Message } from '@microsoft/microsoft-graph-types';

import { parseAddressList, passesFilters } from '../../../nodes/M365OutlookMailboxTrigger/filters';
import { rawMessage, simplifyMessage } from '../../../nodes/M365OutlookMailboxTrigger/output';

const message: Message = {
	id: 'm1',
	subject: 'Invoice 42 overdue',
	from: { emailAddress: { name: 'Billing', address: 'Billing@Fabrikam.com' } },
	toRecipients: [{ emailAddress: { name: 'Support', address: 'support@contoso.com' } }],
	isRead: false,
	hasAttachments: true,
	receivedDateTime: '2026-03-10T12:00:00Z',
};

describe('parseAddressList', () => {
	it('splits on commas, semicolons and new lines and lower-cases', () => {
		expect(parseAddressList(' A@x.com; b@y.com,\nc@z.com ,, ')).toEqual(['a@x.com', 'b@y.com', 'c@z.com']);
		expect(parseAddressList(undefined)).toEqual([]);
	});
});

describe('passesFilters', () => {
	it('passes everything without filters', () => {
		expect(passesFilters(message, {})).toBe(true);
	});

	it('checks unread, attachments, sender (case-insensitive) and subject text', () => {
		expect(passesFilters(message, { unreadOnly: true, hasAttachments: true, from: ['billing@fabrikam.com'], subjectContains: 'OVERDUE' })).toBe(true);
		expect(passesFilters({ ...message, isRead: true }, { unreadOnly: true })).toBe(false);
		expect(passesFilters({ ...message, hasAttachments: false }, { hasAttachments: true })).toBe(false);
		expect(passesFilters(message, { from: ['someone@else.com'] })).toBe(false);
		expect(passesFilters(message, { subjectContains: 'paid' })).toBe(false);
	});

	it('falls back to the sender when from is missing', () => {
		const sent = { ...message, from: undefined, sender: { emailAddress: { address: 'billing@fabrikam.com' } } };
		expect(passesFilters(sent, { from: ['billing@fabrikam.com'] })).toBe(true);
	});
});

describe('output', () => {
	const origin = { mailbox: 'support@contoso.com', folder: 'inbox' };

	it('simplifies a message into flat fields with its mailbox and folder', () => {
		expect(simplifyMessage(message, origin)).toMatchObject({
			id: 'm1',
			mailbox: 'support@contoso.com',
			folder: 'inbox',
			subject: 'Invoice 42 overdue',
			from: { name: 'Billing', address: 'Billing@Fabrikam.com' },
			to: [{ name: 'Support', address: 'support@contoso.com' }],
			cc: [],
			hasAttachments: true,
		});
	});

	it('keeps the raw message but drops delta annotations', () => {
		const raw = rawMessage({ ...message, '@odata.type': '#microsoft.graph.message', '@odata.etag': 'W/"x"' } as Message, origin);
		expect(raw).not.toHaveProperty(['@odata.type']);
		expect(raw).toMatchObject({ id: 'm1', subject: 'Invoice 42 overdue', mailbox: 'support@contoso.com' });
	});
});
