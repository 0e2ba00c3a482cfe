/**
 * Email addresses as the guest sync sees them: trimmed, lower-cased, and checked against the rules
 * `POST /invitations` applies to `invitedUserEmailAddress` (Graph's invitation resource: no ~ ! # $ % ^ & * ( ) + = [ ] { }
 * \ / | ; : " ' < > ? , in the user name; a period or hyphen anywhere except at the start or end of the user name; an
 * underscore anywhere). Checking here turns a doomed invitation into a per-item result before any Graph call.
 */

export type EmailCheck = { ok: true; email: string } | { ok: false; reason: string };

const FORBIDDEN_IN_USER_NAME = /[~!#$%^&*()+=[\]{}\\/|;:"'<>?,\s]/;
const DOMAIN_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export function checkEmail(raw: unknown): EmailCheck {
	if (typeof raw !== 'string' || raw.trim() === '') {
		return { ok: false, reason: 'The email is empty: map the Email field to the column holding the address' };
	}
	const email = raw.trim().toLowerCase();
	const at = email.lastIndexOf('@');
	if (at <= 0 || at === email.length - 1 || email.indexOf('@') !== at) {
		return { ok: false, reason: `"${email}" is not an email address (it needs exactly one @ with text on both sides)` };
	}
	const userName = email.slice(0, at);
	const domain = email.slice(at + 1);
	if (FORBIDDEN_IN_USER_NAME.test(userName)) {
		return {
			ok: false,
			reason: `"${email}" contains a character Microsoft Entra does not accept in an invited address (~ ! # $ % ^ & * ( ) + = [ ] { } \\ / | ; : " ' < > ? , or a space)`,
		};
	}
	if (/^[.-]|[.-]$/.test(userName) || userName.includes('..')) {
		return {
			ok: false,
			reason: `"${email}" has a period or hyphen at the start or end of the user name, or two periods in a row`,
		};
	}
	const labels = domain.split('.');
	if (labels.length < 2 || !labels.every((label) => DOMAIN_LABEL.test(label)) || /^\d+$/.test(labels[labels.length - 1])) {
		return { ok: false, reason: `"${email}" does not have a valid domain after the @` };
	}
	return { ok: true, email };
}

/** OData string literal: single quotes doubled (Graph's rule for `'` inside a quoted value). */
export function odataString(value: string): string {
	return `'${value.replace(/'/g, "''")}'`;
}
