/**
 * Operations Microsoft does not offer in every national cloud, refused before any call with a message naming the
 * cloud. Sources (each API page's "national cloud deployments" table, https://learn.microsoft.com/en-us/graph/deployments):
 * the Teams getAllMessages change-notification resources and their payment models (metered APIs,
 * https://learn.microsoft.com/en-us/graph/teams-licenses) exist in the Global cloud only; the presence API (v1.0
 * presence-get, cloudcommunications-getpresencesbyuserid, presence-setpresence, presence-clearpresence,
 * presence-setuserpreferredpresence, presence-clearuserpreferredpresence) is offered in
 * the Global service and US Government L4 and L5, not in China (operated by 21Vianet). The table in
 * docs/graph-conformance.md lists them.
 */
import { NodeOperationError } from 'n8n-workflow';
import type { INode } from 'n8n-workflow';

import { CLOUD_OPTIONS, isCloud, type M365Cloud } from './auth/clouds';

export type CloudLimitedOperation =
	| 'teamsGetAllMessages'
	| 'chatsGetAllMessages'
	| 'userChatsGetAllMessages'
	| 'presence';

interface Offer {
	what: string;
	clouds: readonly M365Cloud[];
	instead: string;
}

const OFFERS: Record<CloudLimitedOperation, Offer> = {
	teamsGetAllMessages: {
		what: 'change notifications for all channel messages of the tenant (/teams/getAllMessages)',
		clouds: ['global'],
		instead: 'Watch the channels of one team instead.',
	},
	chatsGetAllMessages: {
		what: 'change notifications for all chat messages of the tenant (/chats/getAllMessages)',
		clouds: ['global'],
		instead: 'Watch one chat, or the chats of the integration account with the Polling Trigger.',
	},
	userChatsGetAllMessages: {
		what: "change notifications for all chats of an account (/users/{id}/chats/getAllMessages)",
		clouds: ['global'],
		instead: 'Watch one chat, or use the Polling Trigger, which reads the account\'s chats without getAllMessages.',
	},
	presence: {
		what: 'the Teams presence API (reading, setting and clearing presence)',
		clouds: ['global', 'usGov', 'usGovDod'],
		instead: 'Nothing was sent to Microsoft Graph.',
	},
};

export function cloudName(cloud: M365Cloud): string {
	return CLOUD_OPTIONS.find((option) => option.value === cloud)?.name ?? cloud;
}

/** The cloud a credential's data names (Global when absent, as the credentials default). */
export function cloudOfCredential(data: { cloud?: unknown } | undefined): M365Cloud {
	return isCloud(data?.cloud) ? data.cloud : 'global';
}

export function isOfferedInCloud(operation: CloudLimitedOperation, cloud: M365Cloud): boolean {
	return OFFERS[operation].clouds.includes(cloud);
}

/** Why an operation cannot run in a cloud, or undefined when Microsoft offers it there. */
export function cloudRefusal(operation: CloudLimitedOperation, cloud: M365Cloud): { message: string; description: string } | undefined {
	if (isOfferedInCloud(operation, cloud)) return undefined;
	const offer = OFFERS[operation];
	return {
		message: `Microsoft does not offer ${offer.what} in the ${cloudName(cloud)} cloud`,
		description: `The credential's National Cloud is ${cloudName(cloud)}; Microsoft offers this in ${offer.clouds.map(cloudName).join(', ')} only. ${offer.instead}`,
	};
}

export function assertOfferedInCloud(node: INode, operation: CloudLimitedOperation, cloud: M365Cloud, itemIndex?: number): void {
	const refusal = cloudRefusal(operation, cloud);
	if (refusal) throw new NodeOperationError(node, refusal.message, { description: refusal.description, itemIndex });
}
