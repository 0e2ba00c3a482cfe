// Presence of one or many users per item, read in bulk across all items: addresses are resolved with batched
// `in` queries, then every id goes through getPresencesByUserId, 650 at a time.
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { errorItem } from '../../../shared/router';
import { updateDisplayOptions } from '../../../shared/updateDisplayOptions';
import { credentialTypeOf } from '../../helpers/context';
import { asNodeError } from '../../helpers/errors';
import { classifyIdentifier, splitIdentifiers } from '../../helpers/identifiers';
import type { UserIdentifier } from '../../helpers/identifiers';
import { presenceFields, readPresences } from '../../helpers/presenceReader';
import type { UserPresence } from '../../helpers/presenceReader';
import { resolveAddresses } from '../../helpers/userDirectory';
import type { DirectoryUser } from '../../helpers/userDirectory';

const properties: INodeProperties[] = [
	{
		displayName: 'Users',
		name: 'users',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. jane@contoso.com, 7e2f1174-e8ee-4859-b8b1-a8d1cc63d276',
		description: 'Object IDs, user principal names or emails: one, several separated by commas or new lines, or an array from an expression. All items are read together in as few Graph calls as possible.',
	},
];

export const description = updateDisplayOptions({ show: { resource: ['presence'], operation: ['get'] } }, properties);

function invalidIdentifierError(ctx: IExecuteFunctions, value: string, itemIndex: number): NodeOperationError {
	return new NodeOperationError(ctx.getNode(), `"${value}" in Users is not a user object ID, user principal name or email`, {
		itemIndex,
		description: 'Give object IDs (GUIDs) or addresses such as jane@contoso.com, separated by commas or new lines.',
	});
}

export async function executeBatch(this: IExecuteFunctions, itemIndexes: number[]): Promise<INodeExecutionData[]> {
	const requested = new Map<number, UserIdentifier[]>();
	const output: INodeExecutionData[] = [];
	const failed = new Map<number, INodeExecutionData>();
	for (const itemIndex of itemIndexes) {
		try {
			const identifiers = splitIdentifiers(this.getNodeParameter('users', itemIndex)).map(classifyIdentifier);
			if (identifiers.length === 0) {
				throw new NodeOperationError(this.getNode(), 'Users is empty', { itemIndex, description: 'Give at least one user ID, user principal name or email.' });
			}
			const invalid = identifiers.find((identifier) => identifier.kind === 'invalid');
			if (invalid) throw invalidIdentifierError(this, invalid.value, itemIndex);
			requested.set(itemIndex, identifiers);
		} catch (error) {
			if (!this.continueOnFail()) throw asNodeError(this, error, itemIndex);
			failed.set(itemIndex, errorItem(error, itemIndex));
		}
	}

	const first = itemIndexes[0] ?? 0;
	const credentialType = credentialTypeOf(this, first);
	const all = [...requested.values()].flat();
	let byAddress = new Map<string, DirectoryUser>();
	let presences = new Map<string, UserPresence>();
	try {
		byAddress = await resolveAddresses(this, credentialType, all.filter((i) => i.kind === 'address').map((i) => i.value), first);
		const ids = all.map((identifier) =>
			identifier.kind === 'id' ? identifier.value : byAddress.get(identifier.value.toLowerCase())?.id,
		);
		presences = await readPresences(this, credentialType, ids.filter((id): id is string => id !== undefined), first);
	} catch (error) {
		if (!this.continueOnFail()) throw asNodeError(this, error, first);
		for (const itemIndex of requested.keys()) failed.set(itemIndex, errorItem(error, itemIndex));
		requested.clear();
	}

	for (const itemIndex of itemIndexes) {
		const failure = failed.get(itemIndex);
		if (failure) {
			output.push(failure);
			continue;
		}
		for (const identifier of requested.get(itemIndex) ?? []) {
			const directoryUser = identifier.kind === 'address' ? byAddress.get(identifier.value.toLowerCase()) : undefined;
			const userId = identifier.kind === 'id' ? identifier.value : directoryUser?.id;
			const json: IDataObject = { user: identifier.value, userId: userId ?? null, found: userId !== undefined };
			if (directoryUser) {
				json.displayName = directoryUser.displayName ?? null;
				json.userPrincipalName = directoryUser.userPrincipalName ?? null;
				json.mail = directoryUser.mail ?? null;
			}
			Object.assign(json, presenceFields(userId ? presences.get(userId) : undefined));
			output.push({ json, pairedItem: { item: itemIndex } });
		}
	}
	return output;
}
