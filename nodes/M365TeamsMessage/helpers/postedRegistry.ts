/**
 * Messages this process posted, per execution and node, by duplicate marker. When n8n re-runs the node in the
 * same execution (the node's "Retry On Fail" setting re-runs every item after one failed), items that already went
 * out are answered from here instead of being posted again. Bounded: only the most recent executions are kept.
 */
import type { ChatMessage } from '@microsoft/microsoft-graph-types';

const MAX_EXECUTIONS = 50;

const registry = new Map<string, Map<string, ChatMessage>>();

function key(executionId: string, nodeName: string): string {
	return `${executionId}\u0000${nodeName}`;
}

export function alreadyPosted(executionId: string, nodeName: string, marker: string): ChatMessage | undefined {
	return registry.get(key(executionId, nodeName))?.get(marker);
}

export function rememberPosted(executionId: string, nodeName: string, marker: string, message: ChatMessage): void {
	const runKey = key(executionId, nodeName);
	let posted = registry.get(runKey);
	if (!posted) {
		posted = new Map();
		registry.set(runKey, posted);
		while (registry.size > MAX_EXECUTIONS) registry.delete(registry.keys().next().value as string);
	}
	posted.set(marker, message);
}

/** Ids of every message this run (execution and node) has posted or matched so far. */
export function knownMessageIds(executionId: string, nodeName: string): Set<string> {
	const posted = registry.get(key(executionId, nodeName));
	return new Set([...(posted?.values() ?? [])].map((message) => message.id ?? '').filter((id) => id !== ''));
}
