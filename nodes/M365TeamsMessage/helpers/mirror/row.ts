/**
 * The mapping between a message elsewhere (Slack, a contact-centre chat, ...) and the Teams message that mirrors
 * it: one row per message, kept in an n8n Data table by the workflow (a community node cannot open Data tables
 * itself), looked up before the Mirror operation and upserted after it. The columns are defined here once and
 * documented in docs/nodes/M365TeamsMessage.md ("Mirror: the mapping table").
 */
import { createHash } from 'crypto';

import type { IDataObject } from 'n8n-workflow';

/** Where the message was first written: elsewhere (mirrored into Teams) or in Teams (mirrored out). */
export type MirrorOrigin = 'outside' | 'teams';
/** Who the Teams message is from: the sender's own credential, the integration account for them, a Teams user. */
export type MirrorPostedAs = 'sender' | 'integrationAccount' | 'teamsUser';

export interface MirrorRow {
	platform: string;
	outsideId: string;
	outsideThreadId: string;
	teamsMessageId: string;
	/** Channels: the thread's root message id when the Teams message is a reply, else ''. Chats: ''. */
	teamsThreadId: string;
	teamId: string;
	channelId: string;
	chatId: string;
	origin: MirrorOrigin;
	postedAs: MirrorPostedAs;
	/** Entra user id of the Teams message's author. */
	teamsAuthorId: string;
	/** Hash of the last text mirrored, either way (contentHash()): an edit with the same text is not applied again. */
	contentHash: string;
	/** The Teams message's lastEditedDateTime after the mirror's own last edit ('' when it never edited). */
	teamsEditedAt: string;
	deleted: boolean;
	/**
	 * messageFingerprint() of the Teams message's text as the mirror last posted or edited it (nodes/shared/teamsText.ts,
	 * the same function the triggers' `contentFingerprint` uses); a pending row (Prepare Only): of the text it will post.
	 */
	teamsFingerprint: string;
}

/**
 * The teamsFingerprint of a pending row saved before the Mirror deletes the message with the sender credential
 * (Prepare Only): a `deleted` trigger item of that row is the mirror's own delete. Never a text's fingerprint (hex).
 */
export const PENDING_DELETE = 'deleting';

/** Column names and Data table types, in the order the README's table-creation steps list them. */
export const MIRROR_COLUMNS: Array<{ name: keyof MirrorRow; type: 'string' | 'boolean' }> = [
	{ name: 'platform', type: 'string' },
	{ name: 'outsideId', type: 'string' },
	{ name: 'outsideThreadId', type: 'string' },
	{ name: 'teamsMessageId', type: 'string' },
	{ name: 'teamsThreadId', type: 'string' },
	{ name: 'teamId', type: 'string' },
	{ name: 'channelId', type: 'string' },
	{ name: 'chatId', type: 'string' },
	{ name: 'origin', type: 'string' },
	{ name: 'postedAs', type: 'string' },
	{ name: 'teamsAuthorId', type: 'string' },
	{ name: 'contentHash', type: 'string' },
	{ name: 'teamsEditedAt', type: 'string' },
	{ name: 'deleted', type: 'boolean' },
	{ name: 'teamsFingerprint', type: 'string' },
];

const ORIGINS: MirrorOrigin[] = ['outside', 'teams'];
const POSTED_AS: MirrorPostedAs[] = ['sender', 'integrationAccount', 'teamsUser'];

/** A short, stable fingerprint of message text (not reversible: the table never holds message text). */
export function contentHash(text: string): string {
	return createHash('sha256')
		.update(text.normalize('NFC').trim(), 'utf8')
		.digest('hex')
		.slice(0, 32);
}

function text(value: unknown): string {
	if (value === null || value === undefined) return '';
	if (typeof value === 'string') return value.trim();
	if (typeof value === 'number' || typeof value === 'bigint') return String(value);
	return '';
}

function truthy(value: unknown): boolean {
	return (
		value === true ||
		value === 1 ||
		(typeof value === 'string' && ['true', '1', 'yes'].includes(value.trim().toLowerCase()))
	);
}

/**
 * Reads a row as the Data table node outputs it (its system columns id, createdAt, updatedAt are ignored), or as
 * JSON text. `row` is undefined when there is no row: empty, `{}`, `[]`, or a row without a Teams message id;
 * `problem` says what is wrong when the value is not a row at all.
 */
export function parseMirrorRow(value: unknown): { row?: MirrorRow; problem?: string } {
	let candidate = value;
	if (typeof candidate === 'string') {
		if (candidate.trim() === '') return {};
		try {
			candidate = JSON.parse(candidate);
		} catch {
			return { problem: 'is not JSON: give the row the Data table node found, e.g. {{ $json }}' };
		}
	}
	if (Array.isArray(candidate)) {
		if (candidate.length === 0) return {};
		if (candidate.length > 1)
			return {
				problem: `holds ${candidate.length} rows: the lookup must find at most one row per message (match on platform and outsideId)`,
			};
		candidate = candidate[0];
	}
	if (candidate === null || candidate === undefined) return {};
	if (typeof candidate !== 'object')
		return { problem: 'is not a row: give the row the Data table node found, e.g. {{ $json }}' };
	const row = candidate as IDataObject;
	const teamsMessageId = text(row.teamsMessageId);
	if (teamsMessageId === '') return {};
	const origin = text(row.origin) as MirrorOrigin;
	const postedAs = text(row.postedAs) as MirrorPostedAs;
	return {
		row: {
			platform: text(row.platform),
			outsideId: text(row.outsideId),
			outsideThreadId: text(row.outsideThreadId),
			teamsMessageId,
			teamsThreadId: text(row.teamsThreadId),
			teamId: text(row.teamId),
			channelId: text(row.channelId),
			chatId: text(row.chatId),
			origin: ORIGINS.includes(origin) ? origin : 'outside',
			postedAs: POSTED_AS.includes(postedAs) ? postedAs : 'integrationAccount',
			teamsAuthorId: text(row.teamsAuthorId),
			contentHash: text(row.contentHash),
			teamsEditedAt: text(row.teamsEditedAt),
			deleted: truthy(row.deleted),
			teamsFingerprint: text(row.teamsFingerprint),
		},
	};
}

export function rowAsData(row: MirrorRow): IDataObject {
	return { ...row };
}

/**
 * The row to save for a message that already has one (an edit, a skipped event): without `deleted` unless it is
 * true, so that the save, made with the workflow's "deleted as is" upsert (no `deleted` column), leaves the column
 * as the save of a delete running at the same time left it. `deleted` only ever goes from false to true, whatever
 * order two executions' saves land in.
 */
export function rowUpdateAsData(row: MirrorRow): IDataObject {
	const { deleted, ...rest } = row;
	return deleted ? { ...rest, deleted } : rest;
}
