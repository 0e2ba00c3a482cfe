/**
 * Health of the tenant app: a token can be minted, the application permissions the chosen features need are
 * granted (read from the token's roles, i.e. what Graph will actually enforce), and the secret or certificate in
 * use is not about to expire (when the app may read its own registration).
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import { adminConsentUrl, instanceBaseUrlOf } from '../../shared/auth/adminConsent';
import { grantedPermissions, readTokenClaims } from '../../shared/auth/jwt';
import { readTenantAppSettings, type TenantAppSettings } from '../../shared/auth/tenantAppCredentials';
import { getTenantAppToken } from '../../shared/auth/tenantAppToken';
import { asNodeError } from '../../shared/nodeErrors';
import { odataString } from '../../shared/odata';
import { graphFailureOf, graphFor, TENANT_APP_CREDENTIAL } from '../../shared/transport';
import { msalSenderFor } from '../../shared/transport/middleware/n8nSender';
import { evaluateRequirements } from '../requirements';
import { checkMailboxes, checkProtectedApis } from './microsoftRules';
import { check, expiryStatus, type CheckResult } from './report';

interface PasswordCredential {
	displayName?: string | null;
	hint?: string | null;
	endDateTime?: string | null;
	keyId?: string;
}

interface KeyCredential {
	displayName?: string | null;
	customKeyIdentifier?: string | null;
	endDateTime?: string | null;
	type?: string;
}

interface ApplicationRegistration {
	id: string;
	displayName?: string;
	passwordCredentials?: PasswordCredential[];
	keyCredentials?: KeyCredential[];
}

export interface TenantAppCheckOptions {
	features: string[];
	warningDays: number;
	now: number;
	/** Mailboxes whose Exchange scope to check (empty: none). */
	mailboxes?: string[];
}

function thumbprintOf(key: KeyCredential): string {
	if (!key.customKeyIdentifier) return '';
	const raw = key.customKeyIdentifier;
	return /^[0-9a-f]+$/i.test(raw) ? raw.toUpperCase() : Buffer.from(raw, 'base64').toString('hex').toUpperCase();
}

async function credentialExpiry(
	this: IExecuteFunctions,
	settings: TenantAppSettings,
	options: TenantAppCheckOptions,
): Promise<CheckResult> {
	const name = settings.authMethod === 'secret' ? 'secretExpiry' : 'certificateExpiry';
	const what = settings.authMethod === 'secret' ? 'client secret' : 'certificate';
	let apps: ApplicationRegistration[];
	try {
		apps = await graphFor(this).all<ApplicationRegistration>({
			credentialType: TENANT_APP_CREDENTIAL,
			method: 'GET',
			url: '/applications',
			qs: { $filter: `appId eq ${odataString(settings.clientId)}`, $select: 'id,displayName,passwordCredentials,keyCredentials' },
		});
	} catch (error) {
		const failure = graphFailureOf(error);
		if (failure?.status === 403) {
			return check('tenantApp', name, 'warning', `The ${what}'s expiry date cannot be read: the app may not read its own registration.`, 'Grant the application permission Application.Read.All (or Application.ReadWrite.OwnedBy with the app as its own owner) and admin consent, or watch the expiry date in the Entra admin center.');
		}
		throw asNodeError(error, this.getNode());
	}
	const app = apps[0];
	if (!app) {
		return check('tenantApp', name, 'warning', `The app registration ${settings.clientId} was not found in this tenant (it may be registered in another tenant).`, "Check the expiry in the home tenant's Entra admin center.");
	}
	type Candidate = { label: string; endDateTime: string };
	const candidates: Candidate[] =
		settings.authMethod === 'secret'
			? (app.passwordCredentials ?? [])
					.filter((p) => p.endDateTime && (!p.hint || settings.clientSecret.startsWith(p.hint)))
					.map((p) => ({ label: p.displayName || `secret ${p.hint ?? ''}…`, endDateTime: p.endDateTime! }))
			: (app.keyCredentials ?? [])
					.filter((k) => k.endDateTime && (!k.customKeyIdentifier || thumbprintOf(k) === settings.thumbprint))
					.map((k) => ({ label: k.displayName || `certificate ${settings.thumbprint}`, endDateTime: k.endDateTime! }));
	if (candidates.length === 0) {
		return check('tenantApp', name, 'warning', `The ${what} in use is not listed on app registration "${app.displayName ?? app.id}".`, `Check Certificates & secrets of the app registration.`);
	}
	// Several secrets can share the first three characters; the one that expires last is the optimistic reading.
	const latest = candidates.reduce((a, b) => (Date.parse(a.endDateTime) >= Date.parse(b.endDateTime) ? a : b));
	const { status, daysLeft } = expiryStatus(latest.endDateTime, options.now, options.warningDays);
	const message =
		status === 'error'
			? `The ${what} "${latest.label}" expired on ${latest.endDateTime.slice(0, 10)}.`
			: `The ${what} "${latest.label}" expires on ${latest.endDateTime.slice(0, 10)} (${daysLeft} days left).`;
	const fix =
		status === 'ok'
			? null
			: `Create a new ${what} in the app registration > Certificates & secrets, update this credential, then delete the old one.`;
	return check('tenantApp', name, status, message, fix, { expiresOn: latest.endDateTime, daysLeft });
}

export async function checkTenantApp(this: IExecuteFunctions, options: TenantAppCheckOptions): Promise<CheckResult[]> {
	let settings: TenantAppSettings;
	try {
		settings = readTenantAppSettings(await this.getCredentials(TENANT_APP_CREDENTIAL));
	} catch (error) {
		return [check('tenantApp', 'token', 'error', (error as Error).message, 'Open the tenant app credential and fill in the missing fields.')];
	}
	let token: string;
	try {
		token = (await getTenantAppToken(settings, { sender: msalSenderFor(this) })).accessToken;
	} catch (error) {
		return [check('tenantApp', 'token', 'error', (error as Error).message, 'Fix the credential as the message says, then run this check again.')];
	}
	const results: CheckResult[] = [check('tenantApp', 'token', 'ok', `A token was obtained for app ${settings.clientId} in tenant ${settings.tenantId}.`)];
	const roles = grantedPermissions(readTokenClaims(token));
	const consentUrl = adminConsentUrl({ tenantId: settings.tenantId, clientId: settings.clientId, loginHost: settings.loginHost, instanceBaseUrl: instanceBaseUrlOf(this) });
	if (roles.length === 0) {
		results.push(check('tenantApp', 'adminConsent', 'error', 'Admin consent has not been granted: the token carries no application permissions.', `An administrator must grant admin consent: ${consentUrl}`, { adminConsentUrl: consentUrl }));
	}
	for (const result of evaluateRequirements(roles, 'application', options.features)) {
		const status = !result.missing ? 'ok' : result.optional ? 'warning' : 'error';
		results.push(
			check(
				'tenantApp',
				'permission',
				status,
				result.missing
					? `${result.feature}: cannot ${result.purpose} (missing application permission ${result.anyOf[0]}).`
					: `${result.feature}: can ${result.purpose}.`,
				result.missing ? `Add the application permission ${result.anyOf[0]} to the app registration and grant admin consent: ${consentUrl}` : null,
				{ feature: result.feature, needsAnyOf: result.anyOf, granted: !result.missing },
			),
		);
	}
	if (options.features.includes('eventTriggers')) {
		const protectedApis = await checkProtectedApis.call(this, roles);
		if (protectedApis) results.push(protectedApis);
	}
	if (options.mailboxes?.length) results.push(...(await checkMailboxes.call(this, options.mailboxes)));
	results.push(await credentialExpiry.call(this, settings, options));
	return results;
}
