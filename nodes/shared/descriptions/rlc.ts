/**
 * Resource locators for team, channel, chat and user, shared by every node, and the functions that turn what the
 * user picked (an id, a Teams link, a UPN) into the id Graph wants.
 *
 * Use: `properties: [teamRlc, channelRlc]` (rename with `{ ...teamRlc, name: 'otherTeam' }`), register the
 * searches `methods.listSearch = { searchTeams, searchChannels, searchChats, searchUsers }` from
 * nodes/shared/listSearch, and read values with `readTeamId(this, 'teamId', i)` and friends. "By URL" modes keep
 * the whole link (Teams links URL-encode the ids, which a regex extractor cannot undo), and the readers decode it.
 */
import { NodeOperationError } from 'n8n-workflow';
import type { IExecuteFunctions, ILoadOptionsFunctions, INodeProperties, INodePropertyMode } from 'n8n-workflow';

import { ADDRESS_SOURCE, GUID, GUID_SOURCE } from '../identifiers';

/** Thread ids: channels 19:…@thread.tacv2 (older @thread.skype), group chats 19:…@thread.v2, 1:1 chats 19:a_b@unq.gbl.spaces. */
const CHANNEL_ID_SOURCE = '19:[^\\s/?#]+@thread\\.(tacv2|skype)';
const CHAT_ID_SOURCE = '(19:[^\\s/?#]+@(thread\\.v2|unq\\.gbl\\.spaces|thread\\.skype)|48:notes)';
const CHANNEL_ID = new RegExp(`^${CHANNEL_ID_SOURCE}$`, 'i');
const CHAT_ID = new RegExp(`^${CHAT_ID_SOURCE}$`, 'i');
const UPN = /^[^\s@#]+(#EXT#)?@[^\s@]+\.[^\s@]+$/i;

/**
 * A typed-in locator mode whose value must be `pattern` (a regex source), spaces around it allowed; the readers
 * trim. `errorMessage` is what the editor shows under a value that does not match.
 */
export function textMode(displayName: string, name: string, placeholder: string, pattern: string, errorMessage: string): INodePropertyMode {
	// A locator mode has no default; the rule exempts modes only when they are written inside `modes: [...]`.
	// eslint-disable-next-line n8n-nodes-base/node-param-default-missing
	return {
		displayName,
		name,
		type: 'string',
		placeholder,
		validation: [{ type: 'regex', properties: { regex: `^\\s*${pattern}\\s*$`, errorMessage } }],
	};
}

/** The "By ID" mode of a locator. */
export function idMode(placeholder: string, pattern: string, errorMessage: string): INodePropertyMode {
	return textMode('By ID', 'id', placeholder, pattern, errorMessage);
}

/** The "From List" mode of a locator: `searchListMethod` is the listSearch method that fills it. */
export function listMode(placeholder: string, searchListMethod: string): INodePropertyMode {
	// A locator mode has no default (see textMode).
	// eslint-disable-next-line n8n-nodes-base/node-param-default-missing
	return { displayName: 'From List', name: 'list', type: 'list', placeholder, typeOptions: { searchListMethod, searchable: true } };
}

/** The "By URL" mode of a locator: the whole link is kept (the readers decode it); `regex` is its full pattern. */
function urlMode(placeholder: string, regex: string, errorMessage: string): INodePropertyMode {
	// A locator mode has no default (see textMode).
	// eslint-disable-next-line n8n-nodes-base/node-param-default-missing
	return { displayName: 'By URL', name: 'url', type: 'string', placeholder, validation: [{ type: 'regex', properties: { regex, errorMessage } }] };
}

export const teamRlc: INodeProperties = {
	displayName: 'Team',
	name: 'teamId',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description: 'The team, from the list, by ID (the "groupId" in a team link), or by its Teams link',
	modes: [
		listMode('Select a team...', 'searchTeams'),
		idMode('e.g. 61165b04-e4cc-4026-b43f-926b4e2a7182', GUID_SOURCE, 'Not a team ID (a GUID such as 61165b04-e4cc-4026-b43f-926b4e2a7182)'),
		urlMode(
			'e.g. https://teams.microsoft.com/l/team/19%3a...%40thread.tacv2/conversations?groupId=...&tenantId=...',
			`^\\s*https://[^/]+/l/(team|channel)/.*[?&]groupId=${GUID_SOURCE}.*$`,
			'Not a Teams team link: in Teams, use the team\'s "..." > Get link to team',
		),
	],
};

export const channelRlc: INodeProperties = {
	displayName: 'Channel',
	name: 'channelId',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description: 'The channel of the team above, from the list, by ID (19:...@thread.tacv2), or by its Teams link',
	typeOptions: { loadOptionsDependsOn: ['teamId.value'] },
	modes: [
		listMode('Select a channel...', 'searchChannels'),
		idMode('e.g. 19:4a95f7d8db4c4e7fae857bcebe0623e6@thread.tacv2', CHANNEL_ID_SOURCE, 'Not a channel ID (19:...@thread.tacv2)'),
		urlMode(
			'e.g. https://teams.microsoft.com/l/channel/19%3a...%40thread.tacv2/General?groupId=...',
			'^\\s*https://[^/]+/l/channel/[^/]+.*$',
			'Not a Teams channel link: in Teams, use the channel\'s "..." > Get link to channel',
		),
	],
};

export const chatRlc: INodeProperties = {
	displayName: 'Chat',
	name: 'chatId',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description: 'The chat, from the list, by ID (19:...@thread.v2 or 19:..._...@unq.gbl.spaces), or by its Teams link',
	modes: [
		listMode('Select a chat...', 'searchChats'),
		idMode(
			'e.g. 19:7e2f1174-e8ee-4859-b8b1-a8d1cc63d276_0c5cfdbb-596f-4d39-b557-5d9516c94107@unq.gbl.spaces',
			CHAT_ID_SOURCE,
			'Not a chat ID (19:...@thread.v2 or 19:..._...@unq.gbl.spaces)',
		),
		urlMode(
			'e.g. https://teams.microsoft.com/l/chat/19%3a...%40thread.v2/0?tenantId=...',
			'^\\s*https://[^/]+/l/(chat|message)/[^/]+.*$',
			'Not a Teams chat link (…/l/chat/19%3a…)',
		),
	],
};

export const userRlc: INodeProperties = {
	displayName: 'User',
	name: 'userId',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description: 'The user, from the list, by object ID, or by user principal name or email',
	modes: [
		listMode('Select a user...', 'searchUsers'),
		idMode('e.g. 7e2f1174-e8ee-4859-b8b1-a8d1cc63d276', GUID_SOURCE, 'Not a user object ID (a GUID)'),
		textMode('By UPN or Email', 'upn', 'e.g. jane@contoso.com', ADDRESS_SOURCE, 'Not a user principal name or email (name@domain)'),
	],
};

// ----- pure parsing -----

function decodeSafely(text: string): string {
	try {
		return decodeURIComponent(text);
	} catch {
		return text;
	}
}

function parseUrl(value: string): URL | undefined {
	try {
		return new URL(value);
	} catch {
		return undefined;
	}
}

/** Segment after /l/<kind>/ in a Teams link, decoded. */
function linkSegment(url: URL, kinds: string[]): string | undefined {
	const match = /^\/l\/([a-z-]+)\/([^/]+)/i.exec(url.pathname);
	if (!match || !kinds.includes(match[1].toLowerCase())) return undefined;
	return decodeSafely(match[2]);
}

/** Team id from a GUID or a team/channel link (its groupId); undefined when it is neither. */
export function parseTeamId(value: string): string | undefined {
	const trimmed = value.trim();
	if (GUID.test(trimmed)) return trimmed;
	const url = parseUrl(trimmed);
	const groupId = url?.searchParams.get('groupId');
	return groupId && GUID.test(groupId) ? groupId : undefined;
}

/** A thread id matching `pattern`, given as the id (URL-encoded or not) or as a Teams link of one of `linkKinds`. */
function parseThreadId(value: string, pattern: RegExp, linkKinds: string[]): string | undefined {
	const trimmed = decodeSafely(value.trim());
	if (pattern.test(trimmed)) return trimmed;
	const url = parseUrl(value.trim());
	const segment = url && linkSegment(url, linkKinds);
	return segment && pattern.test(segment) ? segment : undefined;
}

/** Channel id from an id or a channel/message link; undefined when it is neither. */
export function parseChannelId(value: string): string | undefined {
	return parseThreadId(value, CHANNEL_ID, ['channel', 'message']);
}

/** Chat id from an id or a chat/message link; undefined when it is neither. */
export function parseChatId(value: string): string | undefined {
	return parseThreadId(value, CHAT_ID, ['chat', 'message']);
}

/** A user reference Graph accepts in /users/{id | userPrincipalName}: an object id or a UPN/email. */
export function parseUserReference(value: string): string | undefined {
	const trimmed = value.trim();
	if (GUID.test(trimmed) || UPN.test(trimmed)) return trimmed;
	return undefined;
}

// ----- readers for operations -----

type LocatorContext = IExecuteFunctions;

function readLocatorValue(context: LocatorContext, parameterName: string, itemIndex: number): string {
	const value = context.getNodeParameter(parameterName, itemIndex, '', { extractValue: true }) as unknown;
	return typeof value === 'string' ? value : String(value ?? '');
}

function readWith(
	context: LocatorContext,
	parameterName: string,
	itemIndex: number,
	parse: (value: string) => string | undefined,
	what: string,
	example: string,
): string {
	const raw = readLocatorValue(context, parameterName, itemIndex);
	if (raw.trim() === '') {
		throw new NodeOperationError(context.getNode(), `No ${what} given in '${parameterName}'`, {
			itemIndex,
			description: `Pick the ${what} from the list, or give its ID or Teams link.`,
		});
	}
	const parsed = parse(raw);
	if (!parsed) {
		throw new NodeOperationError(context.getNode(), `'${raw}' in '${parameterName}' is not a ${what} ID or link`, {
			itemIndex,
			description: `Give a ${what} ID such as ${example}, or a Teams link to it.`,
		});
	}
	return parsed;
}

export function readTeamId(context: LocatorContext, parameterName: string, itemIndex: number): string {
	return readWith(context, parameterName, itemIndex, parseTeamId, 'team', '61165b04-e4cc-4026-b43f-926b4e2a7182');
}

export function readChannelId(context: LocatorContext, parameterName: string, itemIndex: number): string {
	return readWith(context, parameterName, itemIndex, parseChannelId, 'channel', '19:4a95f7d8db4c4e7fae857bcebe0623e6@thread.tacv2');
}

export function readChatId(context: LocatorContext, parameterName: string, itemIndex: number): string {
	return readWith(context, parameterName, itemIndex, parseChatId, 'chat', '19:a1b2c3@thread.v2');
}

export function readUserReference(context: LocatorContext, parameterName: string, itemIndex: number): string {
	return readWith(context, parameterName, itemIndex, parseUserReference, 'user', 'jane@contoso.com or an object ID');
}

/** For list searches that depend on another locator (channels of the selected team). */
export function currentTeamId(context: ILoadOptionsFunctions, parameterName = 'teamId'): string | undefined {
	const value = context.getCurrentNodeParameter(parameterName, { extractValue: true }) as unknown;
	return typeof value === 'string' ? parseTeamId(value) : undefined;
}
