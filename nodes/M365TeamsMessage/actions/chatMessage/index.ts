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
		displayOptions: { show: { resource: ['chatMessage'] } },
		options: [
			{ name: 'Edit', value: 'edit', description: 'Change the text of a message', action: 'Edit a chat message' },
			{ name: 'Get', value: 'get', description: 'Get a message', action: 'Get a chat message' },
			{ name: 'List', value: 'list', description: 'List the messages of a chat', action: 'List chat messages' },
			{ name: 'Mirror', value: 'mirror', description: 'Carry a message created, edited or deleted elsewhere into this chat (post, reply, edit, delete) and output the mapping row to save', action: 'Mirror an outside message into a chat' },
			{ name: 'Post', value: 'post', description: 'Post a new message in a chat', action: 'Post a chat message' },
			{ name: 'Reply', value: 'reply', description: 'Post a message quoting an earlier one', action: 'Reply to a chat message' },
			{ name: 'Soft Delete', value: 'softDelete', description: 'Delete (or restore) a message', action: 'Soft delete a chat message' },
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
