/**
 * Entra ID is eventually consistent: a guest POST /invitations just created can answer 404 to PATCH /users/{id} and to
 * a team add for a while, and `$filter` lookups find it later still ("Designing for eventual consistency for
 * Microsoft Entra", https://devblogs.microsoft.com/identity/designing-for-eventual-consistency-for-microsoft-entra/,
 * which recommends retrying with backoff). Microsoft gives no upper bound; these waits cover the usual seconds and
 * stay bounded, so a run never hangs on one object.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import { graphRequest } from '../shared/transport';
import type { BatchRequestItem, BatchResponseItem } from '../shared/transport';
import { sleep } from '../shared/transport/middleware/callState';
import { CREDENTIAL_TYPE, runBatched } from './directory';
import { odataString } from '../shared/odata';
import { storedForms } from './email';

/** Waits between attempts on an object not replicated yet: about 31 s in all. */
export const REPLICATION_BACKOFF_MS = [500, 1000, 2000, 4000, 8000, 16000];
/** A lost-answer check waits this much of the backoff (about 15 s) before it concludes the write did not happen. */
export const VERIFY_BACKOFF_MS = REPLICATION_BACKOFF_MS.slice(0, 5);

/** Graph's answer for an object it does not see (yet). */
export function isNotFound(response: BatchResponseItem): boolean {
	return response.status === 404;
}

/**
 * Sends writes addressed to objects created moments ago. Entra counts every write, one answered 404 too, against the
 * app's 3,000 directory writes per 150 s (https://learn.microsoft.com/en-us/graph/throttling-limits#identity-and-access-service-limits),
 * so a write is sent only once a read of its object (`GET` the same URL, `$select=id`; reads are not writes) finds it:
 * the objects not found yet are asked again after a growing wait. When the waits are used up, the writes still
 * waiting are sent anyway and their answers (404) are the results. A write answered 404 although its object was found
 * (another replica) waits and is sent again the same way. Results in input order.
 */
export async function sendWhileReplicating(
	this: IExecuteFunctions,
	requests: BatchRequestItem[],
	backoffMs: readonly number[] = REPLICATION_BACKOFF_MS,
): Promise<BatchResponseItem[]> {
	const results = new Array<BatchResponseItem>(requests.length);
	let pending = requests.map((_, index) => index);
	for (let round = 0; pending.length > 0; round++) {
		const lastRound = round >= backoffMs.length;
		const found = lastRound ? pending : await visible.call(this, requests, pending);
		const answers = await runBatched.call(this, found.map((index) => requests[index]), { onBatchFailure: 'results' });
		answers.forEach((response, position) => {
			results[found[position]] = response;
		});
		pending = pending.filter((index) => !found.includes(index) || isNotFound(results[index]));
		if (lastRound || pending.length === 0) break;
		await sleep(backoffMs[round]);
	}
	return results;
}

/** Which of the pending requests' objects a read finds now (anything but 404 counts as found: the write answers). */
async function visible(this: IExecuteFunctions, requests: BatchRequestItem[], pending: number[]): Promise<number[]> {
	const reads = await runBatched.call(
		this,
		pending.map((index, position) => ({ id: String(position + 1), method: 'GET', url: `${requests[index].url.split('?')[0]}?$select=id` })),
		{ onBatchFailure: 'results' },
	);
	return pending.filter((_, position) => !isNotFound(reads[position]));
}

/**
 * Retries for writes that are not directory writes (team adds, which Teams counts per request, 200 members each):
 * given the first `results` of `items`, sends again (with `send`, after each wait) the items answered 404 that
 * `retryable` allows, until none is left or the waits are used up. Updates and returns `results`, in input order.
 */
export async function retryWhileReplicating<T>(
	items: T[],
	results: BatchResponseItem[],
	send: (items: T[]) => Promise<BatchResponseItem[]>,
	retryable: (index: number) => boolean,
	backoffMs: readonly number[] = REPLICATION_BACKOFF_MS,
): Promise<BatchResponseItem[]> {
	const due = (index: number) => isNotFound(results[index]) && retryable(index);
	let pending = results.map((_, index) => index).filter(due);
	for (const wait of backoffMs) {
		if (pending.length === 0) break;
		await sleep(wait);
		const again = await send(pending.map((index) => items[index]));
		again.forEach((response, position) => {
			results[pending[position]] = response;
		});
		pending = pending.filter(due);
	}
	return results;
}

/** Asks `probe` until it finds something or the waits are used up; undefined means it found nothing in that time. */
export async function findWhileReplicating<T>(
	probe: () => Promise<T | undefined>,
	backoffMs: readonly number[] = VERIFY_BACKOFF_MS,
): Promise<T | undefined> {
	const first = await probe();
	if (first !== undefined) return first;
	for (const wait of backoffMs) {
		await sleep(wait);
		const found = await probe();
		if (found !== undefined) return found;
	}
	return undefined;
}

/**
 * After a lost answer to POST /invitations: whether the guest exists, looked up by `mail` and `otherMails`. Queries see
 * a new guest last, so "nobody" is concluded only after the bounded waits; a found guest means the invitation happened
 * and it is not sent again (nor its email).
 */
export function verifyInvitation(this: IExecuteFunctions, email: string): () => Promise<unknown> {
	return async () =>
		await findWhileReplicating(async () => {
			const filter = storedForms(email)
				.flatMap((form) => [`mail eq ${odataString(form)}`, `otherMails/any(m:m eq ${odataString(form)})`])
				.join(' or ');
			const found = (await graphRequest.call(this, {
				credentialType: CREDENTIAL_TYPE,
				method: 'GET',
				url: '/users',
				qs: { $filter: filter, $select: 'id,userType' },
			})) as { value?: Array<{ id: string; userType?: string }> };
			const guest = found.value?.find((user) => (user.userType ?? '').toLowerCase() === 'guest') ?? found.value?.[0];
			return guest ? { invitedUser: { id: guest.id }, invitedUserEmailAddress: email } : undefined;
		});
}
