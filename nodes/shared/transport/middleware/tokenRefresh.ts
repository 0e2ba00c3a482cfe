/**
 * Resends a request once with a fresh token when Graph says the token is no longer valid. Graph answers 401, or on
 * some Teams endpoints 403 with code InvalidAuthenticationToken (the reason n8n's Teams node breaks after an hour).
 * For the tenant app, msal re-mints without its cache; for delegated credentials, n8n refreshes (on 401 it already
 * did inside its OAuth2 helper, so only the 403 case needs a resend).
 */
import type { Context, Middleware } from '@microsoft/microsoft-graph-client';

import type { GraphConnection } from '../connection';
import { callState } from './callState';

async function isExpiredTokenAnswer(response: Response | undefined, connection: GraphConnection): Promise<boolean> {
	if (!response) return false;
	if (response.status === 401) return connection.kind === 'tenantApp';
	if (response.status !== 403) return false;
	try {
		const body = (await response.clone().json()) as { error?: { code?: string } };
		return body?.error?.code === 'InvalidAuthenticationToken';
	} catch {
		return false;
	}
}

export class TokenRefresh implements Middleware {
	private next?: Middleware;

	constructor(private readonly connection: GraphConnection) {}

	setNext(next: Middleware): void {
		this.next = next;
	}

	async execute(context: Context): Promise<void> {
		await this.next!.execute(context);
		if (!(await isExpiredTokenAnswer(context.response, this.connection))) return;
		const state = callState(context);
		state.forceTokenRefresh = true;
		try {
			await this.next!.execute(context);
		} finally {
			state.forceTokenRefresh = false;
		}
	}
}
