// Every presence call this node makes is refused before it is sent in a national cloud without Microsoft's
// presence API (China, operated by 21Vianet; nodes/shared/cloudSupport.ts has the sources).
import type { IExecuteFunctions } from 'n8n-workflow';

import { assertOfferedInCloud, cloudOfCredential } from '../../shared/cloudSupport';
import type { PresenceCredentialType } from './context';

export async function refuseCloudWithoutPresence(ctx: IExecuteFunctions, credentialType: PresenceCredentialType): Promise<void> {
	assertOfferedInCloud(ctx.getNode(), 'presence', cloudOfCredential(await ctx.getCredentials(credentialType, 0)));
}
