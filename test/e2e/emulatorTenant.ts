// The in-process emulator's tenant as the e2e tests hand it to n8n: the one place that says which app registration
// (the main seed app) and which hosts the package's credentials point at, and how the integration account is
// connected (n8n's OAuth2 callback registered on the app, then the seed integration account signed in).
import {
	createEmulatorCredentials,
	oauthCallbackUrl,
	type EmulatorCredentials,
	type EmulatorTenant,
	type N8nInstance,
	type N8nRestClient,
	type SignInAccount,
} from '../../scripts/n8n-runtime';
import { SEED_APPS, SEED_USERS, type Emulator } from '../emulator';

/** The emulator's tenant with the main seed app: what `createEmulatorCredentials` and the credential data builders take. */
export function emulatorTenantOf(emulator: Emulator): EmulatorTenant {
	return {
		tenantId: emulator.tenantId,
		clientId: SEED_APPS.main.appId,
		clientSecret: SEED_APPS.main.secret,
		loginHost: emulator.loginHost,
		graphHost: emulator.graphHost,
	};
}

/** The seed integration account as it signs in on the emulator's sign-in page. */
export const INTEGRATION_ACCOUNT_SIGN_IN: SignInAccount = { login: SEED_USERS.integration.upn, password: SEED_USERS.integration.password };

/** n8n's OAuth2 callback registered as a redirect URI on the main seed app, as an admin registers it for a real n8n. */
export function registerN8nCallback(emulator: Emulator, instance: N8nInstance): void {
	emulator.state.app(SEED_APPS.main.appId)!.redirectUris.push(oauthCallbackUrl(instance.baseUrl));
}

/** Both credentials in n8n with the integration account connected through n8n's OAuth2 flow (`registerN8nCallback` first). */
export async function connectedEmulatorCredentials(
	client: N8nRestClient,
	instance: N8nInstance,
	emulator: Emulator,
	names?: { tenantApp?: string; integrationAccount?: string },
): Promise<EmulatorCredentials> {
	registerN8nCallback(emulator, instance);
	return await createEmulatorCredentials(client, emulatorTenantOf(emulator), { connectAs: INTEGRATION_ACCOUNT_SIGN_IN, names });
}
