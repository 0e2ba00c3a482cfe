import type { ICredentialTestRequest, ICredentialType, Icon, INodeProperties } from 'n8n-workflow';

import { M365IntegrationAccountOAuth2Api } from './M365IntegrationAccountOAuth2Api.credentials';

const integrationAccount = new M365IntegrationAccountOAuth2Api();

/**
 * The optional "sender": a real user's delegated sign-in, so a message goes out as that person when they are a
 * member of the target, with the integration account as the fallback. It is its own credential type because an
 * n8n node holds one credential per type. Same fields, scopes and hosts as the integration account (reused from
 * it, so the two cannot drift); it extends n8n's oAuth2Api directly, since n8n's OAuth2 handling looks for that
 * parent and not every loader resolves chains through a package's own credentials.
 */
export class M365UserOAuth2Api implements ICredentialType {
	name = 'm365UserOAuth2Api';

	extends = ['oAuth2Api'];

	displayName = 'Microsoft 365 User (Sender) OAuth2 API';

	icon: Icon = { light: 'file:m365.svg', dark: 'file:m365.dark.svg' };

	documentationUrl =
		'https://github.com/n8n-nodes-m365-integration/n8n-nodes-m365-integration#sender-credential';

	properties: INodeProperties[] = integrationAccount.properties.map((property) =>
		property.name === 'integrationAccountNotice'
			? {
					...property,
					name: 'senderNotice',
					displayName:
						'Sign in as the person messages should come from. When this user is a member of the target team, channel or chat (and in its tenant), the Teams Message node posts as them; otherwise the integration account posts and names them.',
				}
			: { ...property },
	);

	test: ICredentialTestRequest = integrationAccount.test;
}
