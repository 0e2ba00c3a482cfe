import type { ICredentialTestRequest, ICredentialType, Icon, INodeProperties } from 'n8n-workflow';

import { cloudAndHostProperties } from '../nodes/shared/auth/hostFields';
import { INTEGRATION_ACCOUNT_SCOPES } from '../nodes/shared/auth/scopes';

/**
 * Expression that picks the sign-in host: the cloud's host, or a custom host when it is a loopback address.
 * n8n itself sends the client secret and refresh token to these URLs during Connect and refresh, before any code
 * of ours runs, so a non-loopback custom host is ignored here rather than trusted (see nodes/shared/auth/hostPolicy.ts).
 */
const LOGIN_BASE =
	'{{ $self["useCustomHosts"] && /^(127\\.\\d+\\.\\d+\\.\\d+|localhost|\\[::1\\])(:\\d+)?$/i.test(String($self["loginHost"] || "").trim()) ? "https://" + String($self["loginHost"]).trim() : ({ global: "https://login.microsoftonline.com", usGov: "https://login.microsoftonline.us", usGovDod: "https://login.microsoftonline.us", china: "https://login.chinacloudapi.cn" })[$self["cloud"] || "global"] }}/{{ String($self["tenantId"] || "").trim() }}';

/**
 * The integration account: one generic, licensed Teams user an admin signs in once with n8n's Connect button.
 * Graph lets only a signed-in user post ordinary channel and chat messages, so this account posts whenever the
 * real sender has no usable credential. n8n keeps and rotates its refresh token.
 */
export class M365IntegrationAccountOAuth2Api implements ICredentialType {
	name = 'm365IntegrationAccountOAuth2Api';

	extends = ['oAuth2Api'];

	displayName = 'Microsoft 365 Integration Account OAuth2 API';

	icon: Icon = { light: 'file:m365.svg', dark: 'file:m365.dark.svg' };

	documentationUrl =
		'https://github.com/n8n-nodes-m365-integration/n8n-nodes-m365-integration#integration-account-credential';

	properties: INodeProperties[] = [
		{
			displayName:
				'Sign in with the integration account (a generic, licensed Teams user such as "Integration Account"), not with your own account. It must be a member of every team, private channel and chat it posts into.',
			name: 'integrationAccountNotice',
			type: 'notice',
			default: '',
		},
		{
			displayName: 'Grant Type',
			name: 'grantType',
			type: 'hidden',
			default: 'authorizationCode',
		},
		{
			displayName: 'Directory (Tenant) ID',
			name: 'tenantId',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. 72f988bf-86f1-41af-91ab-2d7cd011db47',
			description: "The tenant of the integration account, from the app registration's Overview page",
		},
		...cloudAndHostProperties(
			'Whether to sign in and call Graph on other hosts, such as the built-in tenant emulator. Only loopback hosts are used for sign-in; a custom Graph host must be loopback or listed by the n8n administrator in M365_ALLOWED_CUSTOM_HOSTS.',
		),
		{
			displayName: 'Authorization URL',
			name: 'authUrl',
			type: 'hidden',
			default: `=${LOGIN_BASE}/oauth2/v2.0/authorize`,
		},
		{
			displayName: 'Access Token URL',
			name: 'accessTokenUrl',
			type: 'hidden',
			default: `=${LOGIN_BASE}/oauth2/v2.0/token`,
		},
		{
			displayName: 'Scope',
			name: 'scope',
			type: 'hidden',
			default: INTEGRATION_ACCOUNT_SCOPES.join(' '),
		},
		{
			displayName: 'Auth URI Query Parameters',
			name: 'authQueryParameters',
			type: 'hidden',
			// Always ask which account to use: admins are usually signed in as themselves.
			default: 'prompt=select_account',
		},
		{
			displayName: 'Authentication',
			name: 'authentication',
			type: 'hidden',
			default: 'body',
		},
	];

	// Nodes of this package test this credential with a function that reports who is signed in and whether the
	// account has a Teams licence (nodes/shared/auth/credentialTests.ts); this request is n8n's generic fallback.
	test: ICredentialTestRequest = {
		request: {
			baseURL:
				'={{ "https://" + ($credentials.useCustomHosts && $credentials.graphHost ? $credentials.graphHost : ({ global: "graph.microsoft.com", usGov: "graph.microsoft.us", usGovDod: "dod-graph.microsoft.us", china: "microsoftgraph.chinacloudapi.cn" })[$credentials.cloud || "global"]) + "/v1.0" }}',
			url: '/me',
			qs: { $select: 'id,displayName,userPrincipalName' },
		},
	};
}
