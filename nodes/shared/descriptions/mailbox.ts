/**
 * Resource locator for a mailbox: a user's or a shared mailbox, addressed as a user (/users/{id | UPN}), picked
 * from the list (users with a mailbox), by object id, or by address. Register `searchMailboxes` from
 * nodes/shared/listSearch/mailboxes.ts as a listSearch method, and read values with `parseMailboxReference`.
 */
import type { INodeProperties } from 'n8n-workflow';

import { ADDRESS, ADDRESS_SOURCE, GUID, GUID_SOURCE } from '../identifiers';
import { idMode, listMode, textMode } from './rlc';

export const mailboxRlc: INodeProperties = {
	displayName: 'Mailbox',
	name: 'mailbox',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description: "A user's or a shared mailbox, from the list, by object ID, or by address (user principal name or email)",
	modes: [
		listMode('Select a mailbox...', 'searchMailboxes'),
		textMode('By Address', 'address', 'e.g. support@contoso.com', ADDRESS_SOURCE, 'Not a mailbox address (name@domain)'),
		idMode('e.g. 7e2f1174-e8ee-4859-b8b1-a8d1cc63d276', `(${GUID_SOURCE}|me)`, 'Not a mailbox object ID (a GUID) or "me"'),
	],
};

/**
 * A mailbox reference Graph accepts in /users/{...}: an object id or an address; `me` for the signed-in
 * account of a delegated credential. Undefined when the value is none of them.
 */
export function parseMailboxReference(value: string): string | undefined {
	const trimmed = value.trim();
	if (trimmed.toLowerCase() === 'me') return 'me';
	if (GUID.test(trimmed) || ADDRESS.test(trimmed)) return trimmed;
	return undefined;
}

/** The Graph path of a mailbox: /me for the signed-in account, /users/{ref} otherwise. */
export function mailboxPath(reference: string): string {
	return reference === 'me' ? '/me' : `/users/${encodeURIComponent(reference)}`;
}
