// Presence of many users: POST /communications/getPresencesByUserId with at most 650 ids a call.
import type { Presence } from '@microsoft/microsoft-graph-types';
import type { IExecuteFunctions } from 'n8n-workflow';

import { graphFor } from '../../shared/transport';
import { chunk } from '../../shared/chunk';

export const MAX_IDS_PER_PRESENCE_CALL = 650;

export type UserPresence = Presence & { id: string };

/** Presence by lower-cased user id. Ids Graph does not know come back as PresenceUnknown. */
export async function readPresences(
	ctx: IExecuteFunctions,
	credentialType: string,
	userIds: readonly string[],
	itemIndex = 0,
): Promise<Map<string, UserPresence>> {
	const unique = [...new Set(userIds.map((id) => id.toLowerCase()))];
	const graph = graphFor(ctx);
	const result = new Map<string, UserPresence>();
	for (const ids of chunk(unique, MAX_IDS_PER_PRESENCE_CALL)) {
		const page = await graph.request<{ value: UserPresence[] }>({
			credentialType,
			method: 'POST',
			url: '/communications/getPresencesByUserId',
			body: { ids },
			// A read: safe to send again when the answer is lost.
			idempotent: true,
			itemIndex,
		});
		for (const presence of page.value ?? []) result.set(presence.id.toLowerCase(), presence);
	}
	return result;
}

/** The presence fields a workflow wants, flat. */
export function presenceFields(presence: Presence | undefined): Record<string, unknown> {
	return {
		availability: presence?.availability ?? 'PresenceUnknown',
		activity: presence?.activity ?? 'PresenceUnknown',
		statusMessage: presence?.statusMessage?.message?.content ?? null,
		isOutOfOffice: presence?.outOfOfficeSettings?.isOutOfOffice ?? false,
		outOfOfficeMessage: presence?.outOfOfficeSettings?.message ?? null,
	};
}
