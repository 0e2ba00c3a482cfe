import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { userRlc } from '../../../shared/descriptions/rlc';
import { updateDisplayOptions } from '../../../shared/updateDisplayOptions';
import { graphFor } from '../../../shared/transport';
import { credentialTypeOf } from '../../helpers/context';
import { resolveUserId } from '../../helpers/resolveUser';

const properties: INodeProperties[] = [{ ...userRlc, description: 'The Teams user whose preferred presence to clear' }];

export const description = updateDisplayOptions({ show: { resource: ['presence'], operation: ['clearPreferredPresence'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const credentialType = credentialTypeOf(this, itemIndex);
	const userId = await resolveUserId(this, credentialType, itemIndex);
	await graphFor(this).request({
		credentialType,
		method: 'POST',
		url: `/users/${encodeURIComponent(userId)}/presence/clearUserPreferredPresence`,
		idempotent: true,
		itemIndex,
	});
	return { userId, cleared: true };
}
