/**
 * Health of the integration account: it is signed in (and who it is), it has a Teams licence, it is a member of
 * the teams and private channels it must post into, and its sign-in is in use often enough not to lapse (Entra
 * ends a refresh token unused for 90 days).
 */
import type { Channel, ConversationMember, LicenseDetails, Team, User } from '@microsoft/microsoft-graph-types';
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { readTokenClaims } from '../../shared/auth/jwt';
import { asNodeError } from '../../shared/nodeErrors';
import { parseChannelId, parseTeamId } from '../../shared/descriptions/rlc';
import { graphFailureOf, graphFor, INTEGRATION_ACCOUNT_CREDENTIAL } from '../../shared/transport';
import { check, daysBetween, type CheckResult } from './report';

export interface MembershipTarget {
	team: string;
	channel?: string;
}

export interface IntegrationAccountCheckOptions {
	memberships: MembershipTarget[];
	inactivityWarningDays: number;
	now: number;
}

/** Refresh tokens lapse after 90 days without use. */
const REFRESH_TOKEN_INACTIVITY_DAYS = 90;

function lastRefresh(tokenData: IDataObject | undefined): number | undefined {
	const accessToken = typeof tokenData?.access_token === 'string' ? tokenData.access_token : '';
	const issuedAt = accessToken ? readTokenClaims(accessToken) as { iat?: number } : {};
	if (typeof issuedAt.iat === 'number') return issuedAt.iat * 1000;
	const expiresAt = Number(tokenData?.n8n_expires_at);
	const expiresIn = Number(tokenData?.expires_in);
	return Number.isFinite(expiresAt) && Number.isFinite(expiresIn) ? expiresAt - expiresIn * 1000 : undefined;
}

async function checkMembership(this: IExecuteFunctions, me: User, target: MembershipTarget, joinedTeams: Team[]): Promise<CheckResult> {
	const graph = graphFor(this);
	const teamId = parseTeamId(target.team);
	if (!teamId) {
		return check('integrationAccount', 'membership', 'error', `"${target.team}" is not a team ID or Teams link.`, 'Give the team ID (a GUID) or the link from the team\'s "..." > Get link to team.');
	}
	const team = joinedTeams.find((t) => t.id === teamId);
	if (!team) {
		return check('integrationAccount', 'membership', 'error', `The integration account ${me.userPrincipalName} is not a member of team ${teamId}.`, 'Add it in Teams: team > ... > Manage team > Members > Add member.', { teamId });
	}
	if (!target.channel) {
		return check('integrationAccount', 'membership', 'ok', `Member of team "${team.displayName}".`, null, { teamId });
	}
	const channelId = parseChannelId(target.channel);
	if (!channelId) {
		return check('integrationAccount', 'membership', 'error', `"${target.channel}" is not a channel ID or Teams link.`, 'Give the channel ID (19:…@thread.tacv2) or the link from the channel\'s "..." > Get link to channel.');
	}
	const base = `/teams/${encodeURIComponent(teamId)}/channels/${encodeURIComponent(channelId)}`;
	try {
		const channel = await graph.request<Channel>({ credentialType: INTEGRATION_ACCOUNT_CREDENTIAL, method: 'GET', url: base });
		if (channel.membershipType === 'standard' || !channel.membershipType) {
			return check('integrationAccount', 'membership', 'ok', `Member of team "${team.displayName}", which includes its standard channel "${channel.displayName}".`, null, { teamId, channelId });
		}
		const members = await graph.all<ConversationMember & { userId?: string }>({ credentialType: INTEGRATION_ACCOUNT_CREDENTIAL, method: 'GET', url: `${base}/members` });
		const isMember = members.some((m) => m.userId === me.id);
		return isMember
			? check('integrationAccount', 'membership', 'ok', `Member of ${channel.membershipType} channel "${channel.displayName}".`, null, { teamId, channelId })
			: check('integrationAccount', 'membership', 'error', `The integration account ${me.userPrincipalName} is not a member of ${channel.membershipType} channel "${channel.displayName}".`, 'In Teams, an owner of the channel adds it: channel > ... > Manage channel > Members > Add.', { teamId, channelId });
	} catch (error) {
		const failure = graphFailureOf(error);
		if (failure && (failure.status === 403 || failure.status === 404)) {
			// Graph hides a private channel from users who are not its members.
			return check('integrationAccount', 'membership', 'error', `The integration account ${me.userPrincipalName} is not a member of channel ${channelId} of team "${team.displayName}", or the channel does not exist (${failure.code}).`, 'For a private channel, an owner adds it in Teams: channel > ... > Manage channel > Members > Add. Otherwise check the channel link.', { teamId, channelId });
		}
		throw asNodeError(error, this.getNode());
	}
}

export async function checkIntegrationAccount(this: IExecuteFunctions, options: IntegrationAccountCheckOptions): Promise<CheckResult[]> {
	const graph = graphFor(this);
	let me: User;
	try {
		me = await graph.request<User>({ credentialType: INTEGRATION_ACCOUNT_CREDENTIAL, method: 'GET', url: '/me', qs: { $select: 'id,displayName,userPrincipalName' } });
	} catch (error) {
		return [check('integrationAccount', 'signedIn', 'error', (error as Error).message, 'Open the integration account credential and click Connect again, signing in as the integration account.')];
	}
	const credentials = await this.getCredentials(INTEGRATION_ACCOUNT_CREDENTIAL);
	const tokenData = credentials.oauthTokenData as IDataObject | undefined;
	const tenant = typeof tokenData?.access_token === 'string' ? readTokenClaims(tokenData.access_token).tid : undefined;
	const results: CheckResult[] = [
		check('integrationAccount', 'signedIn', 'ok', `Signed in as ${me.displayName} (${me.userPrincipalName})${tenant ? ` in tenant ${tenant}` : ''}.`, null, { userId: me.id ?? null, userPrincipalName: me.userPrincipalName ?? null, tenantId: tenant ?? null }),
	];

	const licences = await graph.all<LicenseDetails>({ credentialType: INTEGRATION_ACCOUNT_CREDENTIAL, method: 'GET', url: '/me/licenseDetails' });
	const teamsPlan = licences.some((sku) => (sku.servicePlans ?? []).some((plan) => /^TEAMS/i.test(plan.servicePlanName ?? '') && plan.provisioningStatus !== 'Disabled'));
	const skus = licences.map((sku) => sku.skuPartNumber).filter(Boolean).join(', ');
	results.push(
		teamsPlan
			? check('integrationAccount', 'teamsLicence', 'ok', `Has a Teams licence (${skus}).`)
			: check('integrationAccount', 'teamsLicence', 'error', `Has no Teams licence${skus ? ` (licences: ${skus})` : ''}, so it cannot post messages.`, 'Assign a licence that includes Microsoft Teams in the Microsoft 365 admin center.'),
	);

	const refreshedAt = lastRefresh(tokenData);
	if (refreshedAt !== undefined) {
		const days = daysBetween(refreshedAt, options.now);
		const left = REFRESH_TOKEN_INACTIVITY_DAYS - days;
		results.push(
			days >= options.inactivityWarningDays
				? check('integrationAccount', 'signInActivity', 'warning', `The sign-in was last refreshed ${days} days ago; Entra ends it after ${REFRESH_TOKEN_INACTIVITY_DAYS} days without use (${left} left).`, 'Run a workflow that uses the integration account, or click Connect again.', { daysSinceRefresh: days })
				: check('integrationAccount', 'signInActivity', 'ok', `The sign-in was last refreshed ${days} day${days === 1 ? '' : 's'} ago.`, null, { daysSinceRefresh: days }),
		);
	}

	if (options.memberships.length) {
		let joinedTeams: Team[] = [];
		try {
			joinedTeams = await graph.all<Team>({ credentialType: INTEGRATION_ACCOUNT_CREDENTIAL, method: 'GET', url: '/me/joinedTeams' });
		} catch (error) {
			const failure = graphFailureOf(error);
			if (failure?.status !== 403) throw asNodeError(error, this.getNode());
			results.push(check('integrationAccount', 'membership', 'error', 'The integration account may not list its teams.', 'Reconnect the credential after an admin consented to Team.ReadBasic.All.'));
			return results;
		}
		for (const target of options.memberships) results.push(await checkMembership.call(this, me, target, joinedTeams));
	}
	return results;
}
