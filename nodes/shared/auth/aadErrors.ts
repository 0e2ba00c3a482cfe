/**
 * Turns a failed token request into the message an admin needs: the seed's wording ("Failed to request refresh
 * token", "Account credentials are incomplete") followed by the precise cause and the fix. Messages never contain
 * the secret, the assertion or any token; Entra's own descriptions do not either, and we keep only their first line.
 */
import { adminConsentUrl } from './adminConsent';

export const TOKEN_FAILURE_PREFIX = 'Failed to request refresh token';
export const INCOMPLETE_PREFIX = 'Account credentials are incomplete';

export interface AadErrorInfo {
	/** AADSTS number, e.g. 7000215 */
	code?: number;
	/** OAuth error, e.g. invalid_client */
	error?: string;
	/** Entra's description without trace/correlation lines */
	description?: string;
	/** HTTP status of the token response, when known */
	status?: number;
}

export interface TokenFailureContext {
	tenantId: string;
	clientId: string;
	loginHost: string;
	/** n8n's base URL when known (for the admin consent link's redirect_uri). */
	instanceBaseUrl?: string;
}


/** Reads an AADSTS code and the first line of the description from msal's ServerError or a raw token body. */
export function readAadError(error: unknown): AadErrorInfo {
	const e = (error ?? {}) as Record<string, unknown>;
	const rawDescription = String(e.errorMessage ?? e.error_description ?? e.message ?? '');
	const firstLine = rawDescription.split(/\r?\n/)[0].replace(/^[a-z_]+:\s*/i, '').trim();
	const fromNumber = Number(e.errorNo ?? (Array.isArray(e.error_codes) ? e.error_codes[0] : undefined));
	const fromText = /AADSTS(\d+)/.exec(rawDescription)?.[1];
	const code = Number.isFinite(fromNumber) && fromNumber > 0 ? fromNumber : fromText ? Number(fromText) : undefined;
	const status = typeof e.status === 'number' ? e.status : undefined;
	return { code, error: String(e.errorCode ?? e.error ?? '') || undefined, description: firstLine || undefined, status };
}

/** cause + fix for each AADSTS code we know; the message starts with TOKEN_FAILURE_PREFIX. */
export function describeTokenFailure(info: AadErrorInfo, ctx: TokenFailureContext): string {
	const tenant = `"${ctx.tenantId}"`;
	const client = `"${ctx.clientId}"`;
	const causes: Record<number, string> = {
		7000215:
			'the client secret is wrong (AADSTS7000215). Copy the secret\'s Value, not its Secret ID, from the app registration > Certificates & secrets, and paste it into Client Secret again.',
		7000222:
			'the client secret has expired (AADSTS7000222). Create a new client secret in the app registration > Certificates & secrets and paste its Value into this credential.',
		7000218:
			'no client secret or certificate was sent (AADSTS7000218). Fill in Client Secret, or the certificate\'s private key and thumbprint.',
		700016: `no application with Application (client) ID ${client} exists in directory ${tenant} (AADSTS700016). Copy the Application (client) ID from the app registration's Overview page; for an app registered in another tenant, an admin of this tenant must consent to it first: ${adminConsentUrl(ctx)}`,
		90002: `directory ${tenant} was not found (AADSTS90002). Copy the Directory (tenant) ID from the app registration's Overview page, and check the National Cloud setting.`,
		900023: `${tenant} is not a valid Directory (tenant) ID or domain (AADSTS900023). Use the GUID from the app registration's Overview page.`,
		90023: `${tenant} is not a valid Directory (tenant) ID (AADSTS90023). Use the GUID from the app registration's Overview page.`,
		65001: `an administrator has not granted consent to this application (AADSTS65001). Grant admin consent in the app registration > API permissions, or open ${adminConsentUrl(ctx)}`,
		700027:
			'the certificate assertion was refused (AADSTS700027): the certificate is not uploaded to this app registration, or the thumbprint does not match the private key. Upload the public certificate under Certificates & secrets and copy its thumbprint.',
		700024:
			'the certificate assertion is outside its validity window (AADSTS700024). Check this machine\'s clock.',
		7000112: `application ${client} is disabled in directory ${tenant} (AADSTS7000112). Enable its enterprise application (Properties > Enabled for users to sign in).`,
		70011: 'the requested scope is invalid (AADSTS70011). This is a bug in this package: please report it.',
		1002012: 'the requested scope is invalid (AADSTS1002012). This is a bug in this package: please report it.',
		500011: `Microsoft Graph is not available in directory ${tenant} (AADSTS500011). Check the National Cloud setting.`,
		70008: 'the sign-in has expired or was revoked (AADSTS70008). Sign in again.',
		700082: 'the sign-in expired after 90 days without use (AADSTS700082). Sign in again.',
		50173: 'the sign-in was revoked, for example by a password change (AADSTS50173). Sign in again.',
		50076: 'multi-factor authentication is required (AADSTS50076). Sign in again interactively.',
	};
	if (info.code && causes[info.code]) return `${TOKEN_FAILURE_PREFIX}: ${causes[info.code]}`;
	if (info.code) {
		return `${TOKEN_FAILURE_PREFIX}: Entra ID refused the request (AADSTS${info.code}${info.description ? `: ${info.description.replace(/^AADSTS\d+:\s*/, '')}` : ''}). See https://login.microsoftonline.com/error?code=${info.code}`;
	}
	return `${TOKEN_FAILURE_PREFIX}: ${info.description ?? info.error ?? 'Entra ID gave no reason'}.`;
}
