// Team membership writes (api-reference/v1.0/api/team-post-members.md, team-delete-members.md):
// POST /teams/{team-id}/members with an aadUserConversationMember and `user@odata.bind` (users('{id | upn}'))
// answers 201 + the conversationMember; a user already in the team is 409 Conflict; DELETE
// /teams/{team-id}/members/{membership-id} answers 204. Application and delegated permission: TeamMember.ReadWrite.All.
//
// Roles, as Microsoft documents them (team-post-members, conversationMember, team-update-members): `roles` is empty
// for a basic member, holds "owner" for an owner and "guest" for a guest; "team members with the role of guest cannot
// be given the role of owner". So a guest is stored with ["guest"] whether the request sent ["guest"] or [] (Teams
// stamps it), a guest sent as "owner" is refused with 400, and "guest" for a member of the tenant is refused with 400
// (the docs are silent on that case; refusing is the safer reading). Adding a disabled (sign-in blocked) user answers
// 404 Not Found, as the docs state, and so does a user created too recently to be replicated (replication.ts).
//
// Bulk add (api-reference/v1.0/api/conversationmembers-add.md,
// https://learn.microsoft.com/en-us/graph/api/conversationmembers-add?view=graph-rest-1.0): POST
// /teams/{team-id}/members/add with { "values": [conversationMember, ...] }, at most 200 per request (more: 400), same
// permission as the single add. Each member gets an aadUserConversationMemberResult { userId, error } in input order:
// `error` null when added, else Graph's { code, message } ("NotFound" in Microsoft's partial-failure example). The answer
// is 200 when every member was added and 207 Multi-Status when some were not (the docs name 207 for "only some"; the
// emulator also answers 207 when none was added, the caller has to read the parts either way). Each member is judged as
// the single add judges it, so the per-member codes are the single add's: a disabled user or one not replicated yet
// "NotFound", a user already in the team "Conflict" (the docs are silent on an existing member in a bulk add; reporting
// it, rather than answering success, is the safer reading: a caller must not count on either), a wrong role
// "BadRequest". A team that does not exist, a body without `values`, an empty list or more than 200 fail the whole
// request. Throttling: one request, counted like the single add (Teams' 4 requests per second per app per team and
// 4 member adds per minute per app per team, throttling.ts); neither is a directory write (the identity-and-access write limits are for directory routes).
import { buildMember } from '../state/builders';
import type { ConversationMemberRecord, TeamRecord } from '../state/types';
import { GraphError, graphError } from './errors';
import { invisibleById } from './replication';
import type { GraphContext, GraphRouter } from './router';

const WRITE_PERMISSIONS = { application: ['TeamMember.ReadWrite.All'], delegated: ['TeamMember.ReadWrite.All'] };

function teamOr404(ctx: GraphContext) {
	const team = ctx.state.team(ctx.params.teamId);
	if (!team) graphError(404, 'NotFound', `No team found with Group Id ${ctx.params.teamId}`);
	return team;
}

/** users('id'), users/id or users('upn') in an absolute or relative bind URL. */
function boundUserReference(bind: unknown): string | undefined {
	if (typeof bind !== 'string') return undefined;
	const match = /\/users(?:\('([^']+)'\)|\/([^/?#]+))\s*$/i.exec(bind.trim());
	const reference = match?.[1] ?? match?.[2];
	return reference ? decodeURIComponent(reference) : undefined;
}

const MEMBER_TYPES = new Set(['#microsoft.graph.aadUserConversationMember', 'microsoft.graph.aadUserConversationMember']);
/** Microsoft's limit on members in one bulk add. */
export const BULK_ADD_LIMIT = 200;

/** Checks one conversationMember to add, as the single add does; throws the GraphError the single add answers. */
function admit(ctx: GraphContext, team: TeamRecord, body: Record<string, unknown>): ConversationMemberRecord {
	if (!MEMBER_TYPES.has(String(body['@odata.type']))) {
		graphError(400, 'BadRequest', 'The request body must be an aadUserConversationMember ("@odata.type": "#microsoft.graph.aadUserConversationMember").');
	}
	const reference = boundUserReference(body['user@odata.bind']);
	if (!reference) graphError(400, 'BadRequest', 'Bind requests not expected for action payload: user@odata.bind is missing or not a users(\'id\') URL.');
	const user = ctx.state.user(reference);
	if (!user || invisibleById(ctx, user.user.id)) graphError(404, 'NotFound', `User '${reference}' was not found.`);
	if (user.user.accountEnabled === false) graphError(404, 'NotFound', `User '${reference}' was not found or is disabled.`);
	const roles = Array.isArray(body.roles) ? [...new Set(body.roles.map((role) => String(role).toLowerCase()))] : [];
	if (roles.some((role) => role !== 'owner' && role !== 'guest')) graphError(400, 'BadRequest', `Invalid role: ${roles.join(', ')}. Allowed roles are "owner", "guest" (for a guest) or none.`);
	const isGuest = user.kind === 'guest' || user.user.userType === 'Guest';
	if (isGuest && roles.includes('owner')) graphError(400, 'BadRequest', 'A guest cannot be added as an owner of a team.');
	if (!isGuest && roles.includes('guest')) graphError(400, 'BadRequest', `User '${reference}' is a member of this tenant, not a guest: the "guest" role applies only to guests.`);
	if (team.members.some((member) => member.userId === user.user.id)) {
		graphError(409, 'Conflict', `User ${user.user.id} is already a member of team ${team.team.id}.`);
	}
	return buildMember(team.team.id, user, ctx.state.tenantId, roles.filter((role) => role !== 'guest'));
}

function addMember(ctx: GraphContext) {
	const team = teamOr404(ctx);
	const member = admit(ctx, team, (ctx.body ?? {}) as Record<string, unknown>);
	team.members.push(member);
	return {
		status: 201,
		body: { '@odata.context': `${ctx.graphUrl}/${ctx.version}/$metadata#teams('${team.team.id}')/members/$entity`, ...member },
	};
}

function addMembers(ctx: GraphContext) {
	const team = teamOr404(ctx);
	const values = (ctx.body as { values?: unknown } | undefined)?.values;
	if (!Array.isArray(values) || values.length === 0) graphError(400, 'BadRequest', 'The request body must have "values": a list of conversationMember objects to add.');
	if (values.length > BULK_ADD_LIMIT) {
		graphError(400, 'BadRequest', `Too many members: at most ${BULK_ADD_LIMIT} conversationMember objects can be added in one request, got ${values.length}.`);
	}
	const parts = values.map((value) => {
		const body = (value !== null && typeof value === 'object' ? value : {}) as Record<string, unknown>;
		const reference = boundUserReference(body['user@odata.bind']);
		const userId = (reference && ctx.state.user(reference)?.user.id) ?? reference ?? null;
		try {
			team.members.push(admit(ctx, team, body));
			return { '@odata.type': '#microsoft.graph.aadUserConversationMemberResult', userId, error: null };
		} catch (error) {
			if (!(error instanceof GraphError)) throw error;
			return { '@odata.type': '#microsoft.graph.aadUserConversationMemberResult', userId, error: { code: error.code, message: error.message } };
		}
	});
	return {
		status: parts.every((part) => part.error === null) ? 200 : 207,
		body: { '@odata.context': `${ctx.graphUrl}/${ctx.version}/$metadata#Collection(microsoft.graph.aadUserConversationMemberResult)`, value: parts },
	};
}

function removeMember(ctx: GraphContext) {
	const team = teamOr404(ctx);
	const index = team.members.findIndex((member) => member.id === ctx.params.membershipId);
	if (index < 0) graphError(404, 'NotFound', `Membership ${ctx.params.membershipId} was not found in team ${team.team.id}.`);
	team.members.splice(index, 1);
	return { status: 204 };
}

export function registerTeamMemberWrites(graph: GraphRouter): void {
	graph.route('POST', '/teams/:teamId/members', { permissions: WRITE_PERMISSIONS, handler: addMember });
	graph.route('POST', '/teams/:teamId/members/add', { permissions: WRITE_PERMISSIONS, handler: addMembers });
	graph.route('DELETE', '/teams/:teamId/members/:membershipId', { permissions: WRITE_PERMISSIONS, handler: removeMember });
}
