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
 * Sends requests addressed to objects created moments ago, and sends again, after a growing wait, those answered 404,
 * until they succeed or the waits are used up (their last answer is then the result). Results in input order.
 */
export async function sendWhileReplicating(
	this: IExecuteFunctions,
	requests: BatchRequestItem[],
	backoffMs: readonly number[] = REPLICATION_BACKOFF_MS,
): Promise<BatchResponseItem[]> {
	const send = async (items: BatchRequestItem[]) => await runBatched.call(this, items, { onBatchFailure: 'results' });
	return await retryWhileReplicating(requests, await send(requests), send, () => true, backoffMs);
}

/**
 * The retries of sendWhileReplicating for any kind of write: given the first `results` of `items`, sends again (with
 * `send`, after each wait) the items answered 404 that `retryable` allows, until none is left or the waits are used
 * up. Updates and returns `results`, in input order.
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
