import { mailboxPath, parseMailboxReference } from '../../../nodes/shared/descriptions/mailbox';
import { toBatchUrl } from '../../../nodes/shared/transport/batchUrl';

describe('parseMailboxReference', () => {
	it('accepts addresses, object ids and me', () => {
		expect(parseMailboxReference(' support@contoso.com ')).toBe('support@contoso.com');
		expect(parseMailboxReference('7e2f1174-e8ee-4859-b8b1-a8d1cc63d276')).toBe('7e2f1174-e8ee-4859-b8b1-a8d1cc63d276');
		expect(parseMailboxReference('ME')).toBe('me');
		expect(parseMailboxReference('support')).toBeUndefined();
	});

	it('addresses the signed-in account as /me and others as users', () => {
		expect(mailboxPath('me')).toBe('/me');
		expect(mailboxPath('a b@contoso.com')).toBe('/users/a%20b%40contoso.com');
	});
});

describe('toBatchUrl', () => {
	it('turns an absolute delta link of the Graph host into a version-relative URL', () => {
		expect(toBatchUrl('https://graph.microsoft.com/v1.0/users/x/mailFolders/inbox/messages/delta?$deltatoken=abc', 'graph.microsoft.com')).toBe(
			'/users/x/mailFolders/inbox/messages/delta?$deltatoken=abc',
		);
		expect(toBatchUrl('users/x', 'graph.microsoft.com')).toBe('/users/x');
	});

	it('refuses links to another host or version', () => {
		expect(() => toBatchUrl('https://evil.example/v1.0/users', 'graph.microsoft.com')).toThrow(/another host/);
		expect(() => toBatchUrl('https://graph.microsoft.com/beta/users', 'graph.microsoft.com')).toThrow(/outside \/v1\.0\//);
	});
});
