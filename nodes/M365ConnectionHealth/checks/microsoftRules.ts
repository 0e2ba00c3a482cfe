/**
 * Checks of Microsoft's rules beyond permissions, for the tenant app:
 * - Teams' protected APIs (https://learn.microsoft.com/en-us/graph/teams-protected-apis): an app-only read of one
 *   channel's newest message shows whether Microsoft approved the app (the triggers need it to read channel and chat
 *   messages with the tenant app);
 * - the Exchange scope of chosen mailboxes: RBAC for Applications or an application access policy may keep the app
 *   out of a mailbox even with Mail.Read consented (nodes/shared/mailboxScope.ts).
 */
import type { Channel, Team } from '@microsoft/microsoft-graph-types';
import type { IExecuteFunctions } from 'n8n-workflow';

import { mailboxPath, parseMailboxReference } from '../../shared/descriptions/mailbox';
import { mailboxScopeFix, mailboxScopeRefusal } from '../../shared/mailboxScope';
import { isProtectedApiDenial, PROTECTED_API_FIX } from '../../shared/protectedApis';
import { graphFor, TENANT_APP_CREDENTIAL } from '../../shared/transport';
import { check, type CheckResult } from './report';

interface Failure {
	status: number;
	code?: string;
	message: string;
}

function failureOf(error: unknown): Failure {
	const e = error as { context?: { status?: unknown; graphCode?: unknown }; httpCode?: string; message?: string };
	return {
		status: Number(e.context?.status ?? e.httpCode ?? 0),
		code: typeof e.context?.graphCode === 'string' ? e.context.graphCode : undefined,
		message: String(e.message ?? error),
	};
}

async function attempt<T>(call: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; failure: Failure }> {
	try {
		return { ok: true, value: await call() };
	} catch (error) {
		return { ok: false, failure: failureOf(error) };
	}
}

/** A channel to probe: the first channel of the first team the app sees. */
async function someChannel(context: IExecuteFunctions): Promise<{ teamId: string; channelId: string } | undefined> {
	const graph = graphFor(context);
	const teams = await graph.request<{ value?: Team[] }>({ credentialType: TENANT_APP_CREDENTIAL, method: 'GET', url: '/teams', qs: { $top: 1, $select: 'id' } });
	const teamId = teams?.value?.[0]?.id;
	if (!teamId) return undefined;
	const channels = await graph.request<{ value?: Channel[] }>({ credentialType: TENANT_APP_CREDENTIAL, method: 'GET', url: `/teams/${teamId}/channels`, qs: { $select: 'id' } });
	const channelId = channels?.value?.[0]?.id;
	return channelId ? { teamId, channelId } : undefined;
}

export async function checkProtectedApis(this: IExecuteFunctions, roles: string[]): Promise<CheckResult | undefined> {
	const reads = ['ChannelMessage.Read.All', 'Chat.Read.All', 'Chat.ReadWrite.All', 'ChatMessage.Read.All'];
	if (!roles.some((role) => reads.includes(role))) return undefined;
	const found = await attempt(async () => await someChannel(this));
	if (!found.ok || !found.value) {
		return check('tenantApp', 'protectedApis', 'warning', "Could not find a team channel to check Teams' protected APIs with.", 'Grant Team.ReadBasic.All and Channel.ReadBasic.All to let this check find a channel, or read a channel message with the trigger to see.');
	}
	const { teamId, channelId } = found.value;
	const probe = await attempt(
		async () =>
			await graphFor(this).request({
				credentialType: TENANT_APP_CREDENTIAL,
				method: 'GET',
				url: `/teams/${teamId}/channels/${encodeURIComponent(channelId)}/messages`,
				qs: { $top: 1 },
			}),
	);
	if (probe.ok) {
		return check('tenantApp', 'protectedApis', 'ok', "Microsoft approved the app for Teams' protected APIs: it can read channel and chat messages app-only.", null, { teamId, channelId });
	}
	if (isProtectedApiDenial(probe.failure)) {
		return check(
			'tenantApp',
			'protectedApis',
			'warning',
			"Microsoft has not approved the app for Teams' protected APIs: the triggers cannot read channel or chat messages with the tenant app.",
			PROTECTED_API_FIX,
			{ teamId, channelId },
		);
	}
	return check('tenantApp', 'protectedApis', 'warning', `Could not check Teams' protected APIs: ${probe.failure.message}`, null, { teamId, channelId });
}

/** Whether the app can read each mailbox: ok, outside its Exchange scope, missing consent, or not found. */
export async function checkMailboxes(this: IExecuteFunctions, mailboxes: string[]): Promise<CheckResult[]> {
	const results: CheckResult[] = [];
	for (const raw of mailboxes) {
		const reference = parseMailboxReference(raw);
		if (!reference || reference === 'me') {
			results.push(check('tenantApp', 'mailboxAccess', 'error', `"${raw}" is not a mailbox address or user ID.`, 'Give mailbox addresses or user object IDs, separated by commas.', { mailbox: raw }));
			continue;
		}
		const read = await attempt(
			async () => await graphFor(this).request({ credentialType: TENANT_APP_CREDENTIAL, method: 'GET', url: `${mailboxPath(reference)}/mailFolders/inbox`, qs: { $select: 'id' } }),
		);
		if (read.ok) {
			results.push(check('tenantApp', 'mailboxAccess', 'ok', `The app can read mailbox "${reference}".`, null, { mailbox: reference }));
			continue;
		}
		const scope = mailboxScopeRefusal(read.failure);
		if (scope) {
			results.push(
				check('tenantApp', 'mailboxAccess', 'error', `Mailbox "${reference}" is outside this app's scope (${scope === 'rbacForApplications' ? 'Exchange RBAC for Applications' : 'Exchange application access policy'}).`, mailboxScopeFix(reference, scope), { mailbox: reference, scope }),
			);
		} else if (read.failure.status === 403 || read.failure.status === 401) {
			results.push(check('tenantApp', 'mailboxAccess', 'error', `The app may not read mail in mailbox "${reference}": ${read.failure.message}`, 'Grant the application permission Mail.Read (admin consent), or assign the app an Exchange RBAC for Applications role covering this mailbox.', { mailbox: reference }));
		} else if (read.failure.status === 404) {
			results.push(check('tenantApp', 'mailboxAccess', 'error', `Mailbox "${reference}" was not found or is not enabled for the REST API.`, 'Check the address; shared mailboxes work, on-premises mailboxes do not.', { mailbox: reference }));
		} else {
			results.push(check('tenantApp', 'mailboxAccess', 'warning', `Could not check mailbox "${reference}": ${read.failure.message}`, null, { mailbox: reference }));
		}
	}
	return results;
}
