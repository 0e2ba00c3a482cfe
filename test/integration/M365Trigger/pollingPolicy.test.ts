// The Microsoft 365 Polling Trigger under Microsoft's Teams rules: poll times Microsoft allows (once a day), the
// channel-messages delta query with its date range, chats read with their date range, protected APIs explained,
// and one poll committing all or nothing (a failing later target loses nothing).
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { queryOf, SEED_APPS, SEED_CHANNELS, SEED_CHATS, SEED_TEAMS, SEED_USERS, type Emulator } from '../../emulator';
import { buildChatMessage } from '../../emulator/state/builders';
import { runPoll } from '../../harness';
import { M365PollingTrigger } from '../../../nodes/M365PollingTrigger/M365PollingTrigger.node';
import { integrationAccountCredentialData } from '../../support/emulatorCredentials';
import { approveProtectedApis, credentialsFor, DAILY, mailParameters, Poller, startTenant, SUPPORT } from './setup';

const SALES = SEED_TEAMS.sales.id;
const GENERAL = SEED_CHANNELS.salesGeneral;
const DEALS = SEED_CHANNELS.salesDeals;
let sequence = 0;

function channelMessage(emulator: Emulator, channelId: string, content: string, replyToId?: string) {
	return emulator.state.addChannelMessage(
		SALES,
		channelId,
		buildChatMessage({
			createdDateTime: emulator.clock.now().toISOString(),
			from: emulator.state.user(SEED_USERS.adele.id)!,
			content,
			channel: { teamId: SALES, channelId },
			replyToId,
			sequence: ++sequence,
		}),
	);
}

const channelParameters = (extra: INodeParameters = {}): INodeParameters => ({
	authentication: 'm365TenantAppApi',
	event: 'newChannelMessage',
	includeReplies: true,
	channelScope: 'channel',
	teamId: { __rl: true, mode: 'id', value: SALES },
	channelId: { __rl: true, mode: 'id', value: GENERAL.id },
	pollTimes: DAILY,
	...extra,
});

const DELTA_ROUTE = 'GET /teams/:teamId/channels/:channelId/messages/delta';

describe('Polling Trigger: Microsoft Teams polling requirements', () => {
	let emulator: Emulator;
	beforeEach(async () => {
		// An hour behind real time: the node places cursors by its own clock, the emulator stamps messages by its.
		emulator = await startTenant(new Date(Date.now() - 3600_000).toISOString());
	});
	afterEach(async () => {
		await emulator.close();
	});

	it.each([
		[{ item: [{ mode: 'everyMinute' }] }, /every minute/],
		[{ item: [{ mode: 'everyX', value: 2, unit: 'hours' }] }, /every 2 hours/],
		[{ item: [{ mode: 'everyDay', hour: 9, minute: 0 }, { mode: 'everyDay', hour: 17, minute: 0 }] }, /2 entries/],
		[{ item: [{ mode: 'custom', cronExpression: '0 */5 * * * *' }] }, /cron/],
		[undefined, /every minute/],
	])('refuses poll times %j for Teams messages, with the reason and the webhook alternative', async (pollTimes, reason) => {
		await approveProtectedApis(emulator);
		const result = await runPoll({
			nodeType: new M365PollingTrigger(),
			parameters: channelParameters({ pollTimes: pollTimes as never }),
			credentials: credentialsFor(emulator) as never,
		});
		expect(result.error?.message).toMatch(reason);
		expect(result.error?.message).toContain('at most once a day');
		expect(String(result.error?.description)).toContain('Microsoft 365 Trigger (webhook)');
		expect(emulator.requests.count({ route: DELTA_ROUTE })).toBe(0);
	});

	it('accepts daily, weekly and monthly poll times, and mail every minute', async () => {
		await approveProtectedApis(emulator);
		for (const pollTimes of [DAILY, { item: [{ mode: 'everyWeek', hour: 9, minute: 0, weekday: '1' }] }, { item: [{ mode: 'custom', cronExpression: '0 30 6 * * *' }] }]) {
			expect((await runPoll({ nodeType: new M365PollingTrigger(), parameters: channelParameters({ pollTimes }), credentials: credentialsFor(emulator) as never })).error).toBeUndefined();
		}
		const mail = await runPoll({
			nodeType: new M365PollingTrigger(),
			parameters: { ...mailParameters([SUPPORT]), pollTimes: { item: [{ mode: 'everyMinute' }] } },
			credentials: credentialsFor(emulator) as never,
		});
		expect(mail.error).toBeUndefined();
	});

	it('reads a channel once a day through the delta query with its date range, and catches a reply to an old thread', async () => {
		await approveProtectedApis(emulator);
		const old = channelMessage(emulator, GENERAL.id, 'old thread');
		emulator.clock.advance(3600);
		const activatedAt = Date.now();
		const poller = new Poller(emulator, channelParameters());
		expect(await poller.poll()).toEqual([]);
		// Activation reads nothing: the cursor is a time.
		expect(emulator.requests.count({ route: DELTA_ROUTE })).toBe(0);

		emulator.clock.advance(24 * 3600);
		const root = channelMessage(emulator, GENERAL.id, 'new root');
		emulator.clock.advance(60);
		const lateReply = channelMessage(emulator, GENERAL.id, 'reply to the old thread', old.id);
		emulator.clock.advance(60);
		const polled = await poller.poll();
		expect(polled.map((m) => m.id)).toEqual([root.id, lateReply.id]);
		const [first] = emulator.requests.entries().filter((e) => e.route === DELTA_ROUTE);
		expect(queryOf(first)).toMatchObject({ $filter: expect.stringMatching(/^lastModifiedDateTime gt \d{4}-/), $expand: 'replies', $top: '50' });
		// The date range starts just before activation (a 5-minute margin for clock skew).
		const rangeStart = Date.parse(queryOf(first).$filter.replace('lastModifiedDateTime gt ', ''));
		expect(activatedAt - rangeStart).toBeGreaterThanOrEqual(5 * 60_000 - 1000);
		expect(activatedAt - rangeStart).toBeLessThan(6 * 60_000);

		emulator.clock.advance(24 * 3600);
		const next = channelMessage(emulator, GENERAL.id, 'next day');
		expect((await poller.poll()).map((m) => m.id)).toEqual([next.id]);
		// One read per day (the token expired in between: its 401 is not a read).
		const reads = emulator.requests.entries().filter((e) => e.route === DELTA_ROUTE && e.status === 200);
		expect(reads).toHaveLength(2);
		expect(queryOf(reads[1]).$deltatoken).toBeDefined();
	});

	it('reads one chat with its date range, newest change first', async () => {
		await approveProtectedApis(emulator);
		const parameters: INodeParameters = {
			authentication: 'm365TenantAppApi',
			event: 'newChatMessage',
			chatScope: 'chat',
			chatId: { __rl: true, mode: 'id', value: SEED_CHATS.projectFalcon.id },
			pollTimes: DAILY,
		};
		const poller = new Poller(emulator, parameters);
		expect(await poller.poll()).toEqual([]);
		emulator.clock.advance(24 * 3600);
		const megan = emulator.state.user(SEED_USERS.megan.id)!;
		const message = emulator.state.addChatMessage(
			SEED_CHATS.projectFalcon.id,
			buildChatMessage({ createdDateTime: emulator.clock.now().toISOString(), from: megan, content: 'hello', chatId: SEED_CHATS.projectFalcon.id, sequence: ++sequence }),
		);
		expect((await poller.poll()).map((m) => m.id)).toEqual([message.id]);
		const read = emulator.requests.entries().find((e) => e.route === 'GET /chats/:chatId/messages');
		expect(queryOf(read!)).toMatchObject({ $orderby: 'lastModifiedDateTime desc', $filter: expect.stringMatching(/^lastModifiedDateTime gt /) });
	});

	it('explains a missing protected-API approval and how to request it', async () => {
		const poller = new Poller(emulator, channelParameters());
		await poller.poll();
		emulator.clock.advance(24 * 3600);
		const error = await poller.poll().then(
			() => undefined,
			(e: unknown) => e as { message: string; description?: string },
		);
		expect(error?.message).toContain('Protected API access');
		expect(String(error?.description)).toContain('https://aka.ms/teamsgraph/requestaccess');
		expect(String(error?.description)).toContain('Integration Account');
	});

	it("reads Teams messages with the integration account's delegated permissions when chosen: no approval needed", async () => {
		// The tenant app is not approved for protected APIs; the integration account (a member of Sales) reads.
		const credentials = { ...credentialsFor(emulator), m365IntegrationAccountOAuth2Api: await integrationAccountCredentialData(emulator) };
		const poller = new Poller(emulator, channelParameters({ authentication: 'tenantAppDelegatedReads' }), credentials);
		expect(await poller.poll()).toEqual([]);
		emulator.clock.advance(24 * 3600);
		const message = channelMessage(emulator, GENERAL.id, 'read as the integration account');
		expect((await poller.poll()).map((m) => m.id)).toEqual([message.id]);
		const reads = emulator.requests.entries().filter((e) => e.route === DELTA_ROUTE && e.status === 200);
		expect(reads.map((e) => e.appId)).toEqual([SEED_APPS.main.appId]);
		expect(emulator.requests.count({ route: DELTA_ROUTE, status: 403 })).toBe(0);
	});

	it('commits a poll all or nothing: when a later target fails, the earlier target is read again next time', async () => {
		await approveProtectedApis(emulator);
		const poller = new Poller(emulator, channelParameters({ channelScope: 'team', channelId: undefined }));
		expect(await poller.poll()).toEqual([]);
		const cursorsBefore = JSON.stringify((poller.staticData.node as IDataObject | undefined) ?? poller.staticData);
		emulator.clock.advance(24 * 3600);
		const inGeneral = channelMessage(emulator, GENERAL.id, 'in General');
		const inDeals = channelMessage(emulator, DEALS.id, 'in Deals');
		// The second channel read fails once (Graph's 403 for that channel); the first was read fine.
		const fault = emulator.faults.add({ kind: 'status', status: 403, code: 'Forbidden', message: 'Forbidden', method: 'GET', path: new RegExp(`${encodeURIComponent(DEALS.id)}/messages/delta|${DEALS.id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/messages/delta`), times: 1 });
		await expect(poller.poll()).rejects.toThrow();
		expect(JSON.stringify((poller.staticData.node as IDataObject | undefined) ?? poller.staticData)).toBe(cursorsBefore);
		emulator.faults.remove(fault);
		const polled = await poller.poll();
		expect(polled.map((m) => m.id).sort()).toEqual([inGeneral.id, inDeals.id].sort());
		expect(await poller.poll()).toEqual([]);
	});
});
