export const INTEGRATION_ACCOUNT = 'm365IntegrationAccountOAuth2Api';
export const SENDER = 'm365UserOAuth2Api';

export type PosterCredential = typeof INTEGRATION_ACCOUNT | typeof SENDER;
