// Scope strings as Entra reads them: space-separated, Graph scopes with or without the resource prefix,
// OIDC scopes, and `{resource}/.default`.
import { OIDC_SCOPES, PACKAGE_APP_ROLES, PACKAGE_DELEGATED_SCOPES } from '../state/permissions';

const GRAPH_PREFIXES = ['https://graph.microsoft.com/', '00000003-0000-0000-c000-000000000000/', 'https://graph.microsoft.us/', 'https://dod-graph.microsoft.us/', 'https://microsoftgraph.chinacloudapi.cn/'];

/** Graph permission names Entra knows (beyond the package's own), so a typo is AADSTS70011 rather than accepted. */
const OTHER_GRAPH_PERMISSIONS = [
	'User.ReadWrite', 'User.ReadWrite.All', 'User.Read.All', 'User.Invite.All', 'Directory.Read.All', 'Directory.ReadWrite.All',
	'Group.Read.All', 'Group.ReadWrite.All', 'Teamwork.Migrate.All', 'Team.Create', 'TeamMember.Read.All', 'TeamMember.ReadWrite.All',
	'Chat.ReadBasic', 'Chat.Create', 'ChatMessage.Read', 'Mail.ReadWrite', 'Mail.Send', 'Mail.ReadBasic', 'Mail.ReadWrite.Shared',
	'Calendars.Read', 'Calendars.ReadWrite', 'Files.Read', 'Files.ReadWrite.All', 'Sites.Read.All', 'People.Read', 'Contacts.Read',
	'Presence.ReadWrite.All', 'ChannelMessage.Edit', 'Channel.Create', 'ChannelSettings.Read.All', 'Application.Read.All', 'Organization.Read.All',
];

const KNOWN = new Set([...PACKAGE_DELEGATED_SCOPES, ...PACKAGE_APP_ROLES, ...OTHER_GRAPH_PERMISSIONS].map((s) => s.toLowerCase()));
const CANONICAL = new Map([...PACKAGE_DELEGATED_SCOPES, ...PACKAGE_APP_ROLES, ...OTHER_GRAPH_PERMISSIONS].map((s) => [s.toLowerCase(), s]));

export interface ParsedScopes {
	/** Graph permission names, canonical casing. */
	graph: string[];
	/** openid, profile, email, offline_access present. */
	oidc: string[];
	/** `https://graph.microsoft.com/.default` was asked for. */
	graphDefault: boolean;
	/** The first scope Entra would reject (unknown permission, other resource, malformed), if any. */
	invalid?: string;
	/** A /.default for a resource that is not Graph. */
	otherResourceDefault?: string;
}

export function parseScopes(raw: string | undefined | null): ParsedScopes {
	const result: ParsedScopes = { graph: [], oidc: [], graphDefault: false };
	for (const scope of (raw ?? '').split(/\s+/).filter(Boolean)) {
		const lower = scope.toLowerCase();
		if (OIDC_SCOPES.includes(lower)) {
			if (!result.oidc.includes(lower)) result.oidc.push(lower);
			continue;
		}
		const prefix = GRAPH_PREFIXES.find((p) => lower.startsWith(p));
		const name = prefix ? scope.slice(prefix.length).replace(/^\/+/, '') : scope;
		if (name.toLowerCase() === '.default') {
			if (prefix) result.graphDefault = true;
			else result.invalid ??= scope;
			continue;
		}
		if (!prefix && /^(https?:\/\/|api:\/\/|[0-9a-f-]{36}\/)/i.test(scope)) {
			if (/\/\.default$/i.test(scope)) result.otherResourceDefault ??= scope.replace(/\/\.default$/i, '');
			else result.invalid ??= scope;
			continue;
		}
		const canonical = CANONICAL.get(name.toLowerCase());
		if (!canonical || !KNOWN.has(name.toLowerCase())) {
			result.invalid ??= scope;
			continue;
		}
		if (!result.graph.includes(canonical)) result.graph.push(canonical);
	}
	return result;
}

export function hasAllScopes(granted: string[], wanted: string[]): boolean {
	const have = new Set(granted.map((s) => s.toLowerCase()));
	return wanted.every((s) => have.has(s.toLowerCase()));
}
