// Option defaults are written out (lint reads them literally); a unit test checks they equal the helpers' defaults.
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { DEFAULT_KEYWORDS, DEFAULT_TEMPLATES, type ConferencingKeywords, type ConferencingTemplates } from '../../helpers/conferencing';

export const keywordsField: INodeProperties = {
	displayName: 'Keywords',
	name: 'keywords',
	type: 'collection',
	placeholder: 'Change a keyword',
	default: {},
	options: [
		{ displayName: 'Leave Any Time Command', name: 'leave', type: 'string', default: 'BYE' },
		{ displayName: 'Negative Response', name: 'negative', type: 'string', default: 'NO' },
		{ displayName: 'Positive Response', name: 'positive', type: 'string', default: 'YES' },
	],
};

export const templatesField: INodeProperties = {
	displayName: 'System Messages',
	name: 'templates',
	type: 'collection',
	placeholder: 'Change a system message',
	default: {},
	description: 'Texts with placeholders {name}, {sessionName}, {inviterName}, {positive}, {negative}, {leave}',
	options: [
		{ displayName: 'Invitation Accepted', name: 'invitationAccepted', type: 'string', default: '{name} accepted the invitation' },
		{ displayName: 'Invitation Declined', name: 'invitationDeclined', type: 'string', default: '{name} declined the invitation' },
		{ displayName: 'Invitation to Join', name: 'invitation', type: 'string', default: 'You are invited to customer chat session, would you like to accept ({positive}/{negative})?' },
		{ displayName: 'Party Joined', name: 'partyJoined', type: 'string', default: '{name} joined the session' },
		{ displayName: 'Party Left', name: 'partyLeft', type: 'string', default: '{name} left the session' },
		{ displayName: 'Session Ended', name: 'sessionEnded', type: 'string', default: 'Customer chat session ended' },
	],
};

function nonEmpty(value: unknown, fallback: string): string {
	return typeof value === 'string' && value.trim() !== '' ? value : fallback;
}

export function readKeywords(context: IExecuteFunctions, itemIndex: number): ConferencingKeywords {
	const given = context.getNodeParameter('keywords', itemIndex, {}) as IDataObject;
	return {
		positive: nonEmpty(given.positive, DEFAULT_KEYWORDS.positive),
		negative: nonEmpty(given.negative, DEFAULT_KEYWORDS.negative),
		leave: nonEmpty(given.leave, DEFAULT_KEYWORDS.leave),
	};
}

export function readTemplates(context: IExecuteFunctions, itemIndex: number): ConferencingTemplates {
	const given = context.getNodeParameter('templates', itemIndex, {}) as IDataObject;
	const templates = { ...DEFAULT_TEMPLATES };
	for (const key of Object.keys(templates) as Array<keyof ConferencingTemplates>) templates[key] = nonEmpty(given[key], templates[key]);
	return templates;
}
