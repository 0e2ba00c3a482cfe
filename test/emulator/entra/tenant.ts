// The {tenant} path segment: our tenant's GUID or a verified domain; `common`/`organizations` for interactive
// flows; anything else is AADSTS90002 (well-formed, unknown) or AADSTS900023 (malformed).
import type { TenantState } from '../state/tenantState';
import { AADSTS, type AadstsError } from './errors';

export type TenantResolution = { ok: true; multiTenant: boolean } | { ok: false; error: AadstsError };

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DNS_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

export function resolveTenant(state: TenantState, segment: string, errorName = 'invalid_request'): TenantResolution {
	if (state.matchesTenant(segment)) return { ok: true, multiTenant: false };
	const lower = segment.toLowerCase();
	if (lower === 'common' || lower === 'organizations') return { ok: true, multiTenant: true };
	if (GUID.test(segment) || DNS_NAME.test(segment)) return { ok: false, error: AADSTS.unknownTenant(segment, errorName) };
	return { ok: false, error: AADSTS.malformedTenant(segment, errorName) };
}
