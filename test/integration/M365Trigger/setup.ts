// Shared setup for the Microsoft 365 Trigger's integration tests: an emulator (Contoso seed), tenant-app
// credentials pointing at it, the webhook trigger activated through the harness (real HTTPS webhook server),
// and small waits that end when something happened (never after a fixed time).
import type {
	IDataObject,
	INodeExecutionData,
	INodeParameters,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import { activateWebhookTrigger, runPoll, type ActiveWebhookTrigger } from '../../harness';
import { SEED_APPS, SEED_USERS, startEmulator, type Emulator } from '../../emulator';
import { idleDeliveries, subscriptionRuntime } from '../../emulator/graph/subscriptions';
import type { SubscriptionRecord } from '../../emulator/state/types';
import { request } from 'node:https';
import { tenantAppCredentialData } from '../../support/emulatorCredentials';
import { M365Trigger } from '../../../nodes/M365Trigger/M365Trigger.node';
import { M365PollingTrigger } from '../../../nodes/M365PollingTrigger/M365PollingTrigger.node';

// Emulator retries to a receiver that is gone take ~13 s of real time (growing delays); a loaded machine is slow.
// Waits here end when the work is done; this only bounds a hung test.
jest.setTimeout(120_000);

export const SUPPORT = SEED_USERS.support.upn;
export const SALES = SEED_USERS.salesDesk.upn;

export async function startTenant(clockStart?: string): Promise<Emulator> {
	return await startEmulator({ clockStart });
}

/**
 * Marks the seeded tenant app as approved by Microsoft for Teams' protected APIs (app-only reads of channel and
 * chat messages), as a tenant that requested access has it. New apps are not approved, in Graph and in the emulator.
 */
export async function approveProtectedApis(emulator: Emulator, appId = SEED_APPS.main.appId): Promise<void> {
	expect(await control(emulator, `/apps/${appId}/protectedApiAccess`, { approved: true })).toBe(200);
}

export function credentialsFor(emulator: Emulator): Record<string, IDataObject> {
	return { m365TenantAppApi: tenantAppCredentialData(emulator) as IDataObject };
}

export function mailParameters(mailboxes: string[], extra: INodeParameters = {}): INodeParameters {
	return {
		authentication: 'm365TenantAppApi',
		event: 'newMail',
		mailboxes: { mailbox: mailboxes.map((address) => ({ mailbox: { __rl: true, mode: 'address', value: address } })) },
		mailFolder: 'inbox',
		...extra,
	};
}

export async function activate(
	emulator: Emulator,
	parameters: INodeParameters,
	options: { staticData?: IDataObject; activation?: 'activate' | 'init'; protocol?: 'http' | 'https'; mode?: 'trigger' | 'manual' } = {},
): Promise<ActiveWebhookTrigger> {
	return await activateWebhookTrigger({
		nodeType: trackedTrigger(),
		parameters,
		credentials: credentialsFor(emulator) as never,
		staticData: options.staticData,
		activation: options.activation,
		protocol: options.protocol,
		mode: options.mode,
	});
}

export function liveSubscriptions(emulator: Emulator): SubscriptionRecord[] {
	const now = emulator.clock.nowMs();
	return Object.values(emulator.state.data.subscriptions).filter((s) => Date.parse(s.expirationDateTime) > now);
}

/** Webhook calls the node is still working on (it answers 202 first and fetches after). */
const working = new Set<Promise<unknown>>();

/** The webhook node, with each webhook() call tracked so tests can wait for the end of the node's work. */
export function trackedTrigger(): M365Trigger {
	const node = new M365Trigger();
	const webhook = node.webhook;
	node.webhook = async function (this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const work = webhook.call(this);
		working.add(work);
		try {
			return await work;
		} finally {
			working.delete(work);
		}
	};
	return node;
}

/** Waits until the emulator has no notification in flight and the node no webhook call in progress. */
export async function settled(emulator: Emulator): Promise<void> {
	for (;;) {
		await idleDeliveries(emulator);
		if (working.size === 0) {
			await new Promise((resolve) => setImmediate(resolve));
			if (working.size === 0 && subscriptionRuntime(emulator).inFlight.size === 0) return;
		}
		await Promise.allSettled([...working]);
	}
}

/** The Graph requests the emulator saw, as 'METHOD /v1.0/path', in order (token requests go to the login host). */
export function graphCalls(emulator: Emulator): string[] {
	return emulator.requests
		.entries()
		.filter((entry) => entry.host === 'graph')
		.map((entry) => `${entry.method} ${entry.path}`);
}

/** Everything the trigger emitted once the emulator and the node are done. */
export async function emittedItems(emulator: Emulator, trigger: ActiveWebhookTrigger): Promise<IDataObject[]> {
	await settled(emulator);
	return allItems(trigger);
}

export function allItems(trigger: ActiveWebhookTrigger): IDataObject[] {
	return trigger.emitted.flatMap((workflowData) => (workflowData[0] ?? []).map((item: INodeExecutionData) => item.json));
}

/** n8n's "Poll Times" once a day, what Microsoft allows for Teams messages. */
export const DAILY: INodeParameters = { item: [{ mode: 'everyDay', hour: 9, minute: 0 }] };

/** Polls like an active workflow: static data carried from one poll to the next. */
export class Poller {
	staticData: IDataObject = {};

	constructor(
		private readonly emulator: Emulator,
		private readonly parameters: INodeParameters,
		private readonly credentials: Record<string, IDataObject> = credentialsFor(emulator),
	) {}

	async poll(mode: 'trigger' | 'manual' = 'trigger'): Promise<IDataObject[]> {
		const result = await runPoll({
			nodeType: new M365PollingTrigger(),
			parameters: this.parameters,
			credentials: this.credentials as never,
			staticData: this.staticData,
			mode,
		});
		// n8n keeps the workflow's static data in memory from one poll to the next, also after a failed poll.
		if (mode === 'trigger') this.staticData = result.staticData;
		if (result.error) throw result.error;
		return (result.items?.[0] ?? []).map((item: INodeExecutionData) => item.json);
	}
}

/** POSTs to the emulator's control API (/_emulator/...), as a test or the demo would. */
export async function control(emulator: Emulator, path: string, body: unknown): Promise<number> {
	return await new Promise((resolve, reject) => {
		const req = request(
			`${emulator.graphUrl}/_emulator${path}`,
			{ method: 'POST', headers: { 'Content-Type': 'application/json' } },
			(res) => {
				res.resume();
				res.on('end', () => resolve(res.statusCode ?? 0));
			},
		);
		req.on('error', reject);
		req.end(JSON.stringify(body));
	});
}

export function presenceParameters(users: string[]): INodeParameters {
	return {
		authentication: 'm365TenantAppApi',
		event: 'presenceChanged',
		presenceUsers: {
			user: users.map((value) => ({ user: { __rl: true, mode: value.includes('@') ? 'upn' : 'id', value } })),
		},
	};
}
