import type { INodeProperties } from 'n8n-workflow';

import * as edit from './edit.operation';
import * as get from './get.operation';
import * as list from './list.operation';
import * as mirror from './mirror.operation';
import * as post from './post.operation';
import * as reply from './reply.operation';
import * as softDelete from './softDelete.operation';

export { edit, get, list, mirror, post, reply, softDelete };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['channelMessage'] } },
		options: [
			{ name: 'Edit', value: 'edit', description: 'Change the text of a message', action: 'Edit a channel message' },
			{ name: 'Get', value: 'get', description: 'Get a message or reply', action: 'Get a channel message' },
			{ name: 'List', value: 'list', description: 'List the messages of a channel', action: 'List channel messages' },
			{ name: 'Mirror', value: 'mirror', description: 'Carry a message created, edited or deleted elsewhere into this channel (post, reply, edit, delete) and output the mapping row to save', action: 'Mirror an outside message into a channel' },
			{ name: 'Post', value: 'post', description: 'Post a new message in a channel', action: 'Post a channel message' },
			{ name: 'Reply', value: 'reply', description: 'Reply to a message thread', action: 'Reply to a channel message' },
			{ name: 'Soft Delete', value: 'softDelete', description: 'Delete (or restore) a message', action: 'Soft delete a channel message' },
		],
		default: 'post',
	},
	...post.description,
	...reply.description,
	...edit.description,
	...softDelete.description,
	...get.description,
	...list.description,
	...mirror.description,
];
