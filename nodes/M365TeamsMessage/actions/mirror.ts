/** Fields and readers of the Mirror operation, shared by channel and chat messages. */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { MessageTarget } from '../helpers/targets';
import { mirrorEvent, prepareEvent, type MirrorInput } from '../helpers/mirror/mirror';
import { MIRROR_EVENT_TYPES, type MirrorEvent, type MirrorEventType } from '../helpers/mirror/plan';
import { contentHash, parseMirrorRow, type MirrorRow } from '../helpers/mirror/row';
import { attributionFields, contentFields, readAttribution, readDraft } from './common';

export const mirrorFields: INodeProperties[] = [
	{
		displayName: 'Event Type',
		name: 'eventType',
		type: 'options',
		options: [
			{ name: 'Created', value: 'created', description: 'A new message or reply: post it (in the mapped thread for a reply)' },
			{ name: 'Edited', value: 'edited', description: 'New text for a mirrored message: edit it' },
			{ name: 'Deleted', value: 'deleted', description: 'A mirrored message was deleted: soft-delete it' },
		],
		default: 'created',
		description: 'What happened elsewhere; usually an expression that reads the event type of the other system',
	},
	{
		displayName: 'Outside Platform',
		name: 'platform',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. slack',
		description: 'Name of the other system; stored in the mapping row, so one table can serve several bridges',
	},
	{
		displayName: 'Outside Message ID',
		name: 'outsideId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. {{ $json.event.ts }}',
		description: 'ID of the message in the other system',
	},
	{
		displayName: 'Outside Thread ID',
		name: 'outsideThreadId',
		type: 'string',
		default: '',
		placeholder: 'e.g. {{ $json.event.thread_ts }}',
		description: "ID of the thread's first message when the message is a reply; empty (or the message's own ID) otherwise",
	},
	{
		displayName: 'Mapping Row',
		name: 'mappingRow',
		type: 'json',
		default: '',
		placeholder: "e.g. {{ $('Find Mapping').item.json }}",
		description: 'The row the Data table lookup found for this outside message (platform + Outside Message ID), or empty when none was found',
	},
	{
		displayName: 'Thread Mapping Row',
		name: 'threadMappingRow',
		type: 'json',
		default: '',
		placeholder: "e.g. {{ $('Find Thread Mapping').item.json }}",
		description: "Replies: the row found for the thread's first message (platform + Outside Thread ID), or empty",
	},
	...contentFields,
	attributionFields,
	{
		displayName: 'Options',
		name: 'mirrorOptions',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{
				displayName: 'Edit or Delete Without Mapping',
				name: 'unmapped',
				type: 'options',
				options: [
					{ name: 'Report in Output', value: 'report', description: 'Output the item with outcome "notMapped"' },
					{ name: 'Fail the Item', value: 'fail', description: 'An error for this item (kept in the output with On Error: Continue)' },
				],
				default: 'report',
			},
			{
				displayName: 'Prepare Only (Pending Row)',
				name: 'prepareOnly',
				type: 'boolean',
				default: false,
				description:
					'Whether to change nothing in Teams and output the pending row to save before the Mirror that posts or edits with the sender credential (two-way bridges in queue mode: the Teams → outside flow then recognises that post or edit before its row is saved); row is null when none is needed',
			},
		],
	},
];

function readRow(context: IExecuteFunctions, itemIndex: number, name: 'mappingRow' | 'threadMappingRow'): MirrorRow | undefined {
	const label = name === 'mappingRow' ? 'Mapping Row' : 'Thread Mapping Row';
	const { row, problem } = parseMirrorRow(context.getNodeParameter(name, itemIndex, ''));
	if (problem) throw new NodeOperationError(context.getNode(), `'${label}' ${problem}`, { itemIndex });
	return row;
}

function readText(context: IExecuteFunctions, itemIndex: number, name: string): string {
	const value = context.getNodeParameter(name, itemIndex, '');
	return value === null || value === undefined ? '' : String(value).trim();
}

export function readMirrorEvent(context: IExecuteFunctions, itemIndex: number): MirrorEvent {
	const type = readText(context, itemIndex, 'eventType') as MirrorEventType;
	if (!MIRROR_EVENT_TYPES.includes(type)) {
		throw new NodeOperationError(context.getNode(), `'Event Type' is '${type}': use created, edited or deleted`, { itemIndex });
	}
	const platform = readText(context, itemIndex, 'platform');
	if (platform === '') throw new NodeOperationError(context.getNode(), "'Outside Platform' is empty: name the other system, e.g. slack", { itemIndex });
	const outsideId = readText(context, itemIndex, 'outsideId');
	if (outsideId === '') throw new NodeOperationError(context.getNode(), "'Outside Message ID' is empty: give the message's ID in the other system", { itemIndex });
	return {
		type,
		platform,
		outsideId,
		outsideThreadId: readText(context, itemIndex, 'outsideThreadId'),
		contentHash: type === 'deleted' ? '' : contentHash(String(context.getNodeParameter('content', itemIndex, '') ?? '')),
	};
}

export async function executeMirror(context: IExecuteFunctions, itemIndex: number, target: MessageTarget) {
	const event = readMirrorEvent(context, itemIndex);
	const attribution = readAttribution(context, itemIndex);
	if (attribution.platform.trim() === '') attribution.platform = event.platform;
	const options = context.getNodeParameter('mirrorOptions', itemIndex, {}) as { unmapped?: 'report' | 'fail'; prepareOnly?: boolean };
	const input: MirrorInput = {
		event,
		row: readRow(context, itemIndex, 'mappingRow'),
		threadRow: readRow(context, itemIndex, 'threadMappingRow'),
		target,
		draft: async (leading) =>
			await readDraft(context, itemIndex, leading ? { leadingHtml: leading.html, leadingAttachments: leading.attachments } : {}),
		attribution,
		unmapped: options.unmapped ?? 'report',
	};
	if (options.prepareOnly === true) return await prepareEvent(context, input);
	return await mirrorEvent(context, itemIndex, input);
}
