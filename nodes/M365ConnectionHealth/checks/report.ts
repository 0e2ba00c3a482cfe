/**
 * One line of the health report. Each check gives a status and, unless it is ok, the fix.
 */
import type { IDataObject } from 'n8n-workflow';

export type CheckStatus = 'ok' | 'warning' | 'error';

export interface CheckResult extends IDataObject {
	credential: 'tenantApp' | 'integrationAccount';
	check: string;
	status: CheckStatus;
	message: string;
	fix: string | null;
	details: IDataObject;
}

export function check(
	credential: CheckResult['credential'],
	name: string,
	status: CheckStatus,
	message: string,
	fix: string | null = null,
	details: IDataObject = {},
): CheckResult {
	return { credential, check: name, status, message, fix, details };
}

const DAY_MS = 86_400_000;

export function daysBetween(from: number, to: number): number {
	return Math.floor((to - from) / DAY_MS);
}

/** Status of something that expires: error when expired, warning inside the threshold, ok otherwise. */
export function expiryStatus(endDateTime: string, now: number, warningDays: number): { status: CheckStatus; daysLeft: number } {
	const daysLeft = Math.floor((Date.parse(endDateTime) - now) / DAY_MS);
	if (Number.isNaN(daysLeft)) return { status: 'warning', daysLeft: Number.NaN };
	if (daysLeft < 0) return { status: 'error', daysLeft };
	return { status: daysLeft <= warningDays ? 'warning' : 'ok', daysLeft };
}
