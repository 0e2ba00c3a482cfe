import {
	clientStateKeyFrom,
	clientStateMatches,
	deriveClientState,
	NoClientStateKeyError,
} from '../../../nodes/M365Trigger/clientState';
import { isValidationHandshake } from '../../../nodes/M365Trigger/webhookGuards';
import {
	checkNotifications,
	statusForRejectedPost,
	type KnownSubscription,
} from '../../../nodes/M365Trigger/notifications';

const key = clientStateKeyFrom({ clientSecret: 'the-app-secret' });
const secret = deriveClientState(key, 'https://n8n.example.com/webhook/abc/webhook', 'chat:c1');
const known: KnownSubscription = { id: 'sub-1', clientState: secret, targetKey: 'chat:c1' };
const find = (id: string) => (id === known.id ? known : undefined);

const change = (overrides: Record<string, unknown> = {}) => ({
	subscriptionId: 'sub-1',
	subscriptionExpirationDateTime: '2026-11-25T12:00:00.0000000Z',
	clientState: secret,
	changeType: 'created',
	resource: "chats('c1')/messages('m1')",
	tenantId: 'tenant-guid',
	resourceData: { '@odata.type': '#Microsoft.Graph.chatMessage', '@odata.id': "chats('c1')/messages('m1')", id: 'm1' },
	...overrides,
});

describe('clientState', () => {
	it('is derived from the credential secret, the URL and the target: 43 characters, within Graph limit', () => {
		expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
		expect(deriveClientState(key, 'https://n8n.example.com/webhook/abc/webhook', 'chat:c1')).toBe(secret);
		expect(deriveClientState(key, 'https://n8n.example.com/webhook/abc/webhook', 'chat:c2')).not.toBe(secret);
		expect(deriveClientState(key, 'https://n8n.example.com/webhook/xyz/webhook', 'chat:c1')).not.toBe(secret);
		const rotated = clientStateKeyFrom({ clientSecret: 'the-new-secret' });
		expect(deriveClientState(rotated, 'https://n8n.example.com/webhook/abc/webhook', 'chat:c1')).not.toBe(secret);
		expect(rotated.id).not.toBe(key.id);
		// The key id names the key without revealing it or the clientState.
		expect(key.id).toMatch(/^[A-Za-z0-9_-]{12}$/);
		expect(secret).not.toContain(key.id);
		expect(clientStateKeyFrom({ authMethod: 'certificate', privateKey: '-----BEGIN PRIVATE KEY-----x' }).id).not.toBe(key.id);
		expect(() => clientStateKeyFrom({ clientSecret: '' })).toThrow(NoClientStateKeyError);
	});

	it('matches only the exact value', () => {
		expect(clientStateMatches(secret, secret)).toBe(true);
		expect(clientStateMatches(secret, secret.slice(1))).toBe(false);
		expect(clientStateMatches(secret, undefined)).toBe(false);
		expect(clientStateMatches('', '')).toBe(false);
	});
});

describe('checkNotifications', () => {
	it('accepts a change notification from a known subscription with its clientState', () => {
		const verdict = checkNotifications({ value: [change()] }, find);
		expect(verdict).toEqual({
			kind: 'checked',
			changes: [
				{
					subscriptionId: 'sub-1',
					targetKey: 'chat:c1',
					changeType: 'created',
					resource: "chats('c1')/messages('m1')",
					resourceId: 'm1',
					subscriptionExpirationDateTime: '2026-11-25T12:00:00.0000000Z',
				},
			],
			lifecycleEvents: [],
			rejected: [],
		});
		expect(statusForRejectedPost(verdict)).toBeUndefined();
	});

	it('accepts lifecycle notifications', () => {
		const verdict = checkNotifications(
			{
				value: [
					{ subscriptionId: 'sub-1', clientState: secret, tenantId: 't', lifecycleEvent: 'reauthorizationRequired' },
					{ subscriptionId: 'sub-1', clientState: secret, tenantId: 't', lifecycleEvent: 'missed' },
				],
			},
			find,
		);
		expect(verdict.kind === 'checked' && verdict.lifecycleEvents.map((e) => e.lifecycleEvent)).toEqual([
			'reauthorizationRequired',
			'missed',
		]);
	});

	it('parses a JSON string body', () => {
		const verdict = checkNotifications(JSON.stringify({ value: [change()] }), find);
		expect(verdict.kind === 'checked' && verdict.changes).toHaveLength(1);
	});

	it('rejects a wrong or missing clientState with 403', () => {
		const verdict = checkNotifications({ value: [change({ clientState: 'guess' }), change({ clientState: undefined })] }, find);
		expect(verdict).toMatchObject({
			kind: 'checked',
			changes: [],
			rejected: [
				{ index: 0, reason: 'clientStateMismatch' },
				{ index: 1, reason: 'clientStateMismatch' },
			],
		});
		expect(statusForRejectedPost(verdict)).toBe(403);
	});

	it('rejects an unknown subscription with 403', () => {
		const verdict = checkNotifications({ value: [change({ subscriptionId: 'someone-else' })] }, find);
		expect(verdict).toMatchObject({ rejected: [{ index: 0, reason: 'unknownSubscription' }] });
		expect(statusForRejectedPost(verdict)).toBe(403);
	});

	it.each([
		['not an object', 'hello'],
		['no value', { notifications: [] }],
		['empty value', { value: [] }],
		['null', null],
	])('rejects a malformed body (%s) with 400', (_name, body) => {
		const verdict = checkNotifications(body, find);
		expect(verdict.kind).toBe('malformed');
		expect(statusForRejectedPost(verdict)).toBe(400);
	});

	it.each([
		['no subscriptionId', change({ subscriptionId: undefined })],
		['unknown changeType', change({ changeType: 'exploded' })],
		['no resource', change({ resource: '' })],
		['resourceData not an object', change({ resourceData: 'x' })],
		['unknown lifecycle event', { subscriptionId: 'sub-1', clientState: secret, lifecycleEvent: 'reboot' }],
	])('rejects a notification not shaped like Graph (%s)', (_name, item) => {
		const verdict = checkNotifications({ value: [item] }, find);
		expect(verdict).toMatchObject({ kind: 'checked', changes: [], rejected: [{ index: 0, reason: 'malformed' }] });
		expect(statusForRejectedPost(verdict)).toBe(400);
	});

	it('keeps the good notifications of a mixed batch', () => {
		const verdict = checkNotifications({ value: [change({ clientState: 'bad' }), change()] }, find);
		expect(verdict.kind === 'checked' && verdict.changes).toHaveLength(1);
		expect(statusForRejectedPost(verdict)).toBeUndefined();
	});
});

describe('the validation handshake, only in Graph\'s shape', () => {
	it('answers a POST with only validationToken and an empty body', () => {
		expect(isValidationHandshake({ validationToken: 'Validation: Testing client application reachability for subscription Request-Id: 1' }, {})).toBe(true);
		expect(isValidationHandshake({ validationToken: 'x' }, '')).toBe(true);
		expect(isValidationHandshake({ validationToken: 'x' }, undefined)).toBe(true);
	});

	it('refuses anything else', () => {
		expect(isValidationHandshake({ validationToken: 'x' }, { value: [] })).toBe(false);
		expect(isValidationHandshake({ validationToken: 'x', other: '1' }, {})).toBe(false);
		expect(isValidationHandshake({ validationToken: '' }, {})).toBe(false);
		expect(isValidationHandshake({ validationToken: 'x'.repeat(1025) }, {})).toBe(false);
		expect(isValidationHandshake({ validationToken: 'a\u0000b' }, {})).toBe(false);
		expect(isValidationHandshake({ validationToken: ['a', 'b'] }, {})).toBe(false);
		expect(isValidationHandshake({ validationToken: 'x' }, Buffer.from('body'))).toBe(false);
	});
});
