// A team's messaging settings (resources/teammessagingsettings.md, https://learn.microsoft.com/en-us/graph/api/resources/teammessagingsettings):
// allowUserEditMessages ("users can edit their messages"), allowUserDeleteMessages ("users can delete their
// messages"), allowOwnerDeleteMessages ("owners can delete any message"), true unless the team's owner or an
// admin turned them off. They apply to channel messages of the team, through Graph as in the Teams client.
// Microsoft documents neither the status nor the text Graph answers when a setting forbids an edit or delete;
// the emulator answers 403 Forbidden naming the setting (the safer reading: a refusal the caller must handle).
import type { TenantState } from '../state/tenantState';

export interface TeamMessagingSettings {
	allowUserEditMessages: boolean;
	allowUserDeleteMessages: boolean;
	allowOwnerDeleteMessages: boolean;
}

const DEFAULTS: TeamMessagingSettings = { allowUserEditMessages: true, allowUserDeleteMessages: true, allowOwnerDeleteMessages: true };

function store(state: TenantState): Record<string, Partial<TeamMessagingSettings>> {
	return state.area<Record<string, Partial<TeamMessagingSettings>>>('teamMessagingSettings', () => ({}));
}

export function teamMessagingSettings(state: TenantState, teamId: string): TeamMessagingSettings {
	return { ...DEFAULTS, ...(store(state)[teamId] ?? {}) };
}

/** Changes a team's messaging settings, as its owner would in Teams (team > Manage team > Settings > @mentions / Member permissions). */
export function setTeamMessagingSettings(state: TenantState, teamId: string, changes: Partial<TeamMessagingSettings>): TeamMessagingSettings {
	const known = Object.fromEntries(
		Object.entries(changes).filter(([key, value]) => key in DEFAULTS && typeof value === 'boolean'),
	) as Partial<TeamMessagingSettings>;
	store(state)[teamId] = { ...(store(state)[teamId] ?? {}), ...known };
	return teamMessagingSettings(state, teamId);
}
