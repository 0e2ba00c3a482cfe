/**
 * Graph URLs: relative paths under a version root, or absolute next/delta links that must stay on the
 * credential's Graph host (a token is never sent anywhere else).
 */
import type { IDataObject } from 'n8n-workflow';

import { UnexpectedHostError } from '../auth/requestHost';
import type { GraphVersion } from './types';

/** OData keys keep their `$`; values are percent-encoded (spaces as %20, which Graph's filter parser expects). */
export function graphQueryString(qs: IDataObject | undefined): string {
	if (!qs) return '';
	const parts: string[] = [];
	for (const [key, value] of Object.entries(qs)) {
		if (value === undefined || value === null || value === '') continue;
		const encodedKey = encodeURIComponent(key).replace(/^%24/, '$');
		const values = Array.isArray(value) ? value : [value];
		for (const v of values) parts.push(`${encodedKey}=${encodeURIComponent(String(v))}`);
	}
	return parts.length ? `?${parts.join('&')}` : '';
}

export function graphUrl(graphHost: string, url: string, version: GraphVersion = 'v1.0', qs?: IDataObject): string {
	if (/^https?:\/\//i.test(url)) {
		const absolute = new URL(url);
		if (absolute.protocol !== 'https:' || absolute.host.toLowerCase() !== graphHost.toLowerCase()) {
			throw new UnexpectedHostError(absolute.host, graphHost);
		}
		const extra = graphQueryString(qs);
		return extra ? `${url}${url.includes('?') ? '&' : '?'}${extra.slice(1)}` : url;
	}
	const path = url.startsWith('/') ? url : `/${url}`;
	return `https://${graphHost}/${version}${path}${graphQueryString(qs)}`;
}

export function pathOf(url: string): string {
	try {
		return new URL(url).pathname;
	} catch {
		return url.split('?')[0];
	}
}
