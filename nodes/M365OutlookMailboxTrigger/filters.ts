import type { Message } from '@microsoft/microsoft-graph-types';

/**
 * The trigger's message filters. Graph's delta query accepts no filter but receivedDateTime, so these run on
 * each message after it was fetched: a message that does not pass is consumed (the cursor moves past it) and not
 * emitted.
 */
export interface MessageFilters {
	unreadOnly?: boolean;
	/** Sender addresses, compared case-insensitively; empty means any sender. */
	from?: string[];
	/** Case-insensitive substring of the subject. */
	subjectContains?: string;
	hasAttachments?: boolean;
}

/** Splits a comma-, semicolon- or newline-separated list of addresses and drops blanks. */
export function parseAddressList(raw: unknown): string[] {
	if (typeof raw !== 'string') return [];
	return raw
		.split(/[,;\n]/)
		.map((address) => address.trim().toLowerCase())
		.filter((address) => address.length > 0);
}

export function passesFilters(message: Message, filters: MessageFilters): boolean {
	if (filters.unreadOnly && message.isRead === true) return false;
	if (filters.hasAttachments && message.hasAttachments !== true) return false;
	if (filters.from && filters.from.length > 0) {
		const sender = (message.from?.emailAddress?.address ?? message.sender?.emailAddress?.address ?? '').toLowerCase();
		if (!filters.from.includes(sender)) return false;
	}
	if (filters.subjectContains) {
		const needle = filters.subjectContains.toLowerCase();
		if (!(message.subject ?? '').toLowerCase().includes(needle)) return false;
	}
	return true;
}
