/**
 * The Test buttons of both credentials. They say exactly what is wrong and how to fix it, in the wording admins
 * of integration accounts expect ("Account credentials are incomplete", "Failed to request refresh token"), and
 * a passing test proves that Microsoft Graph accepts the token, not only that Entra issued one.
 */
import type { ICredentialsDecrypted, ICredentialTestFunctions, INodeCredentialTestResult } from 'n8n-workflow';

import { adminConsentUrl } from './adminConsent';
import { describeTokenFailure, readAadError, TOKEN_FAILURE_PREFIX } from './aadErrors';
import { resolveHosts } from './hostPolicy';
import { grantedPermissions, readTokenClaims } from './jwt';
import { plainHttpsRequest, type PlainResponse } from './plainHttps';
import { readTenantAppSettings } from './tenantAppCredentials';
import { getTenantAppToken } from './tenantAppToken';

interface GraphUser {
	id?: string;
	displayName?: string;
	userPrincipalName?: string;
}

interface LicenseDetails {
	skuPartNumber?: string;
	servicePlans?: Array<{ servicePlanName?: string; provisioningStatus?: string }>;
}

function graphMessage(response: PlainResponse): string {
	const error = (response.body as { error?: { code?: string; message?: string } } | undefined)?.error;
	return error ? `${error.code}: ${error.message}` : `HTTP ${response.status}`;
}

async function graphGet(graphHost: string, path: string, token: string): Promise<PlainResponse> {
	return await plainHttpsRequest({
		method: 'GET',
		url: `https://${graphHost}/v1.0${path}`,
		headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
	});
}

function failed(message: string): INodeCredentialTestResult {
	return { status: 'Error', message };
}

export async function m365TenantAppApiTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	let settings;
	try {
		settings = readTenantAppSettings(credential.data ?? {});
	} catch (error) {
		return failed((error as Error).message);
	}
	let token: string;
	try {
		token = (await getTenantAppToken(settings, { forceRefresh: true })).accessToken;
	} catch (error) {
		return failed((error as Error).message);
	}
	const roles = grantedPermissions(readTokenClaims(token));
	const ctx = { tenantId: settings.tenantId, clientId: settings.clientId, loginHost: settings.loginHost };
	if (roles.length === 0) {
		return failed(
			`${TOKEN_FAILURE_PREFIX}: an administrator has not granted consent to this application (its token carries no application permissions). Add the permissions listed in the README under API permissions and grant admin consent, or open ${adminConsentUrl(ctx)}`,
		);
	}
	let response: PlainResponse;
	try {
		response = await graphGet(settings.graphHost, '/organization?$select=id,displayName', token);
	} catch (error) {
		return failed(`Could not reach Microsoft Graph at ${settings.graphHost}: ${(error as Error).message}`);
	}
	if (response.status === 401) {
		return failed(`Microsoft Graph refused the token: ${graphMessage(response)}. Check the National Cloud setting.`);
	}
	if (response.status >= 500) {
		return failed(`Microsoft Graph is unavailable (${graphMessage(response)}). Try again in a few minutes.`);
	}
	const organization = (response.body as { value?: Array<{ displayName?: string }> } | undefined)?.value?.[0];
	const where = organization?.displayName ? `${organization.displayName} (${settings.tenantId})` : settings.tenantId;
	return {
		status: 'OK',
		message: `Connected to ${where} with ${roles.length} application permission${roles.length === 1 ? '' : 's'}: ${roles.join(', ')}`,
	};
}

interface OAuthTokenData {
	access_token?: string;
	refresh_token?: string;
}

/** Proves the refresh token still works. The rotated token is not stored here (n8n does that on real use); Entra
 * keeps the previous refresh token valid until it expires, so nothing is lost by not storing it. */
async function refreshAccessToken(data: Record<string, unknown>, tokenData: OAuthTokenData): Promise<string> {
	const body = new URLSearchParams({
		grant_type: 'refresh_token',
		client_id: String(data.clientId ?? ''),
		client_secret: String(data.clientSecret ?? ''),
		refresh_token: tokenData.refresh_token ?? '',
		scope: String(data.scope ?? ''),
	}).toString();
	const response = await plainHttpsRequest({
		method: 'POST',
		url: String(data.accessTokenUrl),
		headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
		body,
	});
	const access = (response.body as { access_token?: string } | undefined)?.access_token;
	if (response.status === 200 && access) return access;
	const info = readAadError(response.body);
	throw new Error(
		`The integration account is not signed in: click Connect again (${describeTokenFailure(info, {
			tenantId: String(data.tenantId ?? ''),
			clientId: String(data.clientId ?? ''),
			loginHost: new URL(String(data.accessTokenUrl)).host,
		}).replace(`${TOKEN_FAILURE_PREFIX}: `, '')})`,
	);
}

function teamsLicence(details: LicenseDetails[]): { licensed: boolean; skus: string[] } {
	const licensed = details.some((sku) =>
		(sku.servicePlans ?? []).some((plan) => /^TEAMS/i.test(plan.servicePlanName ?? '') && plan.provisioningStatus !== 'Disabled'),
	);
	return { licensed, skus: details.map((sku) => sku.skuPartNumber ?? '').filter(Boolean) };
}

export async function m365IntegrationAccountTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const data = (credential.data ?? {}) as Record<string, unknown>;
	const missing = [
		!String(data.tenantId ?? '').trim() && 'Directory (Tenant) ID',
		!String(data.clientId ?? '').trim() && 'Client ID',
		!String(data.clientSecret ?? '').trim() && 'Client Secret',
	].filter(Boolean);
	if (missing.length) return failed(`Account credentials are incomplete: fill in ${missing.join(', ')} and save the credential.`);
	let graphHost: string;
	try {
		graphHost = resolveHosts(data).graphHost;
	} catch (error) {
		return failed((error as Error).message);
	}
	const tokenData = (data.oauthTokenData ?? {}) as OAuthTokenData;
	if (!tokenData.access_token && !tokenData.refresh_token) {
		return failed('The integration account is not signed in: click Connect and sign in as the integration account.');
	}
	try {
		let token = tokenData.access_token ?? '';
		let me = token ? await graphGet(graphHost, '/me?$select=id,displayName,userPrincipalName', token) : undefined;
		if (!me || me.status === 401 || (me.status === 403 && /InvalidAuthenticationToken/.test(graphMessage(me)))) {
			token = await refreshAccessToken(data, tokenData);
			me = await graphGet(graphHost, '/me?$select=id,displayName,userPrincipalName', token);
		}
		if (me.status !== 200) return failed(`Microsoft Graph refused to say who is signed in: ${graphMessage(me)}`);
		const user = me.body as GraphUser;
		const tenant = readTokenClaims(token).tid ?? String(data.tenantId);
		const licences = await graphGet(graphHost, '/me/licenseDetails', token);
		const who = `${user.displayName ?? 'unknown'} (${user.userPrincipalName ?? user.id}) in tenant ${tenant}`;
		if (licences.status !== 200) return { status: 'OK', message: `Signed in as ${who}; its licences could not be read (${graphMessage(licences)}).` };
		const { licensed, skus } = teamsLicence(((licences.body as { value?: LicenseDetails[] }).value ?? []));
		if (!licensed) {
			return failed(
				`Signed in as ${who}, but this account has no Teams licence${skus.length ? ` (licences: ${skus.join(', ')})` : ''}, so it cannot post messages. Assign a licence that includes Microsoft Teams in the Microsoft 365 admin center.`,
			);
		}
		return { status: 'OK', message: `Signed in as ${who}, with a Teams licence (${skus.join(', ')}).` };
	} catch (error) {
		return failed((error as Error).message);
	}
}

export const credentialTest = {
	m365TenantAppApiTest,
	m365IntegrationAccountTest,
};
