/**
 * Which custom login/Graph hosts a credential may use. A custom host receives secrets and tokens, so it is
 * accepted only when it is a loopback address (the emulator, a local proxy) or when the n8n administrator lists
 * it in the environment variable M365_ALLOWED_CUSTOM_HOSTS (comma-separated host[:port] entries, or `*`).
 * n8n's own credentials refuse unknown hosts the same way.
 */
import type { M365Cloud, CloudHosts } from './clouds';
import { CLOUD_HOSTS, isCloud } from './clouds';

export const ALLOWED_HOSTS_ENV = 'M365_ALLOWED_CUSTOM_HOSTS';

export class CustomHostNotAllowedError extends Error {
	constructor(
		readonly host: string,
		readonly field: string,
	) {
		super(
			`The custom ${field} "${host}" is not allowed. Custom hosts receive your client secret and tokens, ` +
				`so only loopback hosts are accepted unless the n8n administrator lists the host in the ` +
				`environment variable ${ALLOWED_HOSTS_ENV} (comma-separated host:port, or * for any).`,
		);
		this.name = 'CustomHostNotAllowedError';
	}
}

export class InvalidHostError extends Error {
	constructor(host: string, field: string) {
		super(`The ${field} "${host}" is not a host name with an optional port (for example graph.example.com or 127.0.0.1:8443).`);
		this.name = 'InvalidHostError';
	}
}

const HOST_PATTERN = /^(\[[0-9a-f:]+\]|[a-z0-9.-]+)(:\d{1,5})?$/i;

/** Lower-cases and strips a scheme or trailing slash a user may have pasted. */
export function normalizeHost(raw: string): string {
	return raw
		.trim()
		.replace(/^https?:\/\//i, '')
		.replace(/\/+$/, '')
		.toLowerCase();
}

export function hostName(host: string): string {
	if (host.startsWith('[')) return host.slice(1, host.indexOf(']'));
	return host.split(':')[0];
}

export function isLoopbackHost(host: string): boolean {
	const name = hostName(host);
	return name === 'localhost' || name === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name);
}

function allowedByEnvironment(host: string, env: NodeJS.ProcessEnv): boolean {
	const list = (env[ALLOWED_HOSTS_ENV] ?? '')
		.split(',')
		.map((entry) => normalizeHost(entry))
		.filter(Boolean);
	return list.includes('*') || list.includes(host) || list.includes(hostName(host));
}

export function assertCustomHostAllowed(rawHost: string, field: string, env: NodeJS.ProcessEnv = process.env): string {
	const host = normalizeHost(rawHost);
	if (!HOST_PATTERN.test(host)) throw new InvalidHostError(rawHost, field);
	if (!isLoopbackHost(host) && !allowedByEnvironment(host, env)) {
		throw new CustomHostNotAllowedError(host, field);
	}
	return host;
}

export interface HostSettings {
	cloud?: unknown;
	useCustomHosts?: unknown;
	loginHost?: unknown;
	graphHost?: unknown;
}

/** The login and Graph hosts a credential resolves to, after the host policy. */
export function resolveHosts(settings: HostSettings, env: NodeJS.ProcessEnv = process.env): CloudHosts & { custom: boolean } {
	const cloud: M365Cloud = isCloud(settings.cloud) ? settings.cloud : 'global';
	if (settings.useCustomHosts !== true) return { ...CLOUD_HOSTS[cloud], custom: false };
	const loginHost = typeof settings.loginHost === 'string' && settings.loginHost.trim() ? settings.loginHost : '';
	const graphHost = typeof settings.graphHost === 'string' && settings.graphHost.trim() ? settings.graphHost : '';
	return {
		loginHost: loginHost ? assertCustomHostAllowed(loginHost, 'login host', env) : CLOUD_HOSTS[cloud].loginHost,
		graphHost: graphHost ? assertCustomHostAllowed(graphHost, 'Graph host', env) : CLOUD_HOSTS[cloud].graphHost,
		custom: true,
	};
}
