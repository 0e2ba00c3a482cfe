/**
 * The guest sync's Graph reads and writes, all through the shared transport, batched:
 * lookups are `$filter ... in (...)` queries of at most 15 values (Graph's limit on `in`), twenty to a `$batch`;
 * writes are `$batch` sub-requests, twenty to a call. Per-item failures come back as results, never as throws, so one
 * bad address does not stop the sync.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import type { Invitation, User } from '@microsoft/microsoft-graph-types';

import { graphBatch, graphPages } from '../shared/transport';
import type { BatchRequestItem, BatchResponseItem, GraphBatchOptions, GraphPage, GraphRequest } from '../shared/transport';
import { odataIn, odataString } from '../shared/odata';
import { storedForms } from './email';
import { addressesOf, type DirectoryUser } from './plan';

export const CREDENTIAL_TYPE = 'm365TenantAppApi';

/** Graph's limit on values in one `in` filter (and on `or` clauses), without advanced query headers. */
export const IN_FILTER_LIMIT = 15;
/** `$batch` calls in flight at once during a sync. */
const PARALLEL_BATCHES = 4;

const BASE_SELECT = [
	'id',
	'displayName',
	'mail',
	'otherMails',
	'userPrincipalName',
	'userType',
	'accountEnabled',
	'companyName',
	'jobTitle',
];

export function userSelect(markerAttribute: string): string {
	return [...BASE_SELECT, markerAttribute].join(',');
}

export type GraphUserWithMarker = User & Record<string, unknown>;

export function toDirectoryUser(user: GraphUserWithMarker, markerAttribute: string): DirectoryUser {
	const marker = user[markerAttribute];
	return {
		id: user.id as string,
		displayName: user.displayName ?? null,
		mail: user.mail ?? null,
		otherMails: user.otherMails ?? [],
		userPrincipalName: user.userPrincipalName ?? null,
		userType: user.userType ?? null,
		accountEnabled: user.accountEnabled ?? null,
		companyName: user.companyName ?? null,
		jobTitle: user.jobTitle ?? null,
		marker: typeof marker === 'string' ? marker : null,
	};
}

/** Graph's error text for a failed sub-request, with the code, so the user can look it up. */
export function describeFailure(response: BatchResponseItem): string {
	const error = response.error ?? (response.body as { error?: { code?: string; message?: string } } | undefined)?.error;
	const code = error?.code ? `${error.code}: ` : '';
	const message = error?.message ?? `Graph answered ${response.status}`;
	return `${code}${message}`;
}

export function isSuccess(response: BatchResponseItem): boolean {
	return response.status >= 200 && response.status < 300;
}

/**
 * Runs many sub-requests through `$batch` (20 a call, a few calls in flight), results in input order. With
 * `onBatchFailure: 'results'` a `$batch` refused as a whole becomes per-request results and nothing queued is sent.
 */
export async function runBatched(
	this: IExecuteFunctions,
	requests: BatchRequestItem[],
	options: Pick<GraphBatchOptions, 'onBatchFailure' | 'stopAfter'> = {},
): Promise<BatchResponseItem[]> {
	if (requests.length === 0) return [];
	return await graphBatch.call(this, CREDENTIAL_TYPE, requests, { concurrency: PARALLEL_BATCHES, ...options });
}

export interface LookupResult {
	/** Directory users found for each email (lower-cased), possibly several. */
	found: Map<string, DirectoryUser[]>;
	/** Emails whose lookup failed, with Graph's reason: they are neither invited nor updated. */
	failed: Map<string, string>;
}

type FilterBuilder = (emails: string[]) => string;

const valuesOf = (emails: string[]) => emails.flatMap(storedForms);
const byMail: FilterBuilder = (emails) => odataIn('mail', valuesOf(emails));
const byUserPrincipalName: FilterBuilder = (emails) => odataIn('userPrincipalName', valuesOf(emails));
const byOtherMails: FilterBuilder = (emails) =>
	valuesOf(emails).map((email) => `otherMails/any(m:m eq ${odataString(email)})`).join(' or ');

/** Emails in groups whose stored forms fit one `in` filter (an internationalised address takes two values). */
function lookupGroups(emails: string[]): string[][] {
	const groups: string[][] = [];
	let current: string[] = [];
	let values = 0;
	for (const email of emails) {
		const count = storedForms(email).length;
		if (values + count > IN_FILTER_LIMIT && current.length > 0) {
			groups.push(current);
			current = [];
			values = 0;
		}
		current.push(email);
		values += count;
	}
	if (current.length > 0) groups.push(current);
	return groups;
}

/**
 * Finds the directory users (guests and members) for a list of emails: first by `mail`, then, for the emails not
 * found that way, by `userPrincipalName` (members sign in with their email) and `otherMails` (a guest's invited
 * address). Most existing users are found by the first query, so the second costs little.
 */
export async function lookupUsersByEmail(
	this: IExecuteFunctions,
	emails: string[],
	markerAttribute: string,
): Promise<LookupResult> {
	const result: LookupResult = { found: new Map(), failed: new Map() };
	await runLookup.call(this, emails, [byMail], markerAttribute, result);
	const notFound = emails.filter((email) => !result.found.has(email) && !result.failed.has(email));
	if (notFound.length > 0) {
		await runLookup.call(this, notFound, [byUserPrincipalName, byOtherMails], markerAttribute, result);
	}
	return result;
}

/** The users of one checked email, for the single-user operations; a failed lookup fails the item with Graph's reason. */
export async function usersWithEmail(
	this: IExecuteFunctions,
	email: string,
	markerAttribute: string,
	itemIndex: number,
): Promise<DirectoryUser[]> {
	const lookup = await lookupUsersByEmail.call(this, [email], markerAttribute);
	const failure = lookup.failed.get(email);
	if (failure) throw new NodeOperationError(this.getNode(), failure, { itemIndex });
	return lookup.found.get(email) ?? [];
}

/**
 * Every user (guest or member) any of these emails belongs to, through `mail`, `userPrincipalName` and `otherMails`
 * at once: for checks that must not stop at the first match (a member who now owns a managed guest's address).
 */
export async function lookupAllOwners(
	this: IExecuteFunctions,
	emails: string[],
	markerAttribute: string,
): Promise<LookupResult> {
	const result: LookupResult = { found: new Map(), failed: new Map() };
	await runLookup.call(this, emails, [byMail, byUserPrincipalName, byOtherMails], markerAttribute, result);
	return result;
}

async function runLookup(
	this: IExecuteFunctions,
	emails: string[],
	filters: FilterBuilder[],
	markerAttribute: string,
	result: LookupResult,
): Promise<void> {
	const select = userSelect(markerAttribute);
	const groups = lookupGroups(emails);
	const requests: BatchRequestItem[] = [];
	const emailsOfRequest: string[][] = [];
	for (const group of groups) {
		for (const filter of filters) {
			requests.push({
				id: String(requests.length + 1),
				method: 'GET',
				url: `/users?$filter=${encodeURIComponent(filter(group))}&$select=${select}&$top=999`,
			});
			emailsOfRequest.push(group);
		}
	}
	const responses = await runBatched.call(this, requests);
	responses.forEach((response, index) => {
		const group = emailsOfRequest[index];
		if (!isSuccess(response)) {
			for (const email of group) result.failed.set(email, `Lookup failed: ${describeFailure(response)}`);
			return;
		}
		const users = ((response.body as { value?: GraphUserWithMarker[] })?.value ?? []).map((user) =>
			toDirectoryUser(user, markerAttribute),
		);
		for (const user of users) {
			const addresses = addressesOf(user);
			for (const email of group) {
				if (!addresses.includes(email)) continue;
				const list = result.found.get(email) ?? [];
				if (!list.some((known) => known.id === user.id)) list.push(user);
				result.found.set(email, list);
			}
		}
	});
}

/** The first page (999 users) of every user carrying the marker with this source name, as a relative URL. */
export function managedGuestsUrl(markerAttribute: string, sourceName: string): string {
	const filter = `${markerAttribute} eq ${odataString(sourceName)}`;
	return `/users?$filter=${encodeURIComponent(filter)}&$select=${userSelect(markerAttribute)}&$top=999`;
}

/** The users carrying the marker, page by page from `url`: managedGuestsUrl, or the nextLink of a page already read. */
export async function* managedGuests(this: IExecuteFunctions, markerAttribute: string, url: string): AsyncGenerator<DirectoryUser[]> {
	const pages = graphPages.call<IExecuteFunctions, [GraphRequest], AsyncGenerator<GraphPage<GraphUserWithMarker>>>(this, {
		credentialType: CREDENTIAL_TYPE,
		method: 'GET',
		url,
	});
	for await (const page of pages) {
		yield page.value.map((user) => toDirectoryUser(user, markerAttribute));
	}
}

export interface InvitationSettings {
	inviteRedirectUrl: string;
	sendInvitationMessage: boolean;
	customizedMessageBody?: string;
	messageLanguage?: string;
	ccRecipients?: string[];
}

export function invitationBody(
	email: string,
	displayName: string | undefined,
	settings: InvitationSettings,
): IDataObject {
	const body: IDataObject = {
		invitedUserEmailAddress: email,
		inviteRedirectUrl: settings.inviteRedirectUrl,
		sendInvitationMessage: settings.sendInvitationMessage,
		invitedUserType: 'Guest',
	};
	if (displayName) body.invitedUserDisplayName = displayName;
	const messageInfo: IDataObject = {};
	if (settings.customizedMessageBody) messageInfo.customizedMessageBody = settings.customizedMessageBody;
	if (settings.messageLanguage) messageInfo.messageLanguage = settings.messageLanguage;
	if (settings.ccRecipients && settings.ccRecipients.length > 0) {
		messageInfo.ccRecipients = settings.ccRecipients.map((address) => ({ emailAddress: { address } }));
	}
	if (Object.keys(messageInfo).length > 0) body.invitedUserMessageInfo = messageInfo;
	return body;
}

export function invitedUserId(response: BatchResponseItem): string | undefined {
	return (response.body as Invitation | undefined)?.invitedUser?.id ?? undefined;
}

export function jsonHeaders(): Record<string, string> {
	return { 'Content-Type': 'application/json' };
}

export function patchUserRequest(id: string, userId: string, changes: IDataObject): BatchRequestItem {
	return { id, method: 'PATCH', url: `/users/${userId}`, body: changes, headers: jsonHeaders() };
}
