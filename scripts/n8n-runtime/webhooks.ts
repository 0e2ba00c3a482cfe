// Calling a workflow's production webhook. Activation may register webhooks a moment after the REST answer
// (in queue mode the main process learns of it through Redis), so a 404 "not registered" is waited out.
import type { N8nInstance } from './instance';

const POLL_MS = 250;

export async function callProductionWebhook(
	instance: Pick<N8nInstance, 'webhookUrl'>,
	webhookPath: string,
	init: RequestInit = {},
	deadlineMs = 60_000,
): Promise<Response> {
	const url = `${instance.webhookUrl}webhook/${webhookPath.replace(/^\//, '')}`;
	const deadline = Date.now() + deadlineMs;
	for (;;) {
		const response = await fetch(url, init);
		if (response.status !== 404 || Date.now() > deadline) return response;
		const body = await response.clone().text();
		if (!/is not registered/.test(body)) return response;
		await new Promise((resolve) => setTimeout(resolve, POLL_MS));
	}
}
