// Turns user principal names and email addresses into object ids in bulk: `$filter=<property> in (...)` with at
// most 15 values per clause (Graph's limit for `in` on directory objects), 20 such queries per $batch call.
// Addresses not found as a user principal name are tried as mail in a second round.
import type { User } from '@microsoft/microsoft-graph-types';
import type { IExecuteFunctions } from 'n8n-workflow';

import { odataIn } from '../../shared/odata';
import { graphFor, graphQueryString } from '../../shared/transport';
import type { BatchRequestItem } from '../../shared/transport';
import { chunk } from '../../shared/chunk';

export const IN_CLAUSE_LIMIT = 15;

export type DirectoryUser = Pick<User, 'id' | 'displayName' | 'userPrincipalName' | 'mail'> & { id: string };

const SELECT = 'id,displayName,userPrincipalName,mail';

/** One `in` query per chunk of 15 addresses, as $batch sub-request URLs. */
export function lookupUrls(property: 'userPrincipalName' | 'mail', addresses: readonly string[]): string[] {
	return chunk(addresses, IN_CLAUSE_LIMIT).map(
		(values) =>
			`/users${graphQueryString({ $filter: odataIn(property, values), $select: SELECT })}`,
	);
}

async function lookup(
	ctx: IExecuteFunctions,
	credentialType: string,
	property: 'userPrincipalName' | 'mail',
	addresses: readonly string[],
	found: Map<string, DirectoryUser>,
	itemIndex: number,
): Promise<void> {
	const requests: BatchRequestItem[] = lookupUrls(property, addresses).map((url, index) => ({
		id: String(index + 1),
		method: 'GET',
		url,
	}));
	if (requests.length === 0) return;
	const responses = await graphFor(ctx).batch<{ value?: DirectoryUser[] }>(credentialType, requests, { itemIndex });
	for (const response of responses) {
		if (response.status >= 400 || response.error) {
			const error = new Error(response.error?.message ?? `Looking users up failed with HTTP ${response.status}`);
			(error as Error & { graphCode?: string; status?: number }).graphCode = response.error?.code;
			(error as Error & { graphCode?: string; status?: number }).status = response.status;
			throw error;
		}
		for (const user of response.body?.value ?? []) {
			const key = (property === 'userPrincipalName' ? user.userPrincipalName : user.mail)?.toLowerCase();
			if (key && !found.has(key)) found.set(key, user);
		}
	}
}

/** Resolves addresses (UPN first, then mail); the map's keys are the lower-cased addresses that were found. */
export async function resolveAddresses(
	ctx: IExecuteFunctions,
	credentialType: string,
	addresses: readonly string[],
	itemIndex = 0,
): Promise<Map<string, DirectoryUser>> {
	const unique = [...new Set(addresses.map((address) => address.toLowerCase()))];
	const found = new Map<string, DirectoryUser>();
	await lookup(ctx, credentialType, 'userPrincipalName', unique, found, itemIndex);
	const missing = unique.filter((address) => !found.has(address));
	await lookup(ctx, credentialType, 'mail', missing, found, itemIndex);
	return found;
}
