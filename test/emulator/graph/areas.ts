// Every Graph area, registered once per emulator. To add an area: create graph/<area>.ts exporting
// `register<Area>(graph: GraphRouter)` and add one import and one call below (see test/emulator/README.md).
import { registerBatch } from './batch';
import { registerChannelThreads } from './channelThreads';
import { registerSystemMessages } from './systemMessages';
import { registerTeamsRules } from './teamsRules';
import { registerChats } from './chats';
import { registerControl } from './control';
import { registerDirectory } from './directory';
import { registerExtensionProperties } from './extensionProperties';
import { registerInvitations } from './invitations';
import type { GraphRouter } from './router';
import { registerTeamMemberWrites } from './teamMemberWrites';
import { registerTeams } from './teams';
import { registerMailArea } from './mail';
import { registerPresenceArea } from './presence';
import { registerReplication } from './replication';
import { registerSubscriptions } from './subscriptions';
import { registerUsers } from './users';

export function registerAllAreas(graph: GraphRouter): void {
	registerControl(graph);
	registerBatch(graph);
	registerUsers(graph);
	registerDirectory(graph);
	// Areas owned by other helpers: one line each, below this comment.
	registerMailArea(graph);
	registerInvitations(graph);
	registerExtensionProperties(graph);
	registerTeamMemberWrites(graph);
	registerSubscriptions(graph);
	registerTeams(graph);
	registerChats(graph);
	registerPresenceArea(graph);
	registerReplication(graph);
	registerTeamsRules(graph);
	registerChannelThreads(graph);
	registerSystemMessages(graph);
}
