/**
 * Holds each attempt of a Graph call to Microsoft's throttling limits (see ../limiter.ts): waits for room in the
 * app's rate windows and for a free concurrency slot on the mailbox, and keeps the slot until the answer came.
 * Sits below the retry handler, so a retried attempt waits its turn like any other request.
 */
import type { Context, Middleware } from '@microsoft/microsoft-graph-client';

import type { GraphConnection } from '../connection';
import { limiterFor, type Limiter } from '../limiter';
import { callState } from './callState';

/**
 * The app and tenant a connection's limits belong to. Microsoft counts per app (client id) and tenant, whether the
 * app calls for itself or for a signed-in user: the tenant app, the integration account and a sender credential of
 * one app registration share one scope, so their requests into one chat keep to its 1 per second together. A
 * delegated credential that names no tenant or client id gets a scope of its own (paced alone; the server's 429 backs
 * that up).
 */
export function limitScope(connection: GraphConnection): string {
	const [tenantId, clientId] =
		connection.kind === 'tenantApp' ? [connection.settings.tenantId, connection.settings.clientId] : [connection.tenantId, connection.clientId];
	if (!tenantId || !clientId) return `delegated:${connection.credentialType}:${tenantId}:${connection.graphHost}`;
	return `app:${tenantId.toLowerCase()}:${clientId.toLowerCase()}:${connection.graphHost}`;
}

export class ClientLimit implements Middleware {
	private next?: Middleware;
	private readonly limiter: Limiter;

	constructor(connection: GraphConnection) {
		this.limiter = limiterFor(limitScope(connection));
	}

	setNext(next: Middleware): void {
		this.next = next;
	}

	async execute(context: Context): Promise<void> {
		const state = callState(context);
		const release = await this.limiter.acquire(state.limits);
		try {
			await this.next!.execute(context);
		} finally {
			release();
		}
	}
}
