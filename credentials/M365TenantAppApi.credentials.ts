import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IHttpRequestOptions,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

import { cloudAndHostProperties } from '../nodes/shared/auth/hostFields';
import { readTenantAppSettings } from '../nodes/shared/auth/tenantAppCredentials';
import { getTenantAppToken } from '../nodes/shared/auth/tenantAppToken';
import { assertRequestToGraphHost } from '../nodes/shared/auth/requestHost';

/**
 * No `test` request on purpose: n8n 2.x runs a credential's own test request in preference to a node's
 * `testedBy` function, and only the function (nodes/shared/auth/credentialTests.ts, declared by every node of
 * this package) can tell the admin the AADSTS cause and fix, detect a token without consented permissions, and
 * list the permissions Graph accepted.
 */
/**
 * An Entra ID app registration used app-only (client credentials): what org-wide features (guest sync, presence,
 * mailbox polling, subscriptions, health checks) run on. Tokens come from msal and are re-minted before expiry.
 */
export class M365TenantAppApi implements ICredentialType {
	name = 'm365TenantAppApi';

	displayName = 'Microsoft 365 Tenant App API';

	icon: Icon = { light: 'file:m365.svg', dark: 'file:m365.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-m365-integration/n8n-nodes-m365-integration#tenant-app-credential';

	properties: INodeProperties[] = [
		{
			displayName: 'Directory (Tenant) ID',
			name: 'tenantId',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. 72f988bf-86f1-41af-91ab-2d7cd011db47',
			description: "From the app registration's Overview page in the Microsoft Entra admin center",
		},
		{
			displayName: 'Application (Client) ID',
			name: 'clientId',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. 0f1d6c39-7a44-4f55-9d1f-2b7a3c0e5a11',
			description: "From the app registration's Overview page",
		},
		{
			displayName: 'Authentication',
			name: 'authMethod',
			type: 'options',
			options: [
				{ name: 'Client Secret', value: 'secret' },
				{ name: 'Certificate', value: 'certificate' },
			],
			default: 'secret',
		},
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: "The secret's Value (not its Secret ID) from Certificates & secrets",
			displayOptions: { show: { authMethod: ['secret'] } },
		},
		{
			displayName: 'Private Key',
			name: 'privateKey',
			type: 'string',
			typeOptions: { password: true, rows: 6 },
			default: '',
			required: true,
			placeholder: '-----BEGIN PRIVATE KEY-----',
			description: 'PEM private key of the certificate uploaded to the app registration',
			displayOptions: { show: { authMethod: ['certificate'] } },
		},
		{
			displayName: 'Certificate Thumbprint',
			name: 'thumbprint',
			type: 'string',
			default: '',
			required: true,
			description: 'Thumbprint shown next to the certificate in Certificates & secrets (SHA-1, or SHA-256)',
			displayOptions: { show: { authMethod: ['certificate'] } },
		},
		...cloudAndHostProperties(
			'Whether to send sign-in and Graph requests to other hosts, such as the built-in tenant emulator. Only hosts the n8n administrator lists in M365_ALLOWED_CUSTOM_HOSTS are accepted (loopback addresses too).',
		),
	];

	/** Lets n8n's HTTP Request node use this credential too ("predefined credential type"). */
	authenticate = async (
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> => {
		const settings = readTenantAppSettings(credentials);
		assertRequestToGraphHost(requestOptions, settings.graphHost);
		const { accessToken } = await getTenantAppToken(settings);
		return {
			...requestOptions,
			headers: { ...requestOptions.headers, Authorization: `Bearer ${accessToken}` },
		};
	};
}
