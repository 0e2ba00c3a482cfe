// The examples in examples/ are written for a user's own tenant: placeholder team and channel IDs, contoso.com
// mailboxes, `*.example.com` systems, nightly schedules. The demo binds them to the emulator tenant and to the
// local stand-ins of those systems (standIns.ts), and shortens schedules so that a newcomer sees them work in the
// first minute. Examples that need a service the demo cannot stand in for (Slack: n8n's Slack nodes call
// slack.com) are imported but left inactive, with the reason printed. The two-way bridges' Data table is created
// as the README tells users to.
import type { WorkflowImport } from '../n8n-runtime';

export interface DemoTenant {
	salesTeamId: string;
	salesGeneralChannelId: string;
	/** user principal names by seed key (adele, alex, support, salesDesk, megan, ...) */
	upn: Record<string, string>;
}

interface DemoNode {
	type: string;
	parameters: Record<string, unknown>;
	[field: string]: unknown;
}

/** How often scheduled examples run in the demo (their own schedules are hourly to daily). */
export const DEMO_SCHEDULE_SECONDS = 30;

const SLACK_REASON = "needs a Slack workspace (n8n's Slack nodes call slack.com); import it into your own n8n";
const DATA_TABLE_REASON = "needs its Data table (README: Two-way bridges), which the demo could not create";

/** Placeholder in the examples -> the demo tenant's value. */
function placeholders(tenant: DemoTenant, standInsUrl: string): Array<[string, string]> {
	return [
		['61165b04-e4cc-4026-b43f-926b4e2a7182', tenant.salesTeamId],
		['00000000-0000-0000-0000-000000000000', tenant.salesTeamId],
		['REPLACE-WITH-TEAM-ID', tenant.salesTeamId],
		['19:4a95f7d8db4c4e7fae857bcebe0623e6@thread.tacv2', tenant.salesGeneralChannelId],
		['support@contoso.com', tenant.upn.support],
		['salesdesk@contoso.com', tenant.upn.salesDesk],
		['sales@contoso.com', tenant.upn.salesDesk],
		['adelev@contoso.com', tenant.upn.adele],
		['alexw@contoso.com', tenant.upn.alex],
		['ceo@contoso.com', tenant.upn.megan],
		['https://contact-center.example.com', `${standInsUrl}/contact-center`],
		['https://helpdesk.example.com', `${standInsUrl}/helpdesk`],
		['https://chat.example.com', `${standInsUrl}/chat`],
		['https://partners.example.com', `${standInsUrl}/partners`],
	];
}

function fasterTriggers(node: DemoNode): DemoNode {
	if (node.type === 'n8n-nodes-base.scheduleTrigger') {
		return { ...node, parameters: { ...node.parameters, rule: { interval: [{ field: 'seconds', secondsInterval: DEMO_SCHEDULE_SECONDS }] } } };
	}
	// n8n polls at most once a minute.
	if (node.parameters.pollTimes !== undefined) {
		return { ...node, parameters: { ...node.parameters, pollTimes: { item: [{ mode: 'everyMinute' }] } } };
	}
	return node;
}

export function bindExample(workflow: WorkflowImport, tenant: DemoTenant, standInsUrl: string): WorkflowImport {
	let text = JSON.stringify(workflow);
	for (const [placeholder, value] of placeholders(tenant, standInsUrl)) text = text.split(placeholder).join(value);
	const bound = JSON.parse(text) as WorkflowImport;
	return { ...bound, nodes: (bound.nodes as DemoNode[]).map(fasterTriggers) };
}

/**
 * Which examples the demo activates: true, else why not. The two-way bridges keep their id mapping in an n8n
 * Data table, which the demo creates first (`bridgeTable`: whether that worked).
 */
export function demoActivation(bridgeTable: boolean): (file: string, workflow: WorkflowImport) => true | string {
	return (_file, workflow) => {
		const usesSlack = (workflow.nodes as DemoNode[]).some((node) => /^n8n-nodes-base\.slack/.test(node.type));
		if (usesSlack) return SLACK_REASON;
		if (!bridgeTable && (workflow.nodes as DemoNode[]).some((node) => node.type === 'n8n-nodes-base.dataTable')) return DATA_TABLE_REASON;
		return true;
	};
}
