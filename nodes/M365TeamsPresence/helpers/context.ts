// What every operation reads the same way: which credential, and the application id that names our presence session.
import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { chosenCredential } from '../../shared/descriptions/credentials';

export type PresenceCredentialType = 'm365TenantAppApi' | 'm365IntegrationAccountOAuth2Api';

export function credentialTypeOf(ctx: IExecuteFunctions, itemIndex: number): PresenceCredentialType {
	return chosenCredential(ctx.getNodeParameter('authentication', itemIndex, 'm365TenantAppApi'));
}

/** setPresence and clearPresence take the calling app's client id as the session id (presence-setpresence.md). */
export async function applicationSessionId(
	ctx: IExecuteFunctions,
	credentialType: PresenceCredentialType,
	itemIndex: number,
): Promise<string> {
	const credentials = await ctx.getCredentials(credentialType, itemIndex);
	const clientId = typeof credentials.clientId === 'string' ? credentials.clientId.trim() : '';
	if (!clientId) {
		throw new NodeOperationError(ctx.getNode(), 'The credential has no Application (Client) ID', {
			itemIndex,
			description: 'Graph names an application presence session after the app that sets it. Fill in the Client ID in the credential.',
		});
	}
	return clientId;
}
