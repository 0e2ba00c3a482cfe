// What the Entra (login host) handlers need from the emulator.
import type { Clock } from '../clock';
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
}

/** The verification code the emulator's MFA prompt accepts for users with mfaRequired. */
export const EMULATOR_MFA_CODE = '123456';
