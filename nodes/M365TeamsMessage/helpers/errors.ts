import type { INode } from 'n8n-workflow';

import { asNodeError } from '../../shared/nodeErrors';

/** Texts for the errors users meet most, each saying what to do. */

export type MembershipTarget =
	| { kind: 'team'; teamName: string }
	| { kind: 'privateChannel'; teamName: string; channelName: string }
	| { kind: 'chat' };

export function notMemberMessage(accountName: string, target: MembershipTarget): string {
	const where =
		target.kind === 'team'
			? `team '${target.teamName}'`
			: target.kind === 'privateChannel'
				? `private channel '${target.channelName}' of team '${target.teamName}'`
				: 'this chat';
	const how =
		target.kind === 'chat'
			? 'Add it to the chat in Teams (chat > View and add participants > Add people), or let the node create a chat that includes it.'
			: 'Add it in Teams: team > Manage team > Members > Add member (for private channels add it to the channel too).';
	return `The integration account ${accountName} is not a member of ${where}. ${how}`;
}

export function notSignedInMessage(credentialName: string): string {
	return `The integration account is not signed in: open credential '${credentialName}' and click Connect again.`;
}

export function senderNotSignedInHint(credentialName: string): string {
	return `The sender credential '${credentialName}' is not signed in, so the integration account posted instead. Open the credential and click Connect to post as that user.`;
}

/**
 * Passes on an error already shaped for n8n (NodeApiError from the transport, NodeOperationError) and wraps
 * anything else, so a catch that only handles some failures keeps the others intact.
 */
export function passOn(node: INode, error: unknown, itemIndex?: number): never {
	throw asNodeError(error, node, itemIndex);
}
