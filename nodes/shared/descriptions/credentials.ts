/**
 * The credentials a node may use, each tested by this package's own test functions so the Test button explains
 * failures precisely (nodes include `methods.credentialTest` from nodes/shared/auth/credentialTests.ts).
 */
import type { INodeCredentialDescription, INodeProperties } from 'n8n-workflow';

import { INTEGRATION_ACCOUNT_CREDENTIAL, TENANT_APP_CREDENTIAL } from '../transport/types';

export const tenantAppCredential: INodeCredentialDescription = {
	name: 'm365TenantAppApi',
	required: true,
	testedBy: 'm365TenantAppApiTest',
};

export const integrationAccountCredential: INodeCredentialDescription = {
	name: 'm365IntegrationAccountOAuth2Api',
	required: true,
	testedBy: 'm365IntegrationAccountTest',
};

/** The credential an `authentication` value of credentialChoice names: the integration account only when picked. */
export function chosenCredential(value: unknown): typeof TENANT_APP_CREDENTIAL | typeof INTEGRATION_ACCOUNT_CREDENTIAL {
	return value === INTEGRATION_ACCOUNT_CREDENTIAL ? INTEGRATION_ACCOUNT_CREDENTIAL : TENANT_APP_CREDENTIAL;
}

/** For nodes that work with either credential: an `authentication` parameter picks one (read it with chosenCredential). */
export function credentialChoice(defaultType: 'm365TenantAppApi' | 'm365IntegrationAccountOAuth2Api'): {
	credentials: INodeCredentialDescription[];
	property: INodeProperties;
} {
	return {
		credentials: [
			{ ...tenantAppCredential, displayOptions: { show: { authentication: ['m365TenantAppApi'] } } },
			{ ...integrationAccountCredential, displayOptions: { show: { authentication: ['m365IntegrationAccountOAuth2Api'] } } },
		],
		property: {
			displayName: 'Authentication',
			name: 'authentication',
			type: 'options',
			options: [
				{
					name: 'Integration Account (Delegated)',
					value: 'm365IntegrationAccountOAuth2Api',
					description: 'A licensed Teams user signed in once; acts as that user',
				},
				{
					name: 'Tenant App (App-Only)',
					value: 'm365TenantAppApi',
					description: 'An Entra app registration with admin-consented application permissions',
				},
			],
			default: defaultType,
		},
	};
}
