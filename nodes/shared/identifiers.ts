/**
 * Shapes of the identifiers Graph and Entra use, in one place: object ids (GUIDs) and addresses
 * (user principal names and mail). `*_SOURCE` strings are for resource-locator validation regexes.
 */
export const GUID_SOURCE = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
export const GUID = new RegExp(`^${GUID_SOURCE}$`);
export const ADDRESS_SOURCE = '[^\\s@]+@[^\\s@]+\\.[^\\s@]+';
export const ADDRESS = new RegExp(`^${ADDRESS_SOURCE}$`);


/**
 * Orders identifiers, keys and ISO 8601 times by their code units. ISO times in one format sort by time this way,
 * and the order is the same on every machine; `localeCompare` depends on the locale and ICU and costs several times
 * more, which shows when a poll sorts thousands of messages.
 */
export function compareOrdinal(a: string, b: string): number {
	return a < b ? -1 : a > b ? 1 : 0;
}
