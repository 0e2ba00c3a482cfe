/**
 * Which credential a list search uses: the integration account when the node has one (it sees what a Teams user
 * sees: joined teams, its chats), otherwise the tenant app (all teams, all users).
 */
import type { ILoadOptionsFunctions } from 'n8n-workflow';

export type SearchCredentialType = 'm365IntegrationAccountOAuth2Api' | 'm365TenantAppApi';

export function searchCredentialType(context: ILoadOptionsFunctions): SearchCredentialType {
	const configured = context.getNode().credentials ?? {};
	if ('m365IntegrationAccountOAuth2Api' in configured) return 'm365IntegrationAccountOAuth2Api';
	if ('m365TenantAppApi' in configured) return 'm365TenantAppApi';
	// Neither set yet: the integration account is the usual one; the transport's error then says to set it.
	return 'm365IntegrationAccountOAuth2Api';
}

/** Case-insensitive "contains" used where Graph offers no server-side filter. */
export function matchesFilter(text: string | null | undefined, filter: string | undefined): boolean {
	if (!filter) return true;
	return (text ?? '').toLowerCase().includes(filter.trim().toLowerCase());
}
