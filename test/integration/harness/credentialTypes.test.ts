import { credentialTypes } from '../../harness';

describe('credential types known to the harness', () => {
	it("finds the package's credentials by themselves, with n8n's OAuth2 parent behind the delegated one", () => {
		expect(credentialTypes.recognizes('m365TenantAppApi')).toBe(true);
		expect(credentialTypes.recognizes('m365IntegrationAccountOAuth2Api')).toBe(true);
		expect(credentialTypes.getParentTypes('m365IntegrationAccountOAuth2Api')).toContain(
			'oAuth2Api',
		);
	});

	it('does not invent types', () => {
		expect(credentialTypes.recognizes('noSuchApi')).toBe(false);
		expect(() => credentialTypes.getByName('noSuchApi')).toThrow(
			'Unknown credential type "noSuchApi"',
		);
	});
});
