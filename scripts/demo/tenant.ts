// What the demo needs to know of the emulator tenant (read from its state, not hard-coded), and the one-time
// set-up an admin does in a real tenant before the first guest sync.
import type { EmulatorProcess } from '../n8n-runtime';
import type { DemoTenant } from './bindings';

interface TenantSnapshot {
	teams: Record<string, { group: { id: string; displayName: string } }>;
	channels: Record<string, { teamId: string; channel: { id: string; displayName: string } }>;
	chats: Record<string, { chat: { id: string; chatType: string }; members: Array<{ userId?: string }> }>;
}

export interface DemoTenantFacts extends DemoTenant {
	/** the one-on-one chat of Adele and the integration account */
	customerChatId: string;
}

export async function discoverDemoTenant(emulator: EmulatorProcess): Promise<DemoTenantFacts> {
	const state = await emulator.control<TenantSnapshot>('GET', '/state');
	const users = emulator.info.users;
	const sales = Object.values(state.teams).find((team) => team.group.displayName === 'Sales');
	if (!sales) throw new Error('the emulator tenant has no Sales team');
	const general = Object.values(state.channels).find(
		(channel) => channel.teamId === sales.group.id && channel.channel.displayName === 'General',
	);
	if (!general) throw new Error('the Sales team of the emulator has no General channel');
	const chat = Object.values(state.chats).find((candidate) => {
		const members = new Set(candidate.members.map((member) => member.userId));
		return candidate.chat.chatType === 'oneOnOne' && members.has(users.adele.id) && members.has(users.integration.id);
	});
	if (!chat) throw new Error('the emulator tenant has no chat between Adele and the integration account');
	return {
		salesTeamId: sales.group.id,
		salesGeneralChannelId: general.channel.id,
		customerChatId: chat.chat.id,
		upn: Object.fromEntries(Object.entries(users).map(([key, user]) => [key, user.upn])),
	};
}

/**
 * The guest sync's marker attribute (docs/nodes/M365GuestSync.md, "The marker"), registered on the app once, as an
 * admin does with Graph Explorer in a real tenant (here through the emulator's control API: no admin token needed).
 */
export async function registerGuestSyncMarker(emulator: EmulatorProcess): Promise<void> {
	await emulator.control('POST', '/extensionProperties', { appId: emulator.info.clientId, name: 'm365GuestSyncSource', targetObjects: ['User'] });
}

/**
 * Microsoft's approval of the demo app for Teams' protected APIs (https://learn.microsoft.com/en-us/graph/teams-protected-apis),
 * which a production tenant requests once with Microsoft's form; the emulator gives it to no new app. The demo's
 * Connection Health example then shows the approved state (the demo's chat triggers read delegated and need none).
 */
export async function approveProtectedApis(emulator: EmulatorProcess): Promise<void> {
	await emulator.control('POST', `/apps/${emulator.info.clientId}/protectedApiAccess`, { approved: true });
}
