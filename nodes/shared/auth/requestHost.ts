/**
 * Refuses to attach a token to a request whose host is not the credential's Graph host, so an expression or a
 * pasted @odata.nextLink can never carry a token to another server.
 */
import type { IHttpRequestOptions } from 'n8n-workflow';

export class UnexpectedHostError extends Error {
	constructor(host: string, expected: string) {
		super(`Refusing to send Microsoft 365 credentials to ${host}: this credential only talks to ${expected}.`);
		this.name = 'UnexpectedHostError';
	}
}

export function requestHost(options: Pick<IHttpRequestOptions, 'url' | 'baseURL'>): string {
	const url = new URL(options.url, options.baseURL);
	return url.host.toLowerCase();
}

export function assertRequestToGraphHost(options: Pick<IHttpRequestOptions, 'url' | 'baseURL'>, graphHost: string): void {
	const url = new URL(options.url, options.baseURL);
	if (url.protocol !== 'https:' || url.host.toLowerCase() !== graphHost.toLowerCase()) {
		throw new UnexpectedHostError(url.host || options.url, graphHost);
	}
}
