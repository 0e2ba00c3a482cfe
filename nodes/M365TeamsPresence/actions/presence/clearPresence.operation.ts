import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { userRlc } from '../../../shared/descriptions/rlc';
import { updateDisplayOptions } from '../../../shared/updateDisplayOptions';
import { graphFailureOf, graphFor } from '../../../shared/transport';
import { applicationSessionId, credentialTypeOf } from '../../helpers/context';
import { asNodeError } from '../../helpers/errors';
import { resolveUserId } from '../../helpers/resolveUser';

const properties: INodeProperties[] = [{ ...userRlc, description: 'The Teams user whose application session this app clears' }];

export const description = updateDisplayOptions({ show: { resource: ['presence'], operation: ['clearPresence'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const credentialType = credentialTypeOf(this, itemIndex);
	const userId = await resolveUserId(this, credentialType, itemIndex);
	const sessionId = await applicationSessionId(this, credentialType, itemIndex);
	try {
		await graphFor(this).request({
			credentialType,
			method: 'POST',
			url: `/users/${encodeURIComponent(userId)}/presence/clearPresence`,
			body: { sessionId },
			idempotent: true,
			itemIndex,
		});
	} catch (error) {
		// Graph answers 404 NotFound when this app has no session for the user: there is nothing to clear.
		const failure = graphFailureOf(error);
		if (failure?.status === 404 && failure.code === 'NotFound') return { userId, sessionId, cleared: false };
		throw asNodeError(this, error, itemIndex);
	}
	return { userId, sessionId, cleared: true };
}
