// The interactive endpoints: /authorize (sign-in page, MFA prompt, consent page, then 302 to redirect_uri with
// code and state) and /adminconsent (an admin signs in and grants the app's permissions). Real HTML forms, so a
// browser (n8n's Connect button, Playwright) drives them like Entra's pages. Field ids follow Entra's
// (i0116 user name, i0118 password, idSIButton9 submit) so the same browser script fits both.
import { randomUUID } from 'crypto';

import type { HttpReply } from '../http/io';
import type { UserRecord } from '../state/types';
import { requiresAdminConsent } from '../state/permissions';
import { ADMIN_CONSENT_REDIRECT_RULE, EMULATOR_MFA_CODE, type EntraDeps, type PendingAuthorization } from './context';
import { AADSTS, type AadstsError, entraTimestamp, PAGE_ERRORS } from './errors';
import { hasAllScopes, parseScopes } from './scopes';
import { resolveTenant } from './tenant';

const HTML = 'text/html; charset=utf-8';
const PENDING_LIFETIME_MS = 30 * 60 * 1000;

function escape(text: string): string {
	return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

function page(title: string, inner: string, status = 200): HttpReply {
	const body = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title>
<style>body{font-family:Segoe UI,Arial,sans-serif;background:#f2f2f2}main{background:#fff;width:440px;margin:60px auto;padding:44px;box-shadow:0 2px 6px rgba(0,0,0,.2)}
input[type=text],input[type=password],input[type=email]{width:100%;padding:6px;margin:6px 0 14px;box-sizing:border-box}.error{color:#e81123}.muted{color:#666;font-size:13px}
button{background:#0067b8;color:#fff;border:0;padding:8px 24px;margin-right:8px}button.secondary{background:#ccc;color:#000}li{margin:4px 0}</style></head>
<body><main><div class="muted">Microsoft Entra ID (emulator)</div>${inner}</main></body></html>`;
	return { status, body, contentType: HTML, headers: { 'Cache-Control': 'no-store', 'X-Frame-Options': 'DENY' } };
}

function errorPage(deps: EntraDeps, error: { code: number; text: string }, status = 400): HttpReply {
	const now = deps.clock.now();
	return page(
		'Sign in to your account',
		`<h1>Sorry, but we're having trouble signing you in.</h1><p class="error" id="error-code">AADSTS${error.code}: ${escape(error.text)}</p>
<p class="muted">Request Id: ${randomUUID()}<br>Correlation Id: ${randomUUID()}<br>Timestamp: ${entraTimestamp(now)}</p>`,
		status,
	);
}

function redirect(target: string, params: Record<string, string | undefined>, mode: PendingAuthorization['responseMode'] = 'query'): HttpReply {
	const entries = Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined);
	if (mode === 'form_post') {
		const inputs = entries.map(([k, v]) => `<input type="hidden" name="${escape(k)}" value="${escape(v)}">`).join('');
		return {
			status: 200,
			contentType: HTML,
			body: `<html><head><title>Working...</title></head><body onload="document.forms[0].submit()"><form method="POST" action="${escape(target)}">${inputs}<noscript><button type="submit">Continue</button></noscript></form></body></html>`,
		};
	}
	const url = new URL(target);
	const qs = new URLSearchParams(entries).toString();
	const location = mode === 'fragment' ? `${url.toString().split('#')[0]}#${qs}` : (url.search ? `${url.toString()}&${qs}` : `${url.toString()}?${qs}`);
	return { status: 302, headers: { Location: location, 'Cache-Control': 'no-store' } };
}

function errorRedirect(deps: EntraDeps, pending: Pick<PendingAuthorization, 'redirectUri' | 'state' | 'responseMode'>, error: string, aadsts: Pick<AadstsError, 'code' | 'description'>, extra: Record<string, string> = {}): HttpReply {
	const now = deps.clock.now();
	return redirect(
		pending.redirectUri,
		{
			error,
			error_description: `AADSTS${aadsts.code}: ${aadsts.description} Trace ID: ${randomUUID()} Correlation ID: ${randomUUID()} Timestamp: ${entraTimestamp(now)}`,
			error_uri: `https://login.microsoftonline.com/error?code=${aadsts.code}`,
			...extra,
			state: pending.state,
		},
		pending.responseMode,
	);
}

function signInForm(tenant: string, ctxId: string, pending: PendingAuthorization, deps: EntraDeps, error?: { code: number; text: string }, login = ''): HttpReply {
	const state = deps.state();
	const app = state.app(pending.appId);
	const accounts = state
		.users()
		.filter((u) => u.password && u.user.accountEnabled !== false)
		.map((u) => `<li><code>${escape(u.user.userPrincipalName)}</code> — ${escape(u.user.displayName)}</li>`)
		.join('');
	return page(
		'Sign in to your account',
		`<h1>Sign in</h1><p>to continue to <b>${escape(app?.application.displayName ?? pending.appId)}</b></p>
${error ? `<p class="error" id="usernameError">AADSTS${error.code}: ${escape(error.text)}</p>` : ''}
<form method="POST" action="/${escape(tenant)}/oauth2/v2.0/authorize" id="credentials">
<input type="hidden" name="ctx" value="${escape(ctxId)}"><input type="hidden" name="step" value="credentials">
<label for="i0116">Email, phone, or Skype</label><input type="email" name="login" id="i0116" autocomplete="username" value="${escape(login || pending.loginHint || '')}" required>
<label for="i0118">Password</label><input type="password" name="passwd" id="i0118" autocomplete="current-password" required>
<button type="submit" id="idSIButton9">Sign in</button></form>
<details><summary class="muted">Accounts in this emulated tenant</summary><ul class="muted">${accounts}</ul></details>`,
		error ? 400 : 200,
	);
}

function mfaForm(tenant: string, ctxId: string, error?: { code: number; text: string }): HttpReply {
	return page(
		'Verify your identity',
		`<h1>Enter code</h1><p>We texted your phone. Please enter the code to sign in.</p>
${error ? `<p class="error" id="idSpan_SAOTCC_Error_OTC">AADSTS${error.code}: ${escape(error.text)}</p>` : ''}
<form method="POST" action="/${escape(tenant)}/oauth2/v2.0/authorize" id="mfa">
<input type="hidden" name="ctx" value="${escape(ctxId)}"><input type="hidden" name="step" value="mfa">
<label for="idTxtBx_SAOTCC_OTC">Code</label><input type="text" name="otc" id="idTxtBx_SAOTCC_OTC" autocomplete="one-time-code" required>
<button type="submit" id="idSubmit_SAOTCC_Continue">Verify</button></form>`,
		error ? 400 : 200,
	);
}

function consentForm(tenant: string, ctxId: string, appName: string, permissions: string[], user: UserRecord, admin: boolean): HttpReply {
	const items = permissions.map((p) => `<li>${escape(p)}</li>`).join('');
	const orgBox = user.isAdmin && !admin ? '<p><label><input type="checkbox" name="consent_org" value="1" id="consentOrg"> Consent on behalf of your organization</label></p>' : '';
	return page(
		'Permissions requested',
		`<h1>Permissions requested${admin ? ' <small>Accept for your organization</small>' : ''}</h1><p><b>${escape(appName)}</b> would like to:</p><ul id="permissions">${items}</ul>${orgBox}
<form method="POST" action="/${escape(tenant)}/oauth2/v2.0/authorize" id="consent">
<input type="hidden" name="ctx" value="${escape(ctxId)}"><input type="hidden" name="step" value="consent">
<button type="submit" name="accept" value="yes" id="idSIButton9">Accept</button>
<button type="submit" name="accept" value="no" class="secondary" id="idBtn_Back">Cancel</button></form>`,
	);
}

function issueCode(deps: EntraDeps, pending: PendingAuthorization, user: UserRecord, graphScopes: string[]): HttpReply {
	const code = deps.tokens.issueAuthorizationCode({
		appId: pending.appId,
		userId: user.user.id,
		scopes: graphScopes,
		oidcScopes: parseScopes(pending.scope).oidc,
		redirectUri: pending.redirectUri,
		codeChallenge: pending.codeChallenge,
		codeChallengeMethod: pending.codeChallengeMethod,
		nonce: pending.nonce,
		mfa: user.mfaRequired === true,
	});
	return redirect(pending.redirectUri, { code, state: pending.state, session_state: randomUUID() }, pending.responseMode);
}

/** The Graph scopes the request names (for .default: everything the registration asks for). */
function requestedGraphScopes(deps: EntraDeps, pending: PendingAuthorization): string[] {
	const parsed = parseScopes(pending.scope);
	const app = deps.state().app(pending.appId);
	return parsed.graphDefault ? [...(app?.requiredScopes ?? [])] : parsed.graph;
}

function afterSignIn(deps: EntraDeps, tenant: string, ctxId: string, pending: PendingAuthorization, user: UserRecord): HttpReply {
	const app = deps.state().app(pending.appId);
	if (!app) return errorPage(deps, { code: 700016, text: AADSTS.unknownApp(pending.appId, tenant).description });
	if (pending.kind === 'adminconsent') {
		if (!user.isAdmin) return errorPage(deps, PAGE_ERRORS.notAdmin, 403);
		return consentForm(tenant, ctxId, app.application.displayName, [...app.requiredAppRoles.map((r) => `${r} (application)`), ...app.requiredScopes], user, true);
	}
	const wanted = requestedGraphScopes(deps, pending);
	const consented = [...app.grantedScopes, ...(app.userConsents[user.user.id] ?? [])];
	const missing = wanted.filter((s) => !hasAllScopes(consented, [s]));
	if (missing.length === 0 && pending.prompt !== 'consent') {
		deps.pending.delete(ctxId);
		return issueCode(deps, pending, user, wanted);
	}
	if (!user.isAdmin && missing.some(requiresAdminConsent)) return errorPage(deps, PAGE_ERRORS.needAdmin(app.application.displayName), 403);
	return consentForm(tenant, ctxId, app.application.displayName, missing.length > 0 ? missing : wanted, user, false);
}

export function authorizeEndpoint(deps: EntraDeps, tenant: string, method: 'GET' | 'POST', query: URLSearchParams, form: URLSearchParams): HttpReply {
	const state = deps.state();
	const resolved = resolveTenant(state, tenant);
	if (!resolved.ok) return errorPage(deps, { code: resolved.error.code, text: resolved.error.description });
	return method === 'GET' ? startAuthorization(deps, tenant, query) : continueAuthorization(deps, tenant, form);
}

function startAuthorization(deps: EntraDeps, tenant: string, query: URLSearchParams): HttpReply {
	const state = deps.state();
	const clientId = query.get('client_id');
	if (!clientId) return errorPage(deps, { code: 900144, text: "The request body must contain the following parameter: 'client_id'." });
	const app = state.app(clientId);
	if (!app) return errorPage(deps, { code: 700016, text: AADSTS.unknownApp(clientId, tenant).description });
	const redirectUri = query.get('redirect_uri') ?? app.redirectUris[0];
	if (!redirectUri || (app.redirectUris.length > 0 && !app.redirectUris.includes(redirectUri))) {
		return errorPage(deps, PAGE_ERRORS.redirectMismatch(redirectUri ?? '', app.application.appId));
	}
	const responseModeParam = query.get('response_mode');
	const responseMode = responseModeParam === 'form_post' || responseModeParam === 'fragment' ? responseModeParam : 'query';
	const pending: PendingAuthorization = {
		kind: 'authorize',
		appId: app.application.appId,
		redirectUri,
		scope: query.get('scope') ?? '',
		state: query.get('state') ?? undefined,
		responseMode,
		codeChallenge: query.get('code_challenge') ?? undefined,
		codeChallengeMethod: query.get('code_challenge') ? (query.get('code_challenge_method') ?? 'plain') : undefined,
		nonce: query.get('nonce') ?? undefined,
		loginHint: query.get('login_hint') ?? undefined,
		prompt: query.get('prompt') ?? undefined,
		expiresAtMs: Date.now() + PENDING_LIFETIME_MS,
	};
	const responseType = query.get('response_type');
	if (responseType !== 'code') {
		return errorRedirect(deps, pending, 'unsupported_response_type', { code: 700054, description: `response_type '${responseType ?? ''}' is not enabled for the application.` });
	}
	const parsed = parseScopes(pending.scope);
	if (!pending.scope || parsed.invalid) {
		return errorRedirect(deps, pending, 'invalid_scope', AADSTS.invalidScope(parsed.invalid ?? '', false));
	}
	if (pending.codeChallengeMethod && !['S256', 'plain'].includes(pending.codeChallengeMethod)) {
		return errorRedirect(deps, pending, 'invalid_request', { code: 50049, description: "Invalid code_challenge_method. Supported values are 'S256' and 'plain'." });
	}
	if (pending.prompt === 'none') {
		return errorRedirect(deps, pending, 'login_required', { code: 50058, description: 'A silent sign-in request was sent but no user is signed in.' });
	}
	const ctxId = randomUUID();
	deps.pending.set(ctxId, pending);
	return signInForm(tenant, ctxId, pending, deps);
}

function continueAuthorization(deps: EntraDeps, tenant: string, form: URLSearchParams): HttpReply {
	const ctxId = form.get('ctx') ?? '';
	const pending = deps.pending.get(ctxId);
	if (!pending || pending.expiresAtMs < Date.now()) {
		deps.pending.delete(ctxId);
		return errorPage(deps, { code: 50058, text: 'Your sign-in session has expired. Start the sign-in again from the application.' });
	}
	const state = deps.state();
	const step = form.get('step');

	if (step === 'credentials') {
		const login = (form.get('login') ?? '').trim();
		const user = state.user(login);
		if (!user) return signInForm(tenant, ctxId, pending, deps, PAGE_ERRORS.unknownUser(login, state.data.tenant.initialDomain), login);
		if (user.user.accountEnabled === false) return errorPage(deps, PAGE_ERRORS.disabled);
		if (!user.password || form.get('passwd') !== user.password) return signInForm(tenant, ctxId, pending, deps, PAGE_ERRORS.wrongPassword, login);
		pending.userId = user.user.id;
		if (user.mfaRequired) return mfaForm(tenant, ctxId);
		pending.mfaDone = true;
		return afterSignIn(deps, tenant, ctxId, pending, user);
	}

	const user = pending.userId ? state.user(pending.userId) : undefined;
	if (!user) return signInForm(tenant, ctxId, pending, deps);

	if (step === 'mfa') {
		if (form.get('otc') !== EMULATOR_MFA_CODE) return mfaForm(tenant, ctxId, PAGE_ERRORS.wrongMfaCode);
		pending.mfaDone = true;
		return afterSignIn(deps, tenant, ctxId, pending, user);
	}
	if (!pending.mfaDone) return mfaForm(tenant, ctxId);

	if (step === 'consent') {
		deps.pending.delete(ctxId);
		const app = state.app(pending.appId);
		if (!app) return errorPage(deps, { code: 700016, text: AADSTS.unknownApp(pending.appId, tenant).description });
		if (form.get('accept') !== 'yes') {
			const declined = { code: 65004, description: 'User declined to consent to access the app.' };
			return pending.kind === 'adminconsent'
				? errorRedirect(deps, pending, 'access_denied', declined, { admin_consent: 'False' })
				: errorRedirect(deps, pending, 'access_denied', declined, { error_subcode: 'cancel' });
		}
		if (pending.kind === 'adminconsent') {
			state.grantAppRoles(app.application.appId);
			state.grantScopes(app.application.appId);
			const v2Scope = pending.scope ? { scope: pending.scope } : {};
			return redirect(pending.redirectUri, { admin_consent: 'True', tenant: state.tenantId, state: pending.state, ...v2Scope }, 'query');
		}
		const wanted = requestedGraphScopes(deps, pending);
		if (form.get('consent_org') === '1' && user.isAdmin) state.grantScopes(app.application.appId, wanted);
		else app.userConsents[user.user.id] = [...new Set([...(app.userConsents[user.user.id] ?? []), ...wanted])];
		return issueCode(deps, pending, user, wanted);
	}
	return signInForm(tenant, ctxId, pending, deps);
}

export function adminConsentEndpoint(deps: EntraDeps, tenant: string, query: URLSearchParams, v2: boolean): HttpReply {
	const state = deps.state();
	const resolved = resolveTenant(state, tenant);
	if (!resolved.ok) return errorPage(deps, { code: resolved.error.code, text: resolved.error.description });
	const clientId = query.get('client_id');
	if (!clientId) return errorPage(deps, { code: 900144, text: "The request body must contain the following parameter: 'client_id'." });
	const app = state.app(clientId);
	if (!app) return errorPage(deps, { code: 700016, text: AADSTS.unknownApp(clientId, tenant).description });
	if (!query.get('redirect_uri') && deps.rules.enabled(ADMIN_CONSENT_REDIRECT_RULE)) {
		return errorPage(deps, { code: 900144, text: "The request body must contain the following parameter: 'redirect_uri'." });
	}
	const redirectUri = query.get('redirect_uri') ?? app.redirectUris[0];
	if (!redirectUri || (app.redirectUris.length > 0 && !app.redirectUris.includes(redirectUri))) {
		return errorPage(deps, PAGE_ERRORS.redirectMismatch(redirectUri ?? '', app.application.appId));
	}
	const pending: PendingAuthorization = {
		kind: 'adminconsent',
		appId: app.application.appId,
		redirectUri,
		scope: v2 ? (query.get('scope') ?? 'https://graph.microsoft.com/.default') : '',
		state: query.get('state') ?? undefined,
		responseMode: 'query',
		expiresAtMs: Date.now() + PENDING_LIFETIME_MS,
	};
	const ctxId = randomUUID();
	deps.pending.set(ctxId, pending);
	return signInForm(tenant, ctxId, pending, deps);
}

export function logoutEndpoint(query: URLSearchParams): HttpReply {
	const target = query.get('post_logout_redirect_uri');
	if (target) return { status: 302, headers: { Location: target } };
	return page('Signed out', '<h1>You signed out of your account</h1>');
}
