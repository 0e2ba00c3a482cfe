// Microsoft's polling requirements for Teams (https://learn.microsoft.com/en-us/graph/api/resources/teams-api-overview#polling-requirements):
// an app may poll a Teams resource at most once a day, with a date range where supported; polling more often may
// bring extra throttling, suspension or termination of the app's use of Microsoft's APIs. Mail and presence are
// not under this rule. Pure: reads n8n's "Poll Times" parameter and says what is wrong with it, if anything.
import type { IDataObject } from 'n8n-workflow';

import type { TriggerEvent } from './targets';

export const TEAMS_MESSAGE_EVENTS: readonly TriggerEvent[] = ['newChannelMessage', 'newChannelReply', 'newChatMessage'];

/** n8n's default for a polling node's "Poll Times" (every minute), used when the parameter is absent. */
const N8N_DEFAULT_POLL_TIMES: IDataObject = { item: [{ mode: 'everyMinute' }] };

export function isTeamsMessageEvent(event: TriggerEvent): boolean {
	return TEAMS_MESSAGE_EVENTS.includes(event);
}

/** Whether one "Poll Times" entry fires at most once a day. */
function atMostDaily(item: IDataObject): boolean {
	switch (item.mode) {
		case 'everyDay':
		case 'everyWeek':
		case 'everyMonth':
			return true;
		case 'everyX':
			// n8n turns "every N hours" into the cron hour field */N: at most once a day only from 24 up.
			return item.unit === 'hours' && Number(item.value) >= 24;
		case 'custom': {
			// Once a day at most when the seconds (6-field form), minute and hour fields each name one value.
			const fields = String(item.cronExpression ?? '').trim().split(/\s+/);
			const timeFields = fields.length === 6 ? fields.slice(0, 3) : fields.length === 5 ? fields.slice(0, 2) : [];
			return timeFields.length > 0 && timeFields.every((field) => /^\d+$/.test(field));
		}
		default:
			return false;
	}
}

/**
 * Why these poll times break Microsoft's Teams polling rule, or undefined when they keep it. `pollTimes` is the
 * node's "Poll Times" parameter (`{ item: [...] }`); absent means n8n's default, every minute.
 */
export function teamsPollingProblem(pollTimes: IDataObject | undefined): string | undefined {
	const items = ((pollTimes ?? N8N_DEFAULT_POLL_TIMES).item as IDataObject[] | undefined) ?? [];
	if (items.length === 0) return undefined;
	if (items.length > 1) return `"Poll Times" has ${items.length} entries, so the trigger would poll more than once a day`;
	if (!atMostDaily(items[0])) return `"Poll Times" (${describe(items[0])}) polls more than once a day`;
	return undefined;
}

function describe(item: IDataObject): string {
	switch (item.mode) {
		case 'everyMinute':
			return 'every minute';
		case 'everyHour':
			return 'every hour';
		case 'everyX':
			return `every ${String(item.value)} ${String(item.unit)}`;
		case 'custom':
			return `cron "${String(item.cronExpression)}"`;
		default:
			return String(item.mode);
	}
}

export const TEAMS_POLLING_FIX =
	'Microsoft allows an app to poll Teams messages at most once a day (Teams API overview, "Polling requirements"); more often can get the app throttled or suspended. Set "Poll Times" to Every Day (or Every Week / Every Month), or use the Microsoft 365 Trigger (webhook) node, which Microsoft notifies within seconds. Mail and presence events may be polled more often.';
