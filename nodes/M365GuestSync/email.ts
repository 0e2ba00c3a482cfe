/**
 * Email addresses as the guest sync sees them: Unicode-normalised (NFC), trimmed, lower-cased, the domain converted
 * to ASCII (IDNA, as browsers and mail systems do), and checked against the rules `POST /invitations` applies to
 * `invitedUserEmailAddress` (Graph's invitation resource: no ~ ! # $ % ^ & * ( ) + = [ ] { } \ / | ; : " ' < > ? ,
 * in the user name; a period or hyphen anywhere except at the start or end of the user name; an underscore anywhere).
 * Checking here turns a doomed invitation into a per-item result before any Graph call.
 *
 * The same normalisation is applied to every address read from the directory (`normalizeAddress`), so an input in
 * decomposed form (NFD, as macOS file names and some exports give it) or with a Unicode domain meets the guest Entra
 * holds for the same person instead of planning an invitation for one and a removal for the other.
 */

import { domainToUnicode } from 'node:url';

export type EmailCheck = { ok: true; email: string } | { ok: false; reason: string };

const FORBIDDEN_IN_USER_NAME = /[~!#$%^&*()+=[\]{}\\/|;:"'<>?,\s]/;
const DOMAIN_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** The domain in ASCII (`bücher.example` → `xn--bcher-kva.example`), or undefined when it is not a domain name. */
export function domainToAscii(domain: string): string | undefined {
	if (domain === '' || /[\s/\\?#@:[\]%]/.test(domain)) return undefined;
	// The WHATWG URL parser applies UTS #46 (IDNA) processing: mapping, NFC, Punycode.
	try {
		return new URL(`http://${domain}`).hostname;
	} catch {
		return undefined;
	}
}

/**
 * An address as compared everywhere in the sync: NFC, trimmed, lower-cased, the domain in ASCII. Addresses that do not
 * parse are returned NFC-normalised and lower-cased, so they still compare equal to themselves.
 */
export function normalizeAddress(raw: string): string {
	const address = raw.normalize('NFC').trim().toLowerCase();
	const at = address.lastIndexOf('@');
	if (at <= 0 || at === address.length - 1) return address;
	const domain = domainToAscii(address.slice(at + 1));
	return domain === undefined ? address : `${address.slice(0, at)}@${domain}`;
}

export function checkEmail(raw: unknown): EmailCheck {
	if (typeof raw !== 'string' || raw.trim() === '') {
		return { ok: false, reason: 'The email is empty: map the Email field to the column holding the address' };
	}
	const shown = raw.normalize('NFC').trim().toLowerCase();
	const at = shown.lastIndexOf('@');
	if (at <= 0 || at === shown.length - 1 || shown.indexOf('@') !== at) {
		return { ok: false, reason: `"${shown}" is not an email address (it needs exactly one @ with text on both sides)` };
	}
	const userName = shown.slice(0, at);
	if (FORBIDDEN_IN_USER_NAME.test(userName)) {
		return {
			ok: false,
			reason: `"${shown}" contains a character Microsoft Entra does not accept in an invited address (~ ! # $ % ^ & * ( ) + = [ ] { } \\ / | ; : " ' < > ? , or a space)`,
		};
	}
	if (/^[.-]|[.-]$/.test(userName) || userName.includes('..')) {
		return {
			ok: false,
			reason: `"${shown}" has a period or hyphen at the start or end of the user name, or two periods in a row`,
		};
	}
	const domain = domainToAscii(shown.slice(at + 1));
	const labels = domain?.split('.') ?? [];
	if (
		domain === undefined ||
		labels.length < 2 ||
		!labels.every((label) => DOMAIN_LABEL.test(label)) ||
		/^\d+$/.test(labels[labels.length - 1])
	) {
		return { ok: false, reason: `"${shown}" does not have a valid domain after the @` };
	}
	return { ok: true, email: `${userName}@${domain}` };
}

/**
 * The forms an address may be stored in by Entra: as given, and for an internationalised domain also with the domain in
 * Unicode (NFC). Lookups ask for both, since Microsoft does not document which form `mail` and `otherMails` keep.
 */
export function storedForms(email: string): string[] {
	const at = email.lastIndexOf('@');
	const domain = email.slice(at + 1);
	if (at <= 0 || !domain.split('.').some((label) => label.startsWith('xn--'))) return [email];
	const unicode = domainToUnicode(domain).normalize('NFC');
	return unicode === '' || unicode === domain ? [email] : [email, `${email.slice(0, at)}@${unicode}`];
}
