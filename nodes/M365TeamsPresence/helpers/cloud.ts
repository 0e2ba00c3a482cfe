// Where Microsoft offers the presence API. Every presence call this node makes (presence-get,
// cloudcommunications-getpresencesbyuserid, presence-setpresence, presence-clearpresence,
// presence-setuserpreferredpresence, presence-clearuserpreferredpresence; v1.0) is documented for the Global service
// and US Government L4 and L5, not for China operated by 21Vianet. setStatusMessage (not used here) has the same
// table. The node refuses before any call in a cloud without it, instead of letting Graph answer with a 404.
import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { CLOUD_OPTIONS, isCloud } from '../../shared/auth/clouds';
import type { M365Cloud } from '../../shared/auth/clouds';
import type { PresenceCredentialType } from './context';

export const PRESENCE_CLOUDS: readonly M365Cloud[] = ['global', 'usGov', 'usGovDod'];

function cloudName(cloud: M365Cloud): string {
	return CLOUD_OPTIONS.find((option) => option.value === cloud)?.name ?? cloud;
}

/** Throws before any Graph call when the credential's national cloud has no presence API. */
export async function refuseCloudWithoutPresence(ctx: IExecuteFunctions, credentialType: PresenceCredentialType): Promise<void> {
	const credentials = await ctx.getCredentials(credentialType, 0);
	const cloud = isCloud(credentials.cloud) ? credentials.cloud : 'global';
	if (PRESENCE_CLOUDS.includes(cloud)) return;
	throw new NodeOperationError(ctx.getNode(), `Microsoft Teams presence is not available in the ${cloudName(cloud)} cloud`, {
		description:
			'Microsoft offers the presence API (reading, setting and clearing presence) only in the Global service and US Government L4 and L5; the credential is set to ' +
			`${cloudName(cloud)}. Nothing was sent to Microsoft Graph.`,
	});
}
