/**
 * The National Cloud field and the advanced custom-host override, shared by every credential of this package
 * (the override is hidden until switched on; hostPolicy.ts decides which hosts are accepted).
 */
import type { INodeProperties } from 'n8n-workflow';

import { CLOUD_OPTIONS } from './clouds';

export function cloudAndHostProperties(useCustomHostsDescription: string): INodeProperties[] {
	return [
		{
			displayName: 'National Cloud',
			name: 'cloud',
			type: 'options',
			options: CLOUD_OPTIONS,
			default: 'global',
		},
		{
			displayName: 'Use Custom Hosts (Advanced)',
			name: 'useCustomHosts',
			type: 'boolean',
			default: false,
			description: useCustomHostsDescription,
		},
		{
			displayName: 'Login Host',
			name: 'loginHost',
			type: 'string',
			default: '',
			placeholder: '127.0.0.1:8443',
			displayOptions: { show: { useCustomHosts: [true] } },
		},
		{
			displayName: 'Graph Host',
			name: 'graphHost',
			type: 'string',
			default: '',
			placeholder: '127.0.0.1:8444',
			displayOptions: { show: { useCustomHosts: [true] } },
		},
	];
}
