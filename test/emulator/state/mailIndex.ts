// Mail as Exchange indexes it: each mailbox's messages by folder (in arrival order) and, per folder, by
// receivedDateTime, so a folder listing or a delta round costs what the folder holds and a time-window filter
// (`receivedDateTime ge X`) what the window holds, not the mailbox or the tenant.
//
// TenantState keeps it current through its mail mutations. A mailbox whose message list changed length behind its
// back (messages pushed straight into a seed) is re-read on the next lookup.
import type { GraphMessage, MailboxRecord } from './types';

interface FolderView {
	/** Arrival order, as mailbox.messages holds them. */
	messages: GraphMessage[];
	/** By receivedDateTime (ties in arrival order); built on first use. */
	byReceived?: GraphMessage[];
}

interface MailboxView {
	length: number;
	folders: Map<string, FolderView>;
}

/** The instant (ms); a message without one sorts first. Instants, not strings: '...00Z' and '...00.500Z' differ in format. */
const received = (message: GraphMessage): number => {
	const ms = Date.parse(message.receivedDateTime ?? '');
	return Number.isNaN(ms) ? -Infinity : ms;
};

/** First index whose receivedDateTime is >= (or > when `after`) the bound. */
function lowerBound(sorted: GraphMessage[], bound: number, after: boolean): number {
	let low = 0;
	let high = sorted.length;
	while (low < high) {
		const middle = (low + high) >>> 1;
		const value = received(sorted[middle]);
		if (value < bound || (after && value === bound)) low = middle + 1;
		else high = middle;
	}
	return low;
}

export class MailIndex {
	private readonly views = new WeakMap<MailboxRecord, MailboxView>();

	/** The folder's messages in arrival order (do not mutate). */
	inFolder(mailbox: MailboxRecord, folderId: string): GraphMessage[] {
		return this.folder(mailbox, folderId).messages;
	}

	/**
	 * The folder's messages received at or after `from` (epoch ms; after it when `exclusive`), by receivedDateTime,
	 * equal times in arrival order.
	 */
	receivedFrom(mailbox: MailboxRecord, folderId: string, from: number, exclusive: boolean): GraphMessage[] {
		const view = this.folder(mailbox, folderId);
		view.byReceived ??= [...view.messages].sort((a, b) => received(a) - received(b));
		return view.byReceived.slice(lowerBound(view.byReceived, from, exclusive));
	}

	added(mailbox: MailboxRecord, message: GraphMessage): void {
		const view = this.views.get(mailbox);
		if (!view) return;
		if (view.length !== mailbox.messages.length - 1) {
			this.views.delete(mailbox);
			return;
		}
		view.length = mailbox.messages.length;
		const folder = view.folders.get(message.parentFolderId);
		if (!folder) return;
		folder.messages.push(message);
		if (folder.byReceived) folder.byReceived.splice(lowerBound(folder.byReceived, received(message), true), 0, message);
	}

	/** After a move, a delete or a change of receivedDateTime: the mailbox is re-read on next use. */
	changed(mailbox: MailboxRecord): void {
		this.views.delete(mailbox);
	}

	private folder(mailbox: MailboxRecord, folderId: string): FolderView {
		let view = this.views.get(mailbox);
		if (!view || view.length !== mailbox.messages.length) {
			view = { length: mailbox.messages.length, folders: new Map() };
			this.views.set(mailbox, view);
		}
		let folder = view.folders.get(folderId);
		if (!folder) {
			folder = { messages: mailbox.messages.filter((m) => m.parentFolderId === folderId) };
			view.folders.set(folderId, folder);
		}
		return folder;
	}
}
