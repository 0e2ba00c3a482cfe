// /users, /users/{id | userPrincipalName}, /me (through the router's alias) and licenseDetails.
import type { User } from '@microsoft/microsoft-graph-types';

import { filterProperties, FilterSyntaxError, matchesFilter, parseFilter } from '../odata/filter';
import { collectionResponse, odataContext, pageItems, selectProperties } from '../odata/query';
import type { UserRecord } from '../state/types';
import { directoryNotFound, graphError } from './errors';
import { extensionPropertyError } from './extensionProperties';
import { invisibleById, invisibleToQueries } from './replication';
import type { GraphContext, GraphRouter } from './router';

/** Properties Graph v1.0 returns for a user when there is no $select. */
export const DEFAULT_USER_PROPERTIES = [
	'businessPhones', 'displayName', 'givenName', 'jobTitle', 'mail', 'mobilePhone', 'officeLocation', 'preferredLanguage', 'surname', 'userPrincipalName', 'id',
] as const;

const READ_ALL_APP = ['User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'];
const READ_ALL_DELEGATED = ['User.ReadBasic.All', 'User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'];
const WRITE_APP = ['User.ReadWrite.All', 'Directory.ReadWrite.All'];
const WRITE_DELEGATED = ['User.ReadWrite.All', 'Directory.ReadWrite.All'];

/** Delegated callers holding only self permissions (User.Read, User.ReadWrite) may address only themselves. */
function requireSelfOrBroad(ctx: GraphContext, target: UserRecord, broad: string[]): void {
	if (ctx.principal.kind !== 'delegated' || ctx.principal.userId === target.user.id) return;
	const held = new Set(ctx.principal.scopes.map((s) => s.toLowerCase()));
	if (!broad.some((p) => held.has(p.toLowerCase()))) graphError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
}

/** The user by id or UPN; 404 as Graph answers for an unknown one, or for one created too recently (replication.ts). */
export function findUserOr404(ctx: GraphContext, idOrUpn: string): UserRecord {
	const record = ctx.state.user(idOrUpn);
	if (!record || invisibleById(ctx, record.user.id)) directoryNotFound(idOrUpn);
	return record;
}

/** Directory advanced queries need ConsistencyLevel: eventual (and $count=true), as in Graph. */
function isAdvancedQuery(ctx: GraphContext): boolean {
	return (ctx.headers.consistencylevel ?? '').toLowerCase() === 'eventual';
}

function orderBy(users: User[], orderby: string | null): User[] {
	if (!orderby) return users;
	const [property, direction] = orderby.trim().split(/\s+/);
	const sign = direction?.toLowerCase() === 'desc' ? -1 : 1;
	return [...users].sort((a, b) => {
		const x = String((a as Record<string, unknown>)[property] ?? '').toLowerCase();
		const y = String((b as Record<string, unknown>)[property] ?? '').toLowerCase();
		return x < y ? -sign : x > y ? sign : 0;
	});
}

function listUsers(ctx: GraphContext) {
	const advanced = isAdvancedQuery(ctx);
	const filter = ctx.query.get('$filter');
	const count = ctx.query.get('$count') === 'true';
	const search = ctx.query.get('$search');
	if ((count || search) && !advanced) {
		graphError(400, 'Request_BadRequest', count ? '$count is not currently supported.' : 'Request with $search query parameter only works through MSGraph with a special request header: \'ConsistencyLevel: eventual\'');
	}
	if (filter && !advanced && /\b(ne|not)\b|endswith\(/i.test(filter.replace(/'([^']|'')*'/g, "''"))) {
		graphError(400, 'Request_UnsupportedQuery', 'Unsupported or invalid query filter clause specified for property \'userPrincipalName\' of resource \'User\'.');
	}
	let users: User[];
	try {
		const parsed = filter ? parseFilter(filter) : undefined;
		for (const property of parsed ? filterProperties(parsed) : []) {
			const refused = extensionPropertyError(ctx.state, property);
			if (refused) graphError(refused.status, refused.code, refused.message);
		}
		// Indexed properties narrow the candidates first (the whole filter still decides), as the directory does.
		const candidates = (parsed && ctx.state.userIndex().candidates(parsed)) ?? ctx.state.users();
		users = candidates.filter((r) => !invisibleToQueries(ctx, r.user.id)).map((r) => r.user);
		if (parsed) users = users.filter((user) => matchesFilter(parsed, user));
	} catch (error) {
		if (error instanceof FilterSyntaxError) graphError(400, 'BadRequest', `Invalid filter clause: ${error.message}`);
		throw error;
	}
	if (search) {
		const terms = [...search.matchAll(/"(\w+):([^"]*)"/g)].map((m) => [m[1], m[2].toLowerCase()] as const);
		users = users.filter((u) => terms.some(([property, term]) => String((u as Record<string, unknown>)[property] ?? '').toLowerCase().includes(term)));
	}
	users = orderBy(users, ctx.query.get('$orderby'));
	const page = pageItems(ctx, users, { defaultTop: 100, maxTop: 999 });
	page.value = page.value.map((u) => selectProperties(u, ctx.query, DEFAULT_USER_PROPERTIES) as User);
	return { body: collectionResponse(ctx, 'users', page, { count }) };
}

export function registerUsers(graph: GraphRouter): void {
	graph.route('GET', '/users', {
		directory: true,
		permissions: { application: READ_ALL_APP, delegated: READ_ALL_DELEGATED },
		handler: listUsers,
	});

	graph.route('GET', '/users/:userId', {
		directory: true,
		permissions: { application: READ_ALL_APP, delegated: ['User.Read', 'User.ReadWrite', ...READ_ALL_DELEGATED] },
		handler(ctx) {
			const record = findUserOr404(ctx, ctx.params.userId);
			requireSelfOrBroad(ctx, record, READ_ALL_DELEGATED);
			return {
				body: { '@odata.context': odataContext(ctx, 'users', { entity: true }), ...selectProperties(record.user, ctx.query, DEFAULT_USER_PROPERTIES) },
			};
		},
	});

	graph.route('PATCH', '/users/:userId', {
		directory: true,
		permissions: { application: WRITE_APP, delegated: ['User.ReadWrite', ...WRITE_DELEGATED] },
		handler(ctx) {
			const record = findUserOr404(ctx, ctx.params.userId);
			requireSelfOrBroad(ctx, record, WRITE_DELEGATED);
			if (!ctx.body || typeof ctx.body !== 'object' || Array.isArray(ctx.body)) graphError(400, 'Request_BadRequest', 'Invalid object identifier or request body.');
			const { id: _ignored, ...patch } = ctx.body as Record<string, unknown>;
			for (const name of Object.keys(patch)) {
				const refused = extensionPropertyError(ctx.state, name);
				if (refused) graphError(refused.status, refused.code, refused.message);
			}
			ctx.state.updateUser(record.user.id, patch);
			return { status: 204 };
		},
	});

	graph.route('DELETE', '/users/:userId', {
		directory: true,
		permissions: { application: WRITE_APP, delegated: WRITE_DELEGATED },
		handler(ctx) {
			const record = findUserOr404(ctx, ctx.params.userId);
			const userId = record.user.id;
			// Deleting a user removes their memberships, as the directory does.
			for (const team of Object.values(ctx.state.data.teams)) team.members = team.members.filter((m) => m.userId !== userId);
			for (const channel of Object.values(ctx.state.data.channels)) channel.members = channel.members.filter((m) => m.userId !== userId);
			for (const chat of Object.values(ctx.state.data.chats)) chat.members = chat.members.filter((m) => m.userId !== userId);
			ctx.state.deleteUser(userId);
			return { status: 204 };
		},
	});

	graph.route('GET', '/users/:userId/licenseDetails', {
		directory: true,
		permissions: { application: ['User.Read.All', 'Directory.Read.All', 'User.ReadWrite.All'], delegated: ['User.Read', 'User.Read.All', 'Directory.Read.All', 'User.ReadWrite.All'] },
		handler(ctx) {
			const record = findUserOr404(ctx, ctx.params.userId);
			requireSelfOrBroad(ctx, record, ['User.Read.All', 'Directory.Read.All', 'User.ReadWrite.All']);
			const page = pageItems(ctx, record.licenseDetails, { defaultTop: 100, maxTop: 999 });
			page.value = page.value.map((l) => selectProperties(l, ctx.query) as typeof l);
			return { body: collectionResponse(ctx, `users('${record.user.id}')/licenseDetails`, page) };
		},
	});
}
