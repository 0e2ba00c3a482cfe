/**
 * Who the integration account and the optional sender are, read once per run.
 */
import type { Organization, User } from '@microsoft/microsoft-graph-types';
import type { IExecuteFunctions } from 'n8n-workflow';

import { graphFailureOf, graphRequest, type GraphCollection } from '../../shared/transport';
import { INTEGRATION_ACCOUNT, SENDER } from './credentialTypes';
import { passOn } from './errors';
import { memoized } from './executionMemo';
import type { Identity, SenderFacts } from './poster';

export interface AccountIdentity extends Identity {
	userPrincipalName: string;
}

async function readMe(context: IExecuteFunctions, credentialType: string): Promise<AccountIdentity> {
	const me = await (graphRequest<User>).call(context, {
		credentialType,
		method: 'GET',
		url: '/me',
		qs: { $select: 'id,displayName,userPrincipalName' },
	});
	return {
		userId: me.id ?? '',
		displayName: me.displayName ?? me.userPrincipalName ?? '',
		userPrincipalName: me.userPrincipalName ?? '',
	};
}

export async function integrationAccountIdentity(context: IExecuteFunctions): Promise<AccountIdentity> {
	return await memoized(context, 'identity:integrationAccount', async () => await readMe(context, INTEGRATION_ACCOUNT));
}

export function hasSenderCredential(context: IExecuteFunctions): boolean {
	return SENDER in (context.getNode().credentials ?? {});
}

/**
 * The sender's identity and tenant, or 'notSignedIn' when its sign-in cannot be used (no refresh token, refused
 * token): then the integration account posts. Other failures (Graph down, throttled past retries) are thrown.
 */
export async function senderFacts(context: IExecuteFunctions): Promise<SenderFacts | 'notSignedIn' | undefined> {
	if (!hasSenderCredential(context)) return undefined;
	return await memoized(context, 'identity:sender', async () => {
		try {
			const me = await readMe(context, SENDER);
			const organizations = await (graphRequest<GraphCollection<Organization>>).call(context, {
				credentialType: SENDER,
				method: 'GET',
				url: '/organization',
				qs: { $select: 'id' },
			});
			return { userId: me.userId, displayName: me.displayName, tenantId: organizations.value[0]?.id ?? '' };
		} catch (error) {
			const failure = graphFailureOf(error);
			if (failure === undefined || failure.status === 401 || failure.status === 403) return 'notSignedIn' as const;
			return passOn(context.getNode(), error);
		}
	});
}
