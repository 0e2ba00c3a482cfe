/**
 * Holds each attempt of a Graph call to Microsoft's throttling limits (see ../limiter.ts): waits for room in the
 * app's rate windows and for a free concurrency slot on the mailbox, and keeps the slot until the answer came.
 * Sits below the retry handler, so a retried attempt waits its turn like any other request.
 */
import type { Context, Middleware } from '@microsoft/microsoft-graph-client';

import type { GraphConnection } from '../connection';
import { limiterFor, type Limiter } from '../limiter';
import { callState } from './callState';

/** The app and tenant a connection's limits belong to. */
export function limitScope(connection: GraphConnection): string {
	return connection.kind === 'tenantApp'
		? `app:${connection.settings.tenantId}:${connection.settings.clientId}:${connection.graphHost}`
		: `delegated:${connection.credentialType}:${connection.tenantId}:${connection.graphHost}`;
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
