// One user for a write: Graph's presence paths want the object id, so a UPN or email is looked up first.
import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { readUserReference } from '../../shared/descriptions/rlc';
import { classifyIdentifier } from './identifiers';
import { resolveAddresses } from './userDirectory';

export async function resolveUserId(ctx: IExecuteFunctions, credentialType: string, itemIndex: number): Promise<string> {
	const reference = readUserReference(ctx, 'userId', itemIndex);
	const identifier = classifyIdentifier(reference);
	if (identifier.kind === 'id') return identifier.value;
	if (identifier.kind === 'invalid') {
		throw new NodeOperationError(ctx.getNode(), `"${reference}" is not a user object ID, user principal name or email`, {
			itemIndex,
			description: 'Pick the user from the list, or give an object ID (a GUID) or name@domain.',
		});
	}
	const found = await resolveAddresses(ctx, credentialType, [identifier.value], itemIndex);
	const user = found.get(identifier.value.toLowerCase());
	if (!user) {
		throw new NodeOperationError(ctx.getNode(), `No user has the user principal name or email "${identifier.value}"`, {
			itemIndex,
			description: 'Check the address, or pick the user from the list.',
		});
	}
	return user.id;
}

