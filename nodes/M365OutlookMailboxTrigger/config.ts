import type { IDataObject, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { chosenCredential } from '../shared/descriptions/credentials';
import { parseMailboxReference } from '../shared/descriptions/mailbox';
import { readTimeField } from '../shared/time';
import { INTEGRATION_ACCOUNT_CREDENTIAL, TENANT_APP_CREDENTIAL } from '../shared/transport/types';
import type { StartPolicy } from './cursor';
import { parseAddressList, type MessageFilters } from './filters';

export interface TriggerConfig {
	credentialType: typeof TENANT_APP_CREDENTIAL | typeof INTEGRATION_ACCOUNT_CREDENTIAL;
	appOnly: boolean;
	scope: 'list' | 'all';
	/** Listed mailboxes (scope 'list'), in the order given. */
	mailboxes: string[];
	include: string[];
	exclude: string[];
	/** Well-known folder names. */
	folders: string[];
	/** Folder paths from the mailbox root, segments split. */
	folderPaths: string[][];
	includeChildFolders: boolean;
	start: StartPolicy;
	maxItemsPerPoll: number;
	filters: MessageFilters;
	output: 'simple' | 'raw';
	downloadAttachments: boolean;
	attachmentPrefix: string;
}

interface MailboxEntry {
	mailbox?: { value?: unknown } | string;
}

function locatorValue(entry: MailboxEntry): string {
	const raw = entry.mailbox;
	if (typeof raw === 'string') return raw;
	return typeof raw?.value === 'string' ? raw.value : '';
}

/** Reads and checks the node's parameters; bad input fails with the field's name and the fix. */
/** Backfill From: at most 20 years back (Backfill Days allows 10), and not in the future (a day's grace). */
const BACKFILL_MAX_PAST_MS = 20 * 366 * 86_400_000;
const BACKFILL_MAX_FUTURE_MS = 86_400_000;

export function readConfig(context: IPollFunctions): TriggerConfig {
	const node = context.getNode();
	const credentialType = chosenCredential(context.getNodeParameter('authentication', TENANT_APP_CREDENTIAL));
	const appOnly = credentialType === TENANT_APP_CREDENTIAL;
	const scope = appOnly && context.getNodeParameter('mailboxScope', 'list') === 'all' ? 'all' : 'list';

	const mailboxes: string[] = [];
	const listed = new Set<string>();
	if (scope === 'list') {
		const collection = context.getNodeParameter('mailboxes', {}) as { mailbox?: MailboxEntry[] };
		for (const entry of collection.mailbox ?? []) {
			const value = locatorValue(entry);
			const reference = parseMailboxReference(value);
			if (!reference || (reference === 'me' && appOnly)) {
				throw new NodeOperationError(node, `'${value}' in 'Mailboxes' is not a mailbox`, {
					description: appOnly
						? 'Give an address such as support@contoso.com or an object ID, or pick the mailbox from the list.'
						: 'Give an address, an object ID or "me", or pick the mailbox from the list.',
				});
			}
			// A Set, not a scan of the list so far: 5,000 mailboxes would be 12.5 million comparisons per poll.
			const key = reference.toLowerCase();
			if (!listed.has(key)) {
				listed.add(key);
				mailboxes.push(reference);
			}
		}
		if (mailboxes.length === 0) {
			if (appOnly) {
				throw new NodeOperationError(node, "No mailbox in 'Mailboxes'", {
					description: 'Add at least one mailbox, or set Watch to "All Mailboxes of the Organisation".',
				});
			}
			mailboxes.push('me');
		}
	}

	const folders = (context.getNodeParameter('folders', ['inbox']) as string[]).map((name) => name.toLowerCase());
	const folderPaths = String(context.getNodeParameter('folderPaths', '') ?? '')
		.split(',')
		.map((path) =>
			path
				.split('/')
				.map((segment) => segment.trim())
				.filter((segment) => segment.length > 0),
		)
		.filter((segments) => segments.length > 0);
	if (folders.length === 0 && folderPaths.length === 0) {
		throw new NodeOperationError(node, "No folder in 'Folders' or 'Other Folders'", {
			description: 'Pick Inbox (the default) or another folder to watch.',
		});
	}

	const startFrom = context.getNodeParameter('startFrom', 'now') as string;
	let start: StartPolicy = { kind: 'now' };
	if (startFrom === 'date') {
		// n8n's date picker gives a time without an offset: it is in the workflow's time zone, not the server's.
		const from = readTimeField(node, context.getNodeParameter('backfillDate', ''), "'Backfill From'", {
			timezone: context.getTimezone(),
			now: Date.now(),
			maxPastMs: BACKFILL_MAX_PAST_MS,
			maxFutureMs: BACKFILL_MAX_FUTURE_MS,
			hint: 'Pick the date from which existing mail should be delivered, e.g. 2026-01-01.',
		});
		if (from === undefined) {
			throw new NodeOperationError(node, "'Backfill From' is not a date", {
				description: 'Pick the date from which existing mail should be delivered, e.g. 2026-01-01.',
			});
		}
		start = { kind: 'date', from: new Date(from).toISOString() };
	} else if (startFrom === 'days') {
		const days = Number(context.getNodeParameter('backfillDays', 7));
		if (!Number.isFinite(days) || days < 1) {
			throw new NodeOperationError(node, "'Backfill Days' must be 1 or more", {
				description: 'Give how many days of existing mail should be delivered.',
			});
		}
		start = { kind: 'days', days };
	}

	const filters = context.getNodeParameter('filters', {}) as IDataObject;
	const options = context.getNodeParameter('options', {}) as IDataObject;
	const maxItemsPerPoll = Math.max(1, Math.floor(Number(context.getNodeParameter('maxItemsPerPoll', 200)) || 200));

	return {
		credentialType,
		appOnly,
		scope,
		mailboxes,
		include: scope === 'all' ? parseAddressList(context.getNodeParameter('includeMailboxes', '')) : [],
		exclude: scope === 'all' ? parseAddressList(context.getNodeParameter('excludeMailboxes', '')) : [],
		folders: [...new Set(folders)],
		folderPaths,
		includeChildFolders: context.getNodeParameter('includeChildFolders', false) === true,
		start,
		maxItemsPerPoll,
		filters: {
			unreadOnly: filters.unreadOnly === true,
			hasAttachments: filters.hasAttachments === true,
			from: parseAddressList(filters.from),
			subjectContains: typeof filters.subjectContains === 'string' ? filters.subjectContains.trim() : undefined,
		},
		output: context.getNodeParameter('output', 'simple') === 'raw' ? 'raw' : 'simple',
		downloadAttachments: options.downloadAttachments === true,
		attachmentPrefix: typeof options.attachmentPrefix === 'string' && options.attachmentPrefix ? options.attachmentPrefix : 'attachment_',
	};
}
