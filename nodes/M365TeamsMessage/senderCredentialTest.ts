/**
 * The Test button of the sender credential: the integration account's test (who is signed in, Teams licence),
 * worded for the person messages should come from.
 */
import type { ICredentialsDecrypted, ICredentialTestFunctions, INodeCredentialTestResult } from 'n8n-workflow';

import { m365IntegrationAccountTest } from '../shared/auth/credentialTests';

export function senderWording(message: string): string {
	return message
		.replace(/sign in as the integration account/gi, 'sign in as the person messages should come from')
		.replace(/The integration account is not signed in/g, 'The sender is not signed in');
}

export async function m365UserTest(this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
	const result = await m365IntegrationAccountTest.call(this, credential);
	return { ...result, message: senderWording(result.message) };
}
