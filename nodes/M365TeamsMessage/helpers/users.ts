/** Directory users named by UPN, email or id, resolved once per run with a per-item error when unknown. */
import type { User } from '@microsoft/microsoft-graph-types';
import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { parseUserReference } from '../../shared/descriptions/rlc';
import { odataString } from '../../shared/odata';
import { graphFailureOf, graphRequest, type GraphCollection } from '../../shared/transport';
import { INTEGRATION_ACCOUNT } from './credentialTypes';
import { passOn } from './errors';
import { memoized } from './executionMemo';

export interface DirectoryUser {
	id: string;
	displayName: string;
	userPrincipalName: string;
}

const PURPOSE_TEXT = { mention: 'mention', member: 'add to the chat', recipient: 'message' } as const;

/** By id or UPN; an address that is not a UPN (guests, aliases) is looked up as mail or one of otherMails. */
async function lookUp(context: IExecuteFunctions, reference: string, itemIndex: number): Promise<User> {
	try {
		return await (graphRequest<User>).call(context, {
			credentialType: INTEGRATION_ACCOUNT,
			method: 'GET',
			url: `/users/${encodeURIComponent(reference)}`,
			qs: { $select: 'id,displayName,userPrincipalName' },
			itemIndex,
		});
	} catch (error) {
		if (graphFailureOf(error)?.status !== 404 || !reference.includes('@')) return passOn(context.getNode(), error, itemIndex);
		const address = odataString(reference);
		const found = await (graphRequest<GraphCollection<User>>).call(context, {
			credentialType: INTEGRATION_ACCOUNT,
			method: 'GET',
			url: '/users',
			qs: { $filter: `mail eq ${address} or otherMails/any(x:x eq ${address})`, $select: 'id,displayName,userPrincipalName' },
			itemIndex,
		});
		if (found.value.length === 1) return found.value[0];
		return passOn(context.getNode(), error, itemIndex);
	}
}

export async function resolveUser(
	context: IExecuteFunctions,
	reference: string,
	itemIndex: number,
	purpose: keyof typeof PURPOSE_TEXT,
): Promise<DirectoryUser> {
	const parsed = parseUserReference(reference);
	if (!parsed) {
		throw new NodeOperationError(context.getNode(), `Cannot ${PURPOSE_TEXT[purpose]} '${reference}': not a user principal name, email or user ID`, {
			itemIndex,
		});
	}
	try {
		const user = await memoized(context, `user:${parsed.toLowerCase()}`, async () => await lookUp(context, parsed, itemIndex));
		return {
			id: user.id ?? parsed,
			displayName: user.displayName ?? user.userPrincipalName ?? parsed,
			userPrincipalName: user.userPrincipalName ?? parsed,
		};
	} catch (error) {
		if (graphFailureOf(error)?.status === 404) {
			throw new NodeOperationError(context.getNode(), `Cannot ${PURPOSE_TEXT[purpose]} '${reference}': no such user in the directory`, {
				itemIndex,
				description: 'Check the spelling of the user principal name or email, or give the user object ID.',
			});
		}
		return passOn(context.getNode(), error, itemIndex);
	}
}
