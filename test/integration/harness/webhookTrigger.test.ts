import { activateWebhookTrigger } from '../../harness';
import {
	sendJson,
	sendRequest,
	startLocalHttpsServer,
	type LocalHttpsServer,
} from './localHttpsServer';
import { HarnessSubscriptionTrigger, HarnessTokenApi } from './testNodes';

// A subscription service shaped like Graph's: creating a subscription first proves the notification URL
// answers a validation request by echoing the token as text/plain, then the subscription exists.
function serveSubscriptions(service: LocalHttpsServer) {
	const state = {
		validations: [] as Array<{ statusCode: number; contentType?: string; body: string }>,
		deleted: [] as string[],
	};
	service.handle((request, response) => {
		if (request.method === 'POST' && request.path === '/api/subscriptions') {
			const { notificationUrl } = JSON.parse(request.body) as { notificationUrl: string };
			void sendRequest(`${notificationUrl}?validationToken=${encodeURIComponent('token <1>')}`, {
				headers: { 'content-type': 'text/plain; charset=utf-8' },
			}).then((answer) => {
				state.validations.push({
					statusCode: answer.statusCode,
					contentType: answer.headers['content-type'],
					body: answer.body,
				});
				if (answer.statusCode === 200 && answer.body === 'token <1>')
					sendJson(response, 201, { id: 'subscription-1' });
				else
					sendJson(response, 400, {
						error: { code: 'ValidationError', message: 'Subscription validation request failed.' },
					});
			});
			return;
		}
		if (request.method === 'DELETE' && request.path.startsWith('/api/subscriptions/')) {
			state.deleted.push(request.path.split('/').at(-1) as string);
			response.writeHead(204).end();
			return;
		}
		sendJson(response, 404, {});
	});
	return state;
}

describe('activateWebhookTrigger', () => {
	let service: LocalHttpsServer;

	beforeAll(async () => {
		service = await startLocalHttpsServer();
	});
	afterAll(async () => {
		await service.close();
	});

	const activate = () =>
		activateWebhookTrigger({
			nodeType: new HarnessSubscriptionTrigger(),
			credentials: { harnessTokenApi: { host: new URL(service.url).host, apiToken: 'token-1' } },
			credentialTypes: [new HarnessTokenApi()],
		});

	it('creates the subscription through a real validation handshake, emits notifications, deletes on deactivation', async () => {
		const subscriptions = serveSubscriptions(service);
		const trigger = await activate();

		expect(trigger.webhookUrl).toMatch(
			/^https:\/\/127\.0\.0\.1:\d+\/webhook\/[0-9a-f-]{36}\/notifications$/,
		);
		expect(subscriptions.validations).toEqual([
			{ statusCode: 200, contentType: 'text/plain; charset=utf-8', body: 'token <1>' },
		]);
		expect(trigger.nodeStaticData).toEqual({ subscriptionId: 'subscription-1' });

		const answer = await sendRequest(trigger.webhookUrl, {
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({
				value: [{ clientState: 'harness-state', resource: 'chats/1' }, { clientState: 'forged' }],
			}),
		});
		const ignored = await sendRequest(trigger.webhookUrl, {
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ value: [{ clientState: 'forged' }] }),
		});

		expect(answer).toEqual(
			expect.objectContaining({ statusCode: 200, body: '{"message":"Workflow was started"}' }),
		);
		expect(ignored.body).toBe('ignored');
		expect(trigger.emitted).toEqual([
			[[{ json: { clientState: 'harness-state', resource: 'chats/1' } }]],
		]);
		const calls = await trigger.waitForCalls(3);
		expect(
			calls.map((call) => [call.method, call.answer.statusCode, call.workflowData !== undefined]),
		).toEqual([
			['POST', 200, false],
			['POST', 200, true],
			['POST', 200, false],
		]);

		expect(trigger.nodeStaticData).toEqual({
			subscriptionId: 'subscription-1',
			notificationsReceived: 2,
		});

		const finalStaticData = await trigger.deactivate();
		expect(subscriptions.deleted).toEqual(['subscription-1']);
		expect(finalStaticData).toEqual({
			'node:Harness Subscription Trigger': { notificationsReceived: 2 },
		});
	});

	it('keeps static data saved per request, dropping the changes of a request the node failed on', async () => {
		serveSubscriptions(service);
		const trigger = await activate();

		await sendRequest(trigger.webhookUrl, {
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ value: [] }),
		});
		const failed = await sendRequest(trigger.webhookUrl, {
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ fail: true }),
		});
		// The validation handshake during activation was the first call.
		const calls = await trigger.waitForCalls(3);
		await trigger.deactivate();

		expect(failed.statusCode).toBe(500);
		expect(calls[2].error?.message).toBe('The notification broke the node');
		expect(trigger.nodeStaticData).toEqual({ notificationsReceived: 1 });
	});

	it("serves the editor's test URL in manual mode", async () => {
		serveSubscriptions(service);
		const trigger = await activateWebhookTrigger({
			nodeType: new HarnessSubscriptionTrigger(),
			credentials: { harnessTokenApi: { host: new URL(service.url).host, apiToken: 'token-1' } },
			credentialTypes: [new HarnessTokenApi()],
			mode: 'manual',
		});

		const answer = await sendRequest(trigger.webhookUrl, {
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ value: [{ clientState: 'harness-state' }] }),
		});
		await trigger.deactivate();

		expect(trigger.webhookUrl).toContain('/webhook-test/');
		expect(answer.statusCode).toBe(200);
		expect(trigger.emitted).toHaveLength(1);
	});

	it('answers 404 for a path the node does not serve and 422 for a body n8n cannot parse', async () => {
		serveSubscriptions(service);
		const trigger = await activate();

		const unknown = await sendRequest(trigger.webhookUrl.replace('notifications', 'elsewhere'), {
			body: '{}',
		});
		const unparsable = await sendRequest(trigger.webhookUrl, {
			headers: { 'content-type': 'application/json' },
			body: '{',
		});
		await trigger.deactivate();

		expect(unknown.statusCode).toBe(404);
		expect(unparsable.statusCode).toBe(422);
		expect(trigger.emitted).toEqual([]);
	});

	it("refuses activation with the node's error when create fails, after running delete", async () => {
		service.handle((request, response) => {
			if (request.method === 'POST')
				sendJson(response, 403, { error: { code: 'Forbidden', message: 'Missing permission' } });
			else response.writeHead(204).end();
		});

		await expect(activate()).rejects.toThrow('Forbidden - perhaps check your credentials?');
		expect(service.received.at(-1)?.method).toBe('DELETE');
	});
});
