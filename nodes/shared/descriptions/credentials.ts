/**
 * The credentials a node may use, each tested by this package's own test functions so the Test button explains
 * failures precisely (nodes include `methods.credentialTest` from nodes/shared/auth/credentialTests.ts).
 */
import type { INodeCredentialDescription, INodeProperties } from 'n8n-workflow';

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

/** For nodes that work with either credential: an `authentication` parameter picks one. */
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
