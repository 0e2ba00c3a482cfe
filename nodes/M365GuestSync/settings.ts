/** Reads the node-level settings the guest operations share, checking them once with a message that says the fix. */
import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { CREDENTIAL_TYPE, type InvitationSettings } from './directory';
import { checkEmail } from './email';
import { defaultMarkerAttribute, isMarkerAttribute, normalizeSourceName } from './marker';
import type { SourceRow } from './plan';
import { itemParameter } from '../shared/itemParameters';

export async function readMarkerAttribute(this: IExecuteFunctions, itemIndex: number): Promise<string> {
	const configured = String(this.getNodeParameter('options.markerAttribute', itemIndex, '') ?? '').trim();
	if (configured !== '') {
		if (!isMarkerAttribute(configured)) {
			throw new NodeOperationError(this.getNode(), `'${configured}' is not a directory extension attribute name`, {
				itemIndex,
				description:
					'Use the name Graph gives the extension property: extension_<app ID without dashes>_<name>, e.g. extension_0a1b2c3d4e5f60718293a4b5c6d7e8f9_m365GuestSyncSource. Leave the field empty to use the credential\'s app.',
			});
		}
		return configured;
	}
	const credentials = await this.getCredentials<{ clientId?: string }>(CREDENTIAL_TYPE, itemIndex);
	const clientId = String(credentials.clientId ?? '').trim();
	if (!/^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(clientId)) {
		throw new NodeOperationError(this.getNode(), 'The credential has no valid client ID to derive the marker attribute from', {
			itemIndex,
			description: 'Set Options > Marker Attribute to the directory extension attribute name, or fix the credential\'s Client ID.',
		});
	}
	return defaultMarkerAttribute(clientId);
}

/** The source name, normalised as it is written into the marker (see normalizeSourceName). */
export function readSourceName(this: IExecuteFunctions, itemIndex: number, parameter = 'sourceName'): string {
	const sourceName = normalizeSourceName(this.getNodeParameter(parameter, itemIndex, ''));
	// eslint-disable-next-line no-control-regex
	if (/[\u0000-\u001f\u007f]/.test(sourceName)) {
		throw new NodeOperationError(this.getNode(), 'Source Name contains a control character', {
			itemIndex,
			description: 'Use a plain name such as slack or partner-portal.',
		});
	}
	if (sourceName === '' || sourceName.length > 256) {
		throw new NodeOperationError(this.getNode(), 'Source Name is empty or longer than 256 characters', {
			itemIndex,
			description: 'Give the platform these users come from, e.g. slack. It marks the guests this sync manages.',
		});
	}
	return sourceName;
}

export function readInvitationSettings(this: IExecuteFunctions, itemIndex: number): InvitationSettings {
	const invitation = this.getNodeParameter('invitation', itemIndex, {}) as IDataObject;
	const inviteRedirectUrl = String(invitation.inviteRedirectUrl ?? 'https://teams.microsoft.com').trim();
	if (!/^https?:\/\/\S+$/i.test(inviteRedirectUrl)) {
		throw new NodeOperationError(this.getNode(), `Redirect URL '${inviteRedirectUrl}' is not a URL`, {
			itemIndex,
			description: 'Give an https:// address, e.g. https://teams.microsoft.com.',
		});
	}
	const ccRecipients = String(invitation.ccRecipients ?? '')
		.split(',')
		.map((address) => address.trim())
		.filter((address) => address !== '');
	for (const address of ccRecipients) {
		if (!checkEmail(address).ok) {
			throw new NodeOperationError(this.getNode(), `CC recipient '${address}' is not an email address`, { itemIndex });
		}
	}
	return {
		inviteRedirectUrl,
		sendInvitationMessage: invitation.sendInvitationMessage === true,
		customizedMessageBody: String(invitation.customizedMessageBody ?? '').trim() || undefined,
		messageLanguage: String(invitation.messageLanguage ?? '').trim() || undefined,
		ccRecipients,
	};
}

function optionalString(value: unknown): string | undefined {
	if (value === undefined || value === null) return undefined;
	return typeof value === 'string' ? value : String(value);
}

/** Whether a node parameter is set at all (an empty collection or string needs no per-item evaluation). */
function isSet(this: IExecuteFunctions, name: string): boolean {
	const raw = this.getNode().parameters[name];
	if (raw === undefined) return true; // not stored: the default applies, and it may be an expression
	if (raw === null || raw === '') return false;
	return !(typeof raw === 'object' && !Array.isArray(raw) && Object.keys(raw).length === 0);
}

/**
 * One input item's source user fields, as mapped in the node. Expressions are evaluated per item (n8n's cost is
 * about a quarter of a millisecond each), so fields left empty are not evaluated at all and fields without an
 * expression only once (nodes/shared/itemParameters.ts).
 */
export function readSourceRow(this: IExecuteFunctions, itemIndex: number): SourceRow {
	const attributes = isSet.call(this, 'attributes')
		? itemParameter<IDataObject>(this, 'attributes', {})(itemIndex)
		: {};
	return {
		itemIndex,
		email: itemParameter(this, 'email', '')(itemIndex),
		displayName: isSet.call(this, 'displayName')
			? optionalString(itemParameter(this, 'displayName', '')(itemIndex))
			: undefined,
		companyName: optionalString(attributes.companyName),
		jobTitle: optionalString(attributes.jobTitle),
		externalId: optionalString(attributes.externalId),
		sourcePlatform: optionalString(attributes.sourcePlatform),
	};
}

/**
 * Sync and Remove are not for AI agents: an agent passes one item (or a few) it chose, which is never the complete
 * source, and removal must act only on proof. n8n offers this node to agents as a separate node type
 * (`m365GuestSyncTool`, from `usableAsTool`); its operation list leaves these out, and this refuses them at run time
 * too (a workflow saved with them, or edited by hand).
 */
export function refuseAsTool(this: IExecuteFunctions, operation: string, itemIndex: number): void {
	if (!this.getNode().type.endsWith('Tool')) return;
	throw new NodeOperationError(this.getNode(), `${operation} is not available when the node is used as an AI agent's tool`, {
		itemIndex,
		description:
			'An agent passes the items it chose, never the complete source, so a sync or removal from an agent could disable or delete guests that must stay. Use Find or Invite as a tool, and run Sync in a workflow that feeds it the whole source.',
	});
}
