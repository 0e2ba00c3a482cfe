/**
 * National clouds and the hosts that serve them. A credential picks a cloud; the advanced host override
 * (used by the emulator and by private proxies) replaces both hosts, but only where the host policy allows it,
 * because every host we talk to receives a client secret, a certificate assertion or a bearer token.
 */
export type M365Cloud = 'global' | 'usGov' | 'usGovDod' | 'china';

export interface CloudHosts {
	/** Entra ID sign-in host, e.g. login.microsoftonline.com */
	loginHost: string;
	/** Microsoft Graph host, e.g. graph.microsoft.com */
	graphHost: string;
}

export const CLOUD_HOSTS: Readonly<Record<M365Cloud, CloudHosts>> = {
	global: { loginHost: 'login.microsoftonline.com', graphHost: 'graph.microsoft.com' },
	usGov: { loginHost: 'login.microsoftonline.us', graphHost: 'graph.microsoft.us' },
	usGovDod: { loginHost: 'login.microsoftonline.us', graphHost: 'dod-graph.microsoft.us' },
	china: { loginHost: 'login.chinacloudapi.cn', graphHost: 'microsoftgraph.chinacloudapi.cn' },
};

export const CLOUD_OPTIONS = [
	{ name: 'Global (Microsoft 365, GCC)', value: 'global' },
	{ name: 'US Government L4 (GCC High)', value: 'usGov' },
	{ name: 'US Government L5 (DoD)', value: 'usGovDod' },
	{ name: 'China (Operated by 21Vianet)', value: 'china' },
];

export function isCloud(value: unknown): value is M365Cloud {
	return typeof value === 'string' && value in CLOUD_HOSTS;
}
