/**
 * Who posts a message: the sender (a real user's delegated credential) or the integration account.
 *
 * Pure decision: every fact it needs (sender identity and tenant, the target's tenant, whether the sender is a
 * member of the target) is gathered by the caller, so each rule is testable without Graph.
 */

export interface Identity {
	userId: string;
	displayName: string;
}

export type PostedAsReason =
	| 'senderIsMember'
	| 'noSenderCredential'
	| 'senderNotSignedIn'
	| 'senderInOtherTenant'
	| 'senderNotMember'
	| 'senderTokenRefused';

export interface PostedAs {
	identity: 'sender' | 'integrationAccount';
	userId: string;
	displayName: string;
	reason: PostedAsReason;
}

export interface SenderFacts extends Identity {
	tenantId: string;
}

export interface PosterFacts {
	integrationAccount: Identity;
	/** Undefined when no sender credential is set on the node. */
	sender?: SenderFacts | 'notSignedIn';
	/** Tenant that owns the team or chat. */
	targetTenantId: string;
	/** Whether the sender is a member of the target; asked only when the sender is in the target's tenant. */
	senderIsMember?: boolean;
}

export interface PosterDecision {
	postedAs: PostedAs;
	/** True when the integration account posts on someone's behalf and the attribution template applies. */
	attribute: boolean;
}

function asIntegrationAccount(facts: PosterFacts, reason: PostedAsReason): PosterDecision {
	return {
		postedAs: { identity: 'integrationAccount', userId: facts.integrationAccount.userId, displayName: facts.integrationAccount.displayName, reason },
		attribute: true,
	};
}

export function choosePoster(facts: PosterFacts): PosterDecision {
	const { sender } = facts;
	if (sender === undefined) return asIntegrationAccount(facts, 'noSenderCredential');
	if (sender === 'notSignedIn') return asIntegrationAccount(facts, 'senderNotSignedIn');
	if (sender.tenantId.toLowerCase() !== facts.targetTenantId.toLowerCase()) {
		return asIntegrationAccount(facts, 'senderInOtherTenant');
	}
	if (facts.senderIsMember !== true) return asIntegrationAccount(facts, 'senderNotMember');
	return {
		postedAs: {
			identity: 'sender',
			userId: sender.userId,
			displayName: sender.displayName,
			reason: 'senderIsMember',
		},
		attribute: false,
	};
}

/** The sender was chosen but Graph refused its token (401/403 after refresh): the integration account posts instead. */
export function fallBackAfterSenderRefused(integrationAccount: Identity): PosterDecision {
	return {
		postedAs: { identity: 'integrationAccount', userId: integrationAccount.userId, displayName: integrationAccount.displayName, reason: 'senderTokenRefused' },
		attribute: true,
	};
}

/** Whether a Graph status from the sender's post means "this token may not post here", so falling back is right. */
export function isSenderRefusal(statusCode: number | undefined): boolean {
	return statusCode === 401 || statusCode === 403;
}
