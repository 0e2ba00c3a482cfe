/**
 * Which custom login/Graph hosts a credential may use. A custom host receives secrets and tokens, and on a shared
 * n8n every credential author chooses it, so no custom host is accepted unless the n8n administrator lists it in
 * the environment variable M365_ALLOWED_CUSTOM_HOSTS (comma-separated host[:port] entries, or `*`). Loopback hosts
 * are no exception: they reach the services of the n8n host itself. The test tooling (scripts/with-emulator-ca.js)
 * lists 127.0.0.1 for the emulator.
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
				`so a custom host (loopback addresses included) is accepted only when the n8n administrator lists it ` +
				`in the environment variable ${ALLOWED_HOSTS_ENV} (comma-separated host:port, or * for any).`,
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

function allowedEntries(env: NodeJS.ProcessEnv): string[] {
	return (env[ALLOWED_HOSTS_ENV] ?? '')
		.split(',')
		.map((entry) => normalizeHost(entry))
		.filter(Boolean);
}

function allowedByEnvironment(host: string, env: NodeJS.ProcessEnv): boolean {
	const list = allowedEntries(env);
	return list.includes('*') || list.includes(host) || list.includes(hostName(host));
}

export function assertCustomHostAllowed(rawHost: string, field: string, env: NodeJS.ProcessEnv = process.env): string {
	const host = normalizeHost(rawHost);
	if (!HOST_PATTERN.test(host)) throw new InvalidHostError(rawHost, field);
	if (!allowedByEnvironment(host, env)) throw new CustomHostNotAllowedError(host, field);
	return host;
}

/**
 * The same policy as a regular expression source, for the OAuth2 credentials' URL expressions: n8n evaluates those
 * itself (Connect, token refresh, the Test button) before any code of ours runs, and blocks `$env` in expressions
 * by default, so the list is read when n8n loads the credential type. Matches a normalised host[:port]; an entry
 * without a port allows every port of that host. Nothing listed: matches nothing.
 */
export function allowedHostPattern(env: NodeJS.ProcessEnv = process.env): string {
	const entries = allowedEntries(env).filter((entry) => entry === '*' || HOST_PATTERN.test(entry));
	if (entries.includes('*')) return '[a-z0-9.:\\[\\]-]+';
	if (entries.length === 0) return '(?!)';
	const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
	return entries.map((entry) => (/:\d+$/.test(entry) && !entry.endsWith(']') ? escape(entry) : `${escape(entry)}(:[0-9]+)?`)).join('|');
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
