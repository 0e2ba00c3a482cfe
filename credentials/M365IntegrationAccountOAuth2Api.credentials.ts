import type { ICredentialTestRequest, ICredentialType, Icon, INodeProperties } from 'n8n-workflow';

import { cloudAndHostProperties } from '../nodes/shared/auth/hostFields';
import { allowedHostPattern } from '../nodes/shared/auth/hostPolicy';
import { INTEGRATION_ACCOUNT_SCOPES } from '../nodes/shared/auth/scopes';

/** Expression text: a host field as the host policy normalises it (scheme and trailing slash pasted with it removed). */
const hostOf = (field: string) =>
	`String(${field} || "").trim().replace(/^https?:\\/\\//i, "").replace(/\\/+$/, "").toLowerCase()`;

const CLOUD_LOGIN_HOSTS =
	'({ global: "https://login.microsoftonline.com", usGov: "https://login.microsoftonline.us", usGovDod: "https://login.microsoftonline.us", china: "https://login.chinacloudapi.cn" })';
const CLOUD_GRAPH_HOSTS =
	'({ global: "graph.microsoft.com", usGov: "graph.microsoft.us", usGovDod: "dod-graph.microsoft.us", china: "microsoftgraph.chinacloudapi.cn" })';
/** Where the Test button's request goes when the custom Graph host is not allowed: a name that never resolves. */
export const REFUSED_GRAPH_HOST = 'custom-graph-host-not-allowed-by-m365-allowed-custom-hosts.invalid';

/**
 * Expression that picks the sign-in host: the cloud's host, or the custom host when the host policy allows it.
 * n8n itself sends the client secret and refresh token to these URLs during Connect and refresh, before any code of
 * ours runs, and blocks `$env` in expressions, so the allowed hosts (M365_ALLOWED_CUSTOM_HOSTS) are read when n8n
 * loads this credential type (see nodes/shared/auth/hostPolicy.ts); a custom host not listed is ignored.
 */
export function loginBaseExpression(env: NodeJS.ProcessEnv = process.env): string {
	const host = hostOf('$self["loginHost"]');
	return `{{ $self["useCustomHosts"] && /^(${allowedHostPattern(env)})$/.test(${host}) ? "https://" + ${host} : ${CLOUD_LOGIN_HOSTS}[$self["cloud"] || "global"] }}/{{ String($self["tenantId"] || "").trim() }}`;
}

/** The Test button's Graph root under the same policy: a custom Graph host not listed is never called. */
export function testBaseUrlExpression(env: NodeJS.ProcessEnv = process.env): string {
	const host = hostOf('$credentials.graphHost');
	return `={{ "https://" + ($credentials.useCustomHosts && $credentials.graphHost ? (/^(${allowedHostPattern(env)})$/.test(${host}) ? ${host} : "${REFUSED_GRAPH_HOST}") : ${CLOUD_GRAPH_HOSTS}[$credentials.cloud || "global"]) + "/v1.0" }}`;
}

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
			'Whether to sign in and call Graph on other hosts, such as the built-in tenant emulator. Only hosts the n8n administrator lists in M365_ALLOWED_CUSTOM_HOSTS are used (loopback addresses too); other custom hosts are ignored for sign-in and refused for Graph.',
		),
		{
			displayName: 'Authorization URL',
			name: 'authUrl',
			type: 'hidden',
			default: `=${loginBaseExpression()}/oauth2/v2.0/authorize`,
		},
		{
			displayName: 'Access Token URL',
			name: 'accessTokenUrl',
			type: 'hidden',
			default: `=${loginBaseExpression()}/oauth2/v2.0/token`,
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
			baseURL: testBaseUrlExpression(),
			url: '/me',
			qs: { $select: 'id,displayName,userPrincipalName' },
		},
	};
}
