import { describeTokenFailure, readAadError } from '../../../nodes/shared/auth/aadErrors';

const ctx = { tenantId: 'contoso-tenant', clientId: 'client-1', loginHost: 'login.microsoftonline.com' };

function entraBody(code: number, error: string, text: string) {
	return {
		error,
		error_description: `AADSTS${code}: ${text}\r\nTrace ID: 0f0f\r\nCorrelation ID: 1e1e\r\nTimestamp: 2026-11-23 10:00:00Z`,
		error_codes: [code],
	};
}

describe('AADSTS messages', () => {
	it.each([
		[7000215, 'invalid_client', /client secret is wrong.*Value, not its Secret ID/],
		[7000222, 'invalid_client', /client secret has expired.*Create a new client secret/],
		[700016, 'unauthorized_client', /no application with Application \(client\) ID "client-1" exists in directory "contoso-tenant"/],
		[90002, 'invalid_request', /directory "contoso-tenant" was not found/],
		[900023, 'invalid_request', /not a valid Directory \(tenant\) ID/],
		[65001, 'invalid_grant', /not granted consent.*adminconsent\?client_id=client-1/],
	])('AADSTS%s gives the cause and the fix', (code, error, expected) => {
		const message = describeTokenFailure(readAadError(entraBody(code, error, 'text from Entra')), ctx);
		expect(message).toMatch(/^Failed to request refresh token: /);
		expect(message).toMatch(expected);
		expect(message).not.toMatch(/Trace ID|Correlation ID/);
	});

	it('reads msal ServerError fields', () => {
		const info = readAadError({ errorCode: 'invalid_client', errorNo: '7000215', errorMessage: 'AADSTS7000215: Invalid client secret provided.\r\nTrace ID: x', status: 401 });
		expect(info).toMatchObject({ code: 7000215, error: 'invalid_client', status: 401 });
	});

	it('names an unknown code and links Entra error lookup', () => {
		const message = describeTokenFailure(readAadError(entraBody(53003, 'invalid_grant', 'Access has been blocked by Conditional Access policies.')), ctx);
		expect(message).toMatch(/AADSTS53003: Access has been blocked by Conditional Access policies/);
		expect(message).toMatch(/error\?code=53003/);
	});
});
