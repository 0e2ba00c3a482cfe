// The shared secret Graph echoes in every notification of a subscription. It is derived, never stored: an HMAC of
// the subscription's notification URL and target under a key derived from the credential's own secret (client
// secret or certificate private key), so the workflow's static data (in exports and backups) holds nothing that
// lets anyone forge a notification. Compared in constant time.
import { createHmac, timingSafeEqual } from 'crypto';

import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

/** What the webhook and the subscription calls need: the derivation key and a short, non-secret name for it. */
export interface ClientStateKey {
	key: Buffer;
	/** Names the key (not secret): a subscription made under another key (a rotated client secret) is recognised. */
	id: string;
}

const DERIVATION_CONTEXT = 'n8n-nodes-m365-integration/m365Trigger/clientState/v1';

export class NoClientStateKeyError extends Error {
	constructor() {
		super(
			'The credential has no client secret or private key, which the trigger derives its subscriptions\' secret (clientState) from. Fill in the credential\'s client secret.',
		);
		this.name = 'NoClientStateKeyError';
	}
}

/** The key, from the credential's secret material: the tenant app's client secret or private key, the OAuth2 app's client secret. */
export function clientStateKeyFrom(data: ICredentialDataDecryptedObject): ClientStateKey {
	const material = [data.clientSecret, data.privateKey].find((value) => typeof value === 'string' && value.trim() !== '');
	if (typeof material !== 'string') throw new NoClientStateKeyError();
	const key = createHmac('sha256', material.trim()).update(DERIVATION_CONTEXT).digest();
	const id = createHmac('sha256', key).update('key id').digest('base64url').slice(0, 12);
	return { key, id };
}

/** 43 base64url characters (Graph allows 128), one per notification URL and target. */
export function deriveClientState(key: ClientStateKey, notificationUrl: string, targetKey: string): string {
	return createHmac('sha256', key.key).update(`${notificationUrl}\n${targetKey}`).digest('base64url');
}

export function clientStateMatches(expected: string, received: unknown): boolean {
	if (typeof received !== 'string' || expected.length === 0) return false;
	const a = Buffer.from(expected, 'utf8');
	const b = Buffer.from(received, 'utf8');
	return a.length === b.length && timingSafeEqual(a, b);
}
