/**
 * Adds `displayOptions` to every field of an operation, as n8n's internal `updateDisplayOptions` does
 * (packages/nodes-base/utils/utilities.ts, not exported to community packages).
 */
import type { IDisplayOptions, INodeProperties } from 'n8n-workflow';

export function updateDisplayOptions(displayOptions: IDisplayOptions, properties: INodeProperties[]): INodeProperties[] {
	return properties.map((property) => ({
		...property,
		displayOptions: {
			...property.displayOptions,
			show: { ...displayOptions.show, ...property.displayOptions?.show },
			...(displayOptions.hide || property.displayOptions?.hide
				? { hide: { ...displayOptions.hide, ...property.displayOptions?.hide } }
				: {}),
		},
	}));
}
