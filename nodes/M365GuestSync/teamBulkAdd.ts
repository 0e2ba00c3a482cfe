/**
 * Team adds in bulk: `POST /teams/{team-id}/members/add` with up to 200 conversationMember objects a request
 * (https://learn.microsoft.com/en-us/graph/api/conversationmembers-add?view=graph-rest-1.0; same permission as the
 * single add, TeamMember.ReadWrite.All). Graph answers 200 when every member was added and 207 when some were not,
 * with one aadUserConversationMemberResult `{ userId, error }` per member; `error` carries a code only ("NotFound" in
 * Microsoft's example), no status. Each member's outcome is given back shaped like the single add's `$batch` answer
 * (a status from the code), so one reading of failures serves both (failures.ts). The requests go through `$batch`,
 * so the shared transport paces them to Teams' per-team rate and retries throttled ones.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { BatchRequestItem, BatchResponseItem } from '../shared/transport';
import { chunk } from '../shared/chunk';
import { isSuccess, jsonHeaders, runBatched } from './directory';

/** Microsoft's limit on members in one bulk add. */
export const BULK_ADD_LIMIT = 200;

export interface MemberAdd {
	teamId: string;
	userId: string;
}

interface MemberResultPart {
	userId?: string | null;
	error?: { code?: string; message?: string } | null;
}

/** The status the single add answers for what a bulk add reports as a code (Microsoft documents only the codes). */
function statusOf(error: { code?: string; message?: string }): number {
	const text = `${error.code ?? ''} ${error.message ?? ''}`.toLowerCase();
	if (text.includes('notfound') || text.includes('not found')) return 404;
	if (text.includes('conflict') || text.includes('already')) return 409;
	if (text.includes('forbidden') || text.includes('denied')) return 403;
	if (text.includes('toomanyrequests') || text.includes('throttl')) return 429;
	return 400;
}

function memberBody(graphBase: string, userId: string): IDataObject {
	return {
		'@odata.type': '#microsoft.graph.aadUserConversationMember',
		// Microsoft: `roles` holds "guest" for a guest (team-post-members); the bulk action takes the same objects.
		roles: ['guest'],
		'user@odata.bind': `${graphBase}/v1.0/users('${userId}')`,
	};
}

/** One member's outcome out of a bulk answer (or the whole answer's, when the request itself failed). */
function memberOutcome(id: string, response: BatchResponseItem, add: MemberAdd, position: number): BatchResponseItem {
	if (!isSuccess(response)) return { ...response, id };
	const parts = ((response.body as { value?: MemberResultPart[] } | undefined)?.value ?? []) as MemberResultPart[];
	const part = parts.find((candidate) => (candidate.userId ?? '').toLowerCase() === add.userId.toLowerCase()) ?? (parts.length > position ? parts[position] : undefined);
	if (!part) {
		const error = { code: 'NoResult', message: `Graph's answer (${response.status}) has no result for this user` };
		return { id, status: 502, headers: {}, body: { error }, error };
	}
	if (!part.error) return { id, status: 200, headers: {}, body: part };
	const error = { code: part.error.code ?? 'Unknown', message: part.error.message || `${part.error.code ?? 'an error'} for this user` };
	return { id, status: statusOf(part.error), headers: {}, body: { error }, error };
}

/**
 * Adds each user to its team, grouped per team in requests of at most 200. Returns one outcome per add, in input
 * order. A 403 stops the requests still queued (they come back NotSent, `batchRefused`), as for every write of the sync.
 */
export async function addInBulk(this: IExecuteFunctions, adds: MemberAdd[], graphBase: string): Promise<BatchResponseItem[]> {
	const byTeam = new Map<string, number[]>();
	adds.forEach((add, index) => byTeam.set(add.teamId, [...(byTeam.get(add.teamId) ?? []), index]));
	const groups: number[][] = [];
	for (const indexes of byTeam.values()) groups.push(...chunk(indexes, BULK_ADD_LIMIT));
	const requests: BatchRequestItem[] = groups.map((indexes, group) => ({
		id: String(group + 1),
		method: 'POST',
		url: `/teams/${adds[indexes[0]].teamId}/members/add`,
		headers: jsonHeaders(),
		body: { values: indexes.map((index) => memberBody(graphBase, adds[index].userId)) } as IDataObject,
	}));
	const responses = await runBatched.call(this, requests, { onBatchFailure: 'results', stopAfter: (response) => response.status === 403 });
	const outcomes = new Array<BatchResponseItem>(adds.length);
	groups.forEach((indexes, group) => {
		indexes.forEach((index, position) => {
			outcomes[index] = memberOutcome(String(index + 1), responses[group], adds[index], position);
		});
	});
	return outcomes;
}
