import type { Attachment, FileAttachment } from '@microsoft/microsoft-graph-types';
import type { IBinaryKeyData, IPollFunctions } from 'n8n-workflow';

import { mailboxPath } from '../shared/descriptions/mailbox';
import { graphFor, type BatchRequestItem, type GraphCollection } from '../shared/transport';

export interface AttachmentRequest {
	mailbox: string;
	messageId: string;
}

export interface AttachmentResult {
	binary?: IBinaryKeyData;
	/** Set when Graph refused the attachments (e.g. only Mail.ReadBasic.All granted); the message is still emitted. */
	error?: string;
}

/** Whether a failed attachment listing is worth retrying on the next poll rather than emitting without them. */
function isTransient(status: number): boolean {
	return status === 0 || status === 429 || status >= 500;
}

/**
 * File attachments of many messages as binary data, listed in $batch requests of 20 (the listing carries
 * contentBytes). Item and reference attachments have no bytes and are left out. A transient failure throws, so
 * the poll keeps its cursor and tries again; a refusal is reported on the item instead.
 */
export async function downloadAttachments(
	context: IPollFunctions,
	credentialType: string,
	requests: AttachmentRequest[],
	prefix: string,
): Promise<AttachmentResult[]> {
	if (requests.length === 0) return [];
	const items: BatchRequestItem[] = requests.map((request, index) => ({
		id: String(index),
		method: 'GET',
		url: `${mailboxPath(request.mailbox)}/messages/${encodeURIComponent(request.messageId)}/attachments`,
	}));
	const responses = await graphFor(context).batch<GraphCollection<Attachment>>(credentialType, items);
	const results: AttachmentResult[] = [];
	for (const response of responses) {
		if (response.status >= 200 && response.status < 300) {
			const binary: IBinaryKeyData = {};
			let index = 0;
			for (const attachment of response.body.value ?? []) {
				const file = attachment as FileAttachment & { '@odata.type'?: string };
				if (file['@odata.type'] !== '#microsoft.graph.fileAttachment' || typeof file.contentBytes !== 'string') continue;
				binary[`${prefix}${index}`] = await context.helpers.prepareBinaryData(
					Buffer.from(file.contentBytes, 'base64'),
					file.name ?? `attachment_${index}`,
					file.contentType ?? undefined,
				);
				index++;
			}
			results.push({ binary: index > 0 ? binary : undefined });
			continue;
		}
		if (isTransient(response.status)) {
			throw new Error(
				`Downloading attachments failed (${response.status} ${response.error?.code ?? ''}); the messages are delivered on the next poll`,
			);
		}
		results.push({ error: `${response.status} ${response.error?.code ?? ''}: ${response.error?.message ?? ''}`.trim() });
	}
	return results;
}
