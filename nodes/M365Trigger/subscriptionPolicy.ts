// How long subscriptions live and when to renew them. Pure, so the rules are tested without Graph.
// Max lifetimes are Graph's current ones (learn.microsoft.com/graph/api/resources/subscription, "Subscription
// lifetime"): Outlook messages under 7 days, Teams chat/channel messages and presence under 3 days.
import type { TargetKind } from './targets';

const MINUTE_MS = 60_000;

export const MAX_LIFETIME_MINUTES: Record<TargetKind, number> = {
	mail: 10080,
	channelMessages: 4320,
	allChannelMessages: 4320,
	chatMessages: 4320,
	userChatMessages: 4320,
	allChatMessages: 4320,
	presence: 4320,
};

/** Kept off Graph's maximum so clock skew between n8n and Graph never turns a renewal into a 400. */
export const LIFETIME_SAFETY_MARGIN_MINUTES = 15;

/** Graph refuses an expiry more than this far out without a lifecycleNotificationUrl on Teams and presence resources. */
export const LIFECYCLE_URL_REQUIRED_ABOVE_MINUTES = 60;

export function lifetimeMinutes(kind: TargetKind): number {
	return MAX_LIFETIME_MINUTES[kind] - LIFETIME_SAFETY_MARGIN_MINUTES;
}

/** The expirationDateTime to ask for when creating or renewing now. */
export function expirationFor(kind: TargetKind, now: Date): string {
	return new Date(now.getTime() + lifetimeMinutes(kind) * MINUTE_MS).toISOString();
}

/**
 * Whether a subscription should be renewed now. Renewing when less than half the lifetime is left means a
 * subscription is renewed long before it expires by any of the paths that call this (activation, every n8n start,
 * every notification, every lifecycle event), and that a busy subscription is not renewed on every notification.
 */
export function renewalDue(kind: TargetKind, expirationDateTime: string | undefined, now: Date): boolean {
	if (!expirationDateTime) return true;
	const expiresMs = Date.parse(expirationDateTime);
	if (Number.isNaN(expiresMs)) return true;
	const remainingMinutes = (expiresMs - now.getTime()) / MINUTE_MS;
	return remainingMinutes < lifetimeMinutes(kind) / 2;
}

export function hasExpired(expirationDateTime: string | undefined, now: Date): boolean {
	if (!expirationDateTime) return true;
	const expiresMs = Date.parse(expirationDateTime);
	return Number.isNaN(expiresMs) || expiresMs <= now.getTime();
}

/**
 * Graph delivers notifications only to HTTPS URLs. Returns a message for the user when the URL cannot work, so the
 * node fails at activation with a fix instead of Graph's 400.
 */
export function notificationUrlProblem(url: string): string | undefined {
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		return `The webhook URL "${url}" is not a valid URL. Set WEBHOOK_URL for this n8n instance to its public HTTPS address.`;
	}
	if (parsed.protocol !== 'https:') {
		return `Microsoft Graph delivers change notifications only to HTTPS URLs, and this n8n's webhook URL is "${url}". Set WEBHOOK_URL to a public HTTPS address that Microsoft can reach, or use the "Microsoft 365 Polling Trigger" node, which needs no public URL.`;
	}
	return undefined;
}
