/**
 * $batch sub-requests take URLs relative to the version root, but Graph hands out @odata.nextLink and
 * @odata.deltaLink as absolute URLs. This turns such a link back into the relative form, refusing links to another
 * host or API version (following them inside a batch would silently talk to a different service).
 */
import type { GraphVersion } from './types';

export function toBatchUrl(link: string, graphHost: string, version: GraphVersion = 'v1.0'): string {
	if (!/^https?:\/\//i.test(link)) return link.startsWith('/') ? link : `/${link}`;
	const url = new URL(link);
	if (url.host.toLowerCase() !== graphHost.toLowerCase()) {
		throw new Error(`Refusing to follow a Graph link to another host (${url.host}, expected ${graphHost})`);
	}
	const prefix = `/${version}/`;
	if (!url.pathname.startsWith(prefix)) {
		throw new Error(`A Graph link outside ${prefix} cannot be sent in a ${version} $batch: ${url.pathname}`);
	}
	return `${url.pathname.slice(prefix.length - 1)}${url.search}`;
}
