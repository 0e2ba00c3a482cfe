import type { Message, Recipient } from '@microsoft/microsoft-graph-types';
import type { IDataObject } from 'n8n-workflow';

import { dedupKeyOf, mailTargetKey } from '../shared/triggerDedupKey';
import type { FolderTarget } from './targets';

/** The mailbox and folder a message came from, on every output item. */
export interface MessageOrigin {
	/** The mailbox as configured (UPN, address or object id; `me` for the integration account's own). */
	mailbox: string;
	/** The folder as configured or discovered (well-known name, path or id). */
	folder: string;
}

/** Fields requested from Graph for the simplified output (and what the filters need). */
export const SIMPLE_SELECT = [
	'id',
	'subject',
	'from',
	'sender',
	'toRecipients',
	'ccRecipients',
	'replyTo',
	'receivedDateTime',
	'sentDateTime',
	'bodyPreview',
	'isRead',
	'hasAttachments',
	'importance',
	'internetMessageId',
	'conversationId',
	'parentFolderId',
	'webLink',
	'categories',
	'flag',
].join(',');

function address(recipient: Recipient | null | undefined): IDataObject | null {
	if (!recipient?.emailAddress) return null;
	return { name: recipient.emailAddress.name ?? null, address: recipient.emailAddress.address ?? null };
}

function addresses(recipients: Recipient[] | null | undefined): IDataObject[] {
	return (recipients ?? []).map(address).filter((entry): entry is IDataObject => entry !== null);
}

/** A flat, stable item a workflow can use without knowing Graph's message shape. */
export function simplifyMessage(message: Message, origin: MessageOrigin): IDataObject {
	return {
		id: message.id ?? null,
		mailbox: origin.mailbox,
		folder: origin.folder,
		receivedDateTime: message.receivedDateTime ?? null,
		sentDateTime: message.sentDateTime ?? null,
		subject: message.subject ?? '',
		from: address(message.from),
		sender: address(message.sender),
		to: addresses(message.toRecipients),
		cc: addresses(message.ccRecipients),
		replyTo: addresses(message.replyTo),
		bodyPreview: message.bodyPreview ?? null,
		isRead: message.isRead ?? null,
		hasAttachments: message.hasAttachments ?? false,
		importance: message.importance ?? null,
		categories: message.categories ?? [],
		flagStatus: message.flag?.flagStatus ?? null,
		internetMessageId: message.internetMessageId ?? null,
		conversationId: message.conversationId ?? null,
		parentFolderId: message.parentFolderId ?? null,
		webLink: message.webLink ?? null,
	};
}

/** Graph's message as it came, with the origin added (and delta's @odata annotations left out). */
export function rawMessage(message: Message, origin: MessageOrigin): IDataObject {
	const copy: IDataObject = {};
	for (const [key, value] of Object.entries(message)) {
		if (key.startsWith('@odata.')) continue;
		copy[key] = value as IDataObject[keyof IDataObject];
	}
	return { ...copy, mailbox: origin.mailbox, folder: origin.folder };
}

/**
 * `trigger` on every item: `dedupKey`, the key n8n's Remove Duplicates node deduplicates on, built as the Microsoft
 * 365 Trigger builds it for mail (nodes/shared/triggerDedupKey.ts): the mailbox as configured and the folder as
 * Graph names it (a well-known name or the folder's id, which a rename does not change), `created` (delta here
 * reports creations only) and Graph's message id. So a repeat after a restart, another activation of the workflow
 * or another n8n main carries the same key, and each message another one.
 */
export function mailTriggerInfo(target: FolderTarget, message: Message & { id: string }): { dedupKey: string } {
	return { dedupKey: dedupKeyOf(mailTargetKey(target.mailbox, target.folder.segment), 'created', message.id) };
}
