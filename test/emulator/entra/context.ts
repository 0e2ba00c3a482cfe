// What the Entra (login host) handlers need from the emulator.
import type { Clock } from '../clock';
import type { RulesControl } from '../rules';
import type { TenantState } from '../state/tenantState';
import type { TokenService } from '../tokens';

export interface PendingAuthorization {
	kind: 'authorize' | 'adminconsent';
	appId: string;
	redirectUri: string;
	scope: string;
	state?: string;
	responseMode: 'query' | 'fragment' | 'form_post';
	codeChallenge?: string;
	codeChallengeMethod?: string;
	nonce?: string;
	loginHint?: string;
	prompt?: string;
	/** Set once the user passed the password (and MFA) steps. */
	userId?: string;
	mfaDone?: boolean;
	expiresAtMs: number;
}

export interface EntraDeps {
	state: () => TenantState;
	clock: Clock;
	tokens: TokenService;
	loginUrl: () => string;
	graphUrl: () => string;
	graphHost: () => string;
	/** Sign-in sessions in progress (the authorize page's hidden `ctx` field points here). */
	pending: Map<string, PendingAuthorization>;
	/** Microsoft's tenant rules (rules.ts). */
	rules: RulesControl;
}

/** /adminconsent without redirect_uri: refused, as Microsoft documents the parameter as required (v2-admin-consent). */
export const ADMIN_CONSENT_REDIRECT_RULE = 'adminConsentRedirectRequired';

/** The verification code the emulator's MFA prompt accepts for users with mfaRequired. */
export const EMULATOR_MFA_CODE = '123456';
