// Team membership writes (api-reference/v1.0/api/team-post-members.md, team-delete-members.md):
// POST /teams/{team-id}/members with an aadUserConversationMember and `user@odata.bind` (users('{id | upn}'))
// answers 201 + the conversationMember; a user already in the team is 409 Conflict; DELETE
// /teams/{team-id}/members/{membership-id} answers 204. Application and delegated permission: TeamMember.ReadWrite.All.
// Guests get the "guest" role and cannot be owners, as in Teams.
import { buildMember } from '../state/builders';
import { graphError } from './errors';
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

function addMember(ctx: GraphContext) {
	const team = teamOr404(ctx);
	const body = (ctx.body ?? {}) as Record<string, unknown>;
	if (body['@odata.type'] !== '#microsoft.graph.aadUserConversationMember') {
		graphError(400, 'BadRequest', 'The request body must be an aadUserConversationMember ("@odata.type": "#microsoft.graph.aadUserConversationMember").');
	}
	const reference = boundUserReference(body['user@odata.bind']);
	if (!reference) graphError(400, 'BadRequest', 'Bind requests not expected for action payload: user@odata.bind is missing or not a users(\'id\') URL.');
	const user = ctx.state.user(reference);
	if (!user) graphError(404, 'NotFound', `User '${reference}' was not found.`);
	const roles = Array.isArray(body.roles) ? body.roles.map(String) : [];
	if (roles.some((role) => role.toLowerCase() !== 'owner')) graphError(400, 'BadRequest', `Invalid role: ${roles.join(', ')}. Allowed roles are "owner" or none.`);
	if (user.kind === 'guest' && roles.length > 0) graphError(400, 'BadRequest', 'A guest cannot be added as an owner of a team.');
	if (team.members.some((member) => member.userId === user.user.id)) {
		graphError(409, 'Conflict', `User ${user.user.id} is already a member of team ${team.team.id}.`);
	}
	const member = buildMember(team.team.id, user, ctx.state.tenantId, roles);
	team.members.push(member);
	return {
		status: 201,
		body: { '@odata.context': `${ctx.graphUrl}/${ctx.version}/$metadata#teams('${team.team.id}')/members/$entity`, ...member },
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
	graph.route('DELETE', '/teams/:teamId/members/:membershipId', { permissions: WRITE_PERMISSIONS, handler: removeMember });
}
