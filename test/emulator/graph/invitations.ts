// POST /invitations (B2B guest invitations), as Graph documents it (api-reference/v1.0/api/invitation-post.md):
// 201 + invitation; a new address becomes a Guest user (UPN {email with @ -> _}#EXT#@{initial domain}, mail and
// otherMails = the address, creationType Invitation, externalUserState PendingAcceptance); inviting the address of
// an existing guest answers 201 again with the same invitedUser.id; the address of a member is refused; a domain
// the tenant's B2B collaboration policy blocks is refused; User.Invite.All (or a higher permission) is required.
//
// Area state (state.area('invitations')): the collaboration policy (allow list or block list of domains, as the
// Entra admin center offers one or the other) and the invitation emails "sent", so tests can check a re-run does
// not send them again. Control API: POST /_emulator/invitations/policy {blockedDomains?, allowedDomains?},
// GET /_emulator/invitations/messages.
import type { Invitation } from '@microsoft/microsoft-graph-types';

import { buildUser } from '../state/builders';
import type { UserRecord } from '../state/types';
import { graphError } from './errors';
import { noteCreated } from './replication';
import type { GraphContext, GraphRouter } from './router';

export interface InvitationPolicy {
	/** Invitations to these domains are refused (block list). */
	blockedDomains: string[];
	/** When set, only these domains may be invited (allow list). */
	allowedDomains?: string[];
}

export interface SentInvitationMessage {
	to: string;
	cc: string[];
	invitedUserId: string;
	customizedMessageBody?: string;
	time: string;
}

export interface InvitationsArea {
	policy: InvitationPolicy;
	messages: SentInvitationMessage[];
}

export function invitationsArea(ctx: { state: GraphContext['state'] }): InvitationsArea {
	return ctx.state.area<InvitationsArea>('invitations', () => ({ policy: { blockedDomains: [] }, messages: [] }));
}

const INVITE_PERMISSIONS = {
	application: ['User.Invite.All', 'User.ReadWrite.All', 'Directory.ReadWrite.All'],
	delegated: ['User.Invite.All', 'User.ReadWrite.All', 'Directory.ReadWrite.All'],
};

/** Characters Graph does not accept in the user name of invitedUserEmailAddress (invitation resource docs). */
const FORBIDDEN_IN_USER_NAME = /[~!#$%^&*()+=[\]{}\\/|;:"'<>?,\s]/;

function isInvitableAddress(address: string): boolean {
	const at = address.lastIndexOf('@');
	if (at <= 0 || at === address.length - 1 || address.indexOf('@') !== at) return false;
	const userName = address.slice(0, at);
	const domain = address.slice(at + 1);
	if (FORBIDDEN_IN_USER_NAME.test(userName) || /^[.-]|[.-]$/.test(userName)) return false;
	return /^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(domain);
}

/** Whether the user answers to this (lower-cased) address (the index's candidates, checked). */
function answersTo(record: UserRecord, address: string): boolean {
	const user = record.user;
	if (user.mail?.toLowerCase() === address || user.userPrincipalName.toLowerCase() === address) return true;
	return (user.otherMails ?? []).some((other) => other.toLowerCase() === address);
}

function domainBlocked(policy: InvitationPolicy, domain: string): boolean {
	const matches = (list: string[]) => list.some((entry) => entry.toLowerCase() === domain || domain.endsWith(`.${entry.toLowerCase()}`));
	if (policy.allowedDomains && policy.allowedDomains.length > 0) return !matches(policy.allowedDomains);
	return matches(policy.blockedDomains);
}

function stringField(body: Record<string, unknown>, name: string): string | undefined {
	const value = body[name];
	return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function createInvitation(ctx: GraphContext) {
	if (!ctx.body || typeof ctx.body !== 'object' || Array.isArray(ctx.body)) {
		graphError(400, 'BadRequest', 'Empty Payload. JSON content expected.');
	}
	const body = ctx.body as Record<string, unknown>;
	const email = stringField(body, 'invitedUserEmailAddress');
	const redirectUrl = stringField(body, 'inviteRedirectUrl');
	if (!email) graphError(400, 'BadRequest', 'The property \'invitedUserEmailAddress\' is required.');
	if (!redirectUrl) graphError(400, 'BadRequest', 'The property \'inviteRedirectUrl\' is required.');
	if (!isInvitableAddress(email)) graphError(400, 'BadRequest', `The email address '${email}' is invalid.`);
	const address = email.toLowerCase();
	const area = invitationsArea(ctx);

	const existing = ctx.state.userIndex().byAddress(address).find((record) => answersTo(record, address));
	if (existing && existing.user.userType !== 'Guest') {
		graphError(400, 'BadRequest', `The invited user already exists in the directory as object ID: ${existing.user.id}.`);
	}
	const domain = address.slice(address.lastIndexOf('@') + 1);
	if (!existing && domainBlocked(area.policy, domain)) {
		graphError(400, 'Request_BadRequest', 'Your organization does not allow collaboration with the domain of the user.');
	}

	const displayName = stringField(body, 'invitedUserDisplayName');
	let guest = existing;
	if (!guest) {
		const upn = `${address.replace('@', '_')}#EXT#@${ctx.state.data.tenant.initialDomain}`;
		guest = ctx.state.addUser(
			buildUser({
				id: ctx.state.newId(),
				displayName: displayName ?? address.slice(0, address.indexOf('@')),
				upn,
				mail: address,
				otherMails: [address],
				kind: 'guest',
				externalUserState: 'PendingAcceptance',
				createdDateTime: ctx.state.nowIso(),
			}),
		);
		noteCreated(ctx, guest.user.id);
	}

	const sendInvitationMessage = body.sendInvitationMessage === true;
	const messageInfo = (body.invitedUserMessageInfo ?? {}) as {
		messageLanguage?: string;
		customizedMessageBody?: string;
		ccRecipients?: Array<{ emailAddress?: { address?: string; name?: string } }>;
	};
	const cc = (messageInfo.ccRecipients ?? []).map((r) => r.emailAddress?.address ?? '').filter(Boolean);
	if (cc.length > 1) graphError(400, 'BadRequest', 'Only one ccRecipient is supported.');
	if (sendInvitationMessage) {
		area.messages.push({ to: address, cc, invitedUserId: guest.user.id, customizedMessageBody: messageInfo.customizedMessageBody, time: ctx.state.nowIso() });
	}

	const id = ctx.state.newId();
	const invitation: Invitation & { id: string } = {
		id,
		inviteRedeemUrl: `https://login.microsoftonline.com/redeem?rd=https%3a%2f%2finvitations.microsoft.com%2fredeem%2f%3ftenant%3d${ctx.state.tenantId}%26user%3d${guest.user.id}%26ticket%3d${id}`,
		invitedUserDisplayName: displayName ?? null,
		invitedUserType: guest.user.userType ?? 'Guest',
		invitedUserEmailAddress: email,
		sendInvitationMessage,
		resetRedemption: body.resetRedemption === true,
		inviteRedirectUrl: redirectUrl,
		status: guest.user.externalUserState === 'Accepted' ? 'Completed' : 'PendingAcceptance',
		invitedUserMessageInfo: {
			messageLanguage: messageInfo.messageLanguage ?? null,
			customizedMessageBody: messageInfo.customizedMessageBody ?? null,
			ccRecipients: cc.map((ccAddress) => ({ emailAddress: { name: null, address: ccAddress } })),
		},
		invitedUser: { id: guest.user.id },
	};
	ctx.state.data.invitations[id] = invitation;
	return {
		status: 201,
		body: { '@odata.context': `${ctx.graphUrl}/${ctx.version}/$metadata#invitations/$entity`, ...invitation },
	};
}

export function registerInvitations(graph: GraphRouter): void {
	graph.route('POST', '/invitations', {
		directory: true,
		permissions: INVITE_PERMISSIONS,
		handler: createInvitation,
	});

	graph.control('POST', '/invitations/policy', (ctx) => {
		const body = (ctx.body ?? {}) as Partial<InvitationPolicy>;
		const area = invitationsArea(ctx);
		area.policy = {
			blockedDomains: Array.isArray(body.blockedDomains) ? body.blockedDomains.map(String) : [],
			allowedDomains: Array.isArray(body.allowedDomains) ? body.allowedDomains.map(String) : undefined,
		};
		return { body: area.policy };
	});

	graph.control('GET', '/invitations/messages', (ctx) => ({ body: { value: invitationsArea(ctx).messages } }));
}
