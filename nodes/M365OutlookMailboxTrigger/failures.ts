/**
 * What a failed Graph answer for one mailbox folder means for the trigger, and the message a user sees.
 * Pure: the poll decides from the kind whether to resync, skip the mailbox this time, or stop with the message.
 */
import { mailboxScopeFix, mailboxScopeRefusal } from '../shared/mailboxScope';

export type FailureKind = 'resync' | 'consent' | 'accessPolicy' | 'notFound' | 'other';

export interface GraphFailure {
	status: number;
	code?: string;
	message?: string;
}

export interface FailureContext {
	mailbox: string;
	folder: string;
	/** App-only (tenant app) or delegated (integration account). */
	appOnly: boolean;
	/** https://{loginHost}/{tenant}/adminconsent?client_id={clientId}, for app-only credentials. */
	adminConsentUrl?: string;
}

export interface ClassifiedFailure {
	kind: FailureKind;
	message: string;
	description?: string;
}

const RESYNC_CODES = new Set(['syncstatenotfound', 'syncstateinvalid', 'resyncrequired', 'invaliddeltatoken']);
const NOT_FOUND_CODES = new Set([
	'erroritemnotfound',
	'resourcenotfound',
	'request_resourcenotfound',
	'mailboxnotenabledforrestapi',
	'mailboxnotsupportedforrestapi',
	'errorinvaliduser',
	'errornonexistentmailbox',
]);

/** A mailbox outside the app's Exchange scope (RBAC for Applications, or a legacy application access policy). */
export function isAccessPolicyRefusal(failure: GraphFailure): boolean {
	return mailboxScopeRefusal(failure) !== undefined;
}

export function classifyFailure(failure: GraphFailure, context: FailureContext): ClassifiedFailure {
	const code = (failure.code ?? '').toLowerCase();
	const where = `mailbox "${context.mailbox}" (folder "${context.folder}")`;
	if (failure.status === 410 || RESYNC_CODES.has(code)) {
		return { kind: 'resync', message: `Graph no longer knows the sync state of ${where}; resynchronising` };
	}
	const scope = mailboxScopeRefusal(failure);
	if (scope) {
		return {
			kind: 'accessPolicy',
			message: `Mailbox "${context.mailbox}" is outside this app's scope (${scope === 'rbacForApplications' ? 'Exchange RBAC for Applications' : 'Exchange application access policy'})`,
			description: `Graph answered: ${failure.code ?? ''} ${failure.message ?? 'Access denied'}. ${mailboxScopeFix(context.mailbox, scope)}`,
		};
	}
	if (failure.status === 401 || failure.status === 403) {
		if (context.appOnly) {
			return {
				kind: 'consent',
				message: 'Admin consent is missing: the app may not read mail in this tenant',
				description:
					'The app registration needs the Microsoft Graph application permission Mail.Read (or Mail.ReadBasic.All ' +
					'without bodies and attachments), granted by an administrator. ' +
					(context.adminConsentUrl
						? `An administrator can grant it here: ${context.adminConsentUrl}`
						: 'An administrator grants it under API permissions > Grant admin consent.') +
					` (Graph answered ${failure.status} ${failure.code ?? ''}: ${failure.message ?? ''} for ${where}.)`,
			};
		}
		return {
			kind: 'consent',
			message: `The integration account may not read ${where}`,
			description:
				'For its own mailbox the account needs the delegated permission Mail.Read; for a shared or delegated mailbox ' +
				'Mail.Read.Shared and Full Access (or Read) permission on that mailbox in Exchange. ' +
				`(Graph answered ${failure.status} ${failure.code ?? ''}: ${failure.message ?? ''}.)`,
		};
	}
	if (failure.status === 404 || NOT_FOUND_CODES.has(code)) {
		return {
			kind: 'notFound',
			message: `Mailbox "${context.mailbox}" or its folder "${context.folder}" was not found`,
			description:
				'Check the address or id, that the mailbox is in Exchange Online (not on-premises), and that the folder exists. ' +
				`(Graph answered ${failure.status} ${failure.code ?? ''}: ${failure.message ?? ''}.)`,
		};
	}
	return {
		kind: 'other',
		message: `Reading ${where} failed: ${failure.status} ${failure.code ?? ''}`.trim(),
		description: failure.message,
	};
}
