/**
 * Echo flags for Teams messages: whether a message was posted by this package, or by the integration account, so
 * that a workflow relaying messages between Teams and another system can drop its own posts instead of sending
 * them back (the earlier examples compared the sender's display name with "Integration Account").
 *
 * - `postedByIntegrationAccount`: the message's author is the integration account (compared by user id, never by
 *   name). `null` when the reader does not know the integration account (a trigger running on the tenant app).
 * - `postedByThisPackage`: posted by the integration account (a service account that only this package posts as),
 *   or posted by this package in this n8n process (as the sender, with the sender's own credential). Messages are
 *   not marked (Teams keeps nothing invisible that can be relied on), so a sender's post made by another n8n
 *   process (another queue-mode worker, or before a restart) is not recognised as the package's.
 */
import type { ChatMessage } from '@microsoft/microsoft-graph-types';

import { graphRequest, type GraphFunctions } from './transport';

export const INTEGRATION_ACCOUNT_CREDENTIAL = 'm365IntegrationAccountOAuth2Api';

export interface EchoFlags {
	[key: string]: boolean | null;
	postedByThisPackage: boolean;
	postedByIntegrationAccount: boolean | null;
}

/** Ids of messages this process posted (or recognised as its own after a lost answer); bounded, oldest out first. */
const MAX_REMEMBERED = 20_000;
const postedIds = new Set<string>();

export function rememberPostedByThisPackage(messageId: string | null | undefined): void {
	if (!messageId) return;
	postedIds.delete(messageId);
	postedIds.add(messageId);
	while (postedIds.size > MAX_REMEMBERED) postedIds.delete(postedIds.values().next().value as string);
}

export function echoFlags(message: ChatMessage, integrationAccountId: string | undefined): EchoFlags {
	const authorId = message.from?.user?.id?.toLowerCase();
	const byIntegrationAccount =
		integrationAccountId === undefined ? null : authorId !== undefined && authorId === integrationAccountId.toLowerCase();
	return {
		postedByThisPackage: byIntegrationAccount === true || postedIds.has(message.id ?? ''),
		postedByIntegrationAccount: byIntegrationAccount,
	};
}

const accountIds = new Map<string, Promise<string>>();

/**
 * The integration account's user id when `credentialType` is the integration account credential (one `GET /me`
 * per credential and process), else undefined.
 */
export async function integrationAccountIdFor(ctx: GraphFunctions, credentialType: string): Promise<string | undefined> {
	if (credentialType !== INTEGRATION_ACCOUNT_CREDENTIAL) return undefined;
	const node = (ctx as { getNode(): { credentials?: Record<string, { id?: string | null; name: string }> } }).getNode();
	const credential = node.credentials?.[credentialType];
	const key = `${credential?.id ?? ''}\u0000${credential?.name ?? ''}`;
	let id = accountIds.get(key);
	if (!id) {
		id = (graphRequest<{ id: string }>).call(ctx, { credentialType, method: 'GET', url: '/me', qs: { $select: 'id' } }).then((me) => me.id);
		accountIds.set(key, id);
		id.catch(() => accountIds.delete(key));
	}
	return await id;
}
